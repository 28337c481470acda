// A Proxmox VE host in a segmented design: its web UI and SSH from management only (seed 002: the
// host also sits on the public segment), corosync, SSH, API and migration between cluster nodes.
// Input only: a forward chain would filter the guests' bridged traffic once br_netfilter is loaded.
import type { Host, Model } from "../../model/model.js";
import { fromSources, type Ruleset } from "./ruleset.js";
import { managementSources, unique } from "./segmentation.js";

export function proxmoxRuleset(model: Model, host: Host): Ruleset {
  const px = model.proxmox;
  const others = (px?.nodes ?? []).filter((n) => n !== host.name);
  const peerAddresses = unique(
    others.flatMap((n) => Object.values(model.hosts.find((h) => h.name === n)?.address ?? {})),
  );
  return {
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
