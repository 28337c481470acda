// A Proxmox host whose own address is a segment's gateway routes that segment (seed 002: admin and
// apps exist only inside the PC, so their guests reach the internet through the host). Build turns
// on IPv4 forwarding there (proxmox-network) and masquerades the segment behind the host's uplink,
// the interface of its own default route (nftables), as Proxmox's "Masquerading (NAT)" set-up does.
import type { Host, Model } from "../model/model.js";
import { bridgeLayout } from "./bridge-layout.js";

export interface RoutedSegment {
  network: string;
  cidr: string;
  /** The host's interface on the segment. */
  iface: string;
}

export interface HostRouting {
  segments: RoutedSegment[];
  /** The interface of the host's default route; without one the host has nowhere to route to. */
  uplink?: string;
}

export function hostRouting(model: Model, host: Host): HostRouting {
  const layout = bridgeLayout(model, host);
  const segments = model.networks.flatMap((n) => {
    const own = layout.addresses.find((a) => a.network === n.name);
    return n.router === host.name && own ? [{ network: n.name, cidr: n.cidr.text, iface: own.iface }] : [];
  });
  return { segments, uplink: layout.addresses.find((a) => a.gateway !== undefined)?.iface };
}
