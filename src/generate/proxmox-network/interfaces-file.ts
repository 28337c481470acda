// /etc/network/interfaces for a Proxmox VE host, in the ifupdown2 dialect and layout Proxmox itself
// writes (tab-indented options, the bridge comment on the line after its options), so the web UI
// reads it back and shows each bridge with the segment it carries.
import type { Host, Model } from "../../model/model.js";
import { hashHeader } from "../../artifact/artifact.js";
import type { Bridge, HostAddress, HostNetworkLayout } from "../../topology/bridge-layout.js";

const stanza = (head: string[], options: string[], comment?: string): string =>
  [...head, ...options.map((o) => `\t${o}`), ...(comment ? [`#${comment}`] : [])].join("\n");

const addressOptions = (a: HostAddress | undefined): string[] =>
  a ? [`address ${a.cidr}`, ...(a.gateway ? [`gateway ${a.gateway}`] : [])] : [];

function bridgeStanza(bridge: Bridge, address: HostAddress | undefined): string {
  const options = [
    ...addressOptions(address),
    `bridge-ports ${bridge.ports.length ? bridge.ports.join(" ") : "none"}`,
    "bridge-stp off",
    "bridge-fd 0",
    ...(bridge.vids.length ? ["bridge-vlan-aware yes", `bridge-vids ${bridge.vids.join(" ")}`] : []),
  ];
  const method = address ? "static" : "manual";
  return stanza(
    [`auto ${bridge.name}`, `iface ${bridge.name} inet ${method}`],
    options,
    bridge.networks.map((n) => n.name).join(", "),
  );
}

export function interfacesFile(model: Model, host: Host, layout: HostNetworkLayout): string {
  const intro = [
    `# Network of Proxmox VE host ${host.name}: one bridge per segment, as the VMs' NICs expect.`,
  ];
  if (layout.defaultNic) {
    intro.push(
      `# eth0 is hlab's name when the spec lists no NIC: check it against \`ip link\` (hosts.${host.name}.nics).`,
    );
  }
  for (const b of layout.bridges) for (const note of b.notes) intro.push(`# ${b.name}: ${note}.`);
  const byIface = new Map(layout.addresses.map((a) => [a.iface, a]));
  const parts = [
    hashHeader(model) + intro.join("\n"),
    stanza(["auto lo", "iface lo inet loopback"], []),
    ...layout.physicalNics.map((nic) => stanza([`iface ${nic} inet manual`], [])),
  ];
  for (const bridge of layout.bridges) {
    parts.push(bridgeStanza(bridge, byIface.get(bridge.name)));
    // The host's own address on a tagged segment sits on a VLAN interface of the bridge.
    for (const a of layout.addresses.filter((x) => x.iface.startsWith(`${bridge.name}.`))) {
      parts.push(stanza([`auto ${a.iface}`, `iface ${a.iface} inet static`], addressOptions(a), a.network));
    }
  }
  parts.push("source /etc/network/interfaces.d/*");
  return parts.join("\n\n") + "\n";
}
