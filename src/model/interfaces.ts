// The name of a guest's network interface on each network. VMs and containers name their NIC after
// the network (cloud-init renames it by MAC), so keepalived, nftables and the lab's namespaces all
// say `lan` or `admin` instead of guessing `ens18`. Bare-metal OSes keep the host's NIC names.
import type { Guest, Model } from "./model.js";

/** Linux interface names are at most 15 bytes. */
const clamp = (name: string): string => (name.length <= 15 ? name : name.slice(0, 15));

export function guestInterface(model: Model, guest: Guest, network: string): string {
  if (guest.kind !== "metal") return clamp(network);
  const host = model.hosts.find((h) => h.name === guest.host);
  const nic = host?.nics.find((n) => n.networks.includes(network));
  const net = model.networks.find((n) => n.name === network);
  if (!nic) return clamp(network);
  // A tagged network on a bare-metal NIC is a VLAN sub-interface.
  return net?.vlan !== undefined && nic.networks.length > 1 ? clamp(`${nic.name}.${net.vlan}`) : nic.name;
}

/** The interface name a Proxmox host uses for a network: its bridge. */
export function hostBridge(model: Model, network: string): string {
  return model.networks.find((n) => n.name === network)?.bridge ?? "vmbr0";
}
