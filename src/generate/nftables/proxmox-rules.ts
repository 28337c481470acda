// A Proxmox VE host in a segmented design: its web UI and SSH from management only (seed 002: the
// host also sits on the public segment), corosync, SSH, API and migration between cluster nodes.
// A forward chain filters the guests' bridged traffic too once br_netfilter is loaded, so the host
// has one only when it routes a segment, and that one accepts by default.
import type { Host, Model } from "../../model/model.js";
import { hostRouting } from "../../topology/host-routing.js";
import { fromSources, type Ruleset } from "./ruleset.js";
import { managementSources, unique } from "./segmentation.js";

export function proxmoxRuleset(model: Model, host: Host): Ruleset {
  const px = model.proxmox;
  const others = (px?.nodes ?? []).filter((n) => n !== host.name);
  const peerAddresses = unique(
    others.flatMap((n) => Object.values(model.hosts.find((h) => h.name === n)?.address ?? {})),
  );
  const routing = hostRouting(model, host);
  const routed = routing.uplink ? routing.segments : [];
  const uplink = routing.uplink ?? "";
  return {
    ...(routed.length
      ? {
          forwardPolicy: "accept" as const,
          forward: [
            `# Routed segments (${routed.map((s) => s.network).join(", ")}) go out; nothing new comes in from ${uplink}.`,
            // Bridged frames stay on one bridge (in and out the same interface), so this never matches them.
            ...routed.map((s) => `iifname "${uplink}" oifname "${s.iface}" ct state new drop`),
          ],
          postrouting: [
            `# ${host.name} is the gateway of ${routed.map((s) => s.network).join(", ")}: their traffic leaves as its own.`,
            ...routed.map((s) => `ip saddr ${s.cidr} oifname "${uplink}" masquerade`),
          ],
        }
      : {}),
    intro: [
      `Firewall of Proxmox VE host ${host.name}: management from the admin side only, cluster traffic between nodes.`,
    ],
    input: [
      "# SSH, the web UI and the SPICE proxy.",
      ...fromSources(managementSources(model), "tcp dport { 22, 8006, 3128 } accept"),
      ...(peerAddresses.length ? ["# Corosync (knet), and SSH, API and live migration between nodes."] : []),
      ...fromSources(peerAddresses, "udp dport 5405-5412 accept"),
      ...fromSources(peerAddresses, "tcp dport { 22, 8006, 60000-60050 } accept"),
    ],
  };
}
