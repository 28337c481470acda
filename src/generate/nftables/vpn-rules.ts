// The VPN guest: WireGuard on its listening segment, and routing from the tunnel to the exposed
// segments only, masqueraded so those segments need no route back to the tunnel.
import { guestInterface } from "../../model/interfaces.js";
import { exposureFacts } from "../../topology/exposure.js";
import type { Guest, Model, WireGuard } from "../../model/model.js";
import { WG_INTERFACE } from "../../topology/wireguard-interface.js";
import { fromSources, set, type Ruleset } from "./ruleset.js";
import { managementSources } from "./segmentation.js";

export function vpnRuleset(model: Model, guest: Guest, wg: WireGuard): Ruleset {
  // The exposed segments, and the addresses of names meant for the VPN that lie elsewhere.
  const exposed = [
    ...model.networks.filter((n) => wg.exposes.includes(n.name)).map((n) => n.cidr.text),
    ...exposureFacts(model).vpnRoutes,
  ];
  const listen = guestInterface(model, guest, wg.network);
  const dest = set(exposed);
  return {
    intro: [
      `Firewall of VPN guest ${guest.name}: WireGuard on ${wg.network}; tunnel clients reach ${wg.exposes.join(", ")} and nothing else.`,
    ],
    input: [
      `iifname "${listen}" udp dport ${wg.port} accept`,
      ...fromSources(managementSources(model), "tcp dport 22 accept"),
    ],
    forward: dest ? [`iifname "${WG_INTERFACE}" ip saddr ${wg.tunnel.text} ip daddr ${dest} accept`] : [],
    postrouting: dest ? [`ip saddr ${wg.tunnel.text} ip daddr ${dest} masquerade`] : [],
  };
}
