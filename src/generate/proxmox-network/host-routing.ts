// A Proxmox host whose own address is a segment's gateway routes that segment (seed 002: admin and
// apps exist only inside the PC, so their guests reach the internet through the host). Build turns
// on IPv4 forwarding there and masquerades the segment behind the host's uplink, the interface of
// its own default route, as Proxmox's "Masquerading (NAT)" set-up does.
import type { Host, Model } from "../../model/model.js";
import { hashHeader } from "../../artifact/artifact.js";
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

/** What the host needs to route, or undefined when it routes nothing (or has no uplink). */
export function routingSysctl(model: Model, host: Host): string | undefined {
  const r = hostRouting(model, host);
  if (r.segments.length === 0 || !r.uplink) return undefined;
  return [
    hashHeader(model).trimEnd(),
    `# ${host.name} is the gateway of ${r.segments.map((s) => s.network).join(", ")}: it forwards their traffic`,
    `# out through ${r.uplink}, masqueraded (nftables.conf).`,
    "net.ipv4.ip_forward = 1",
    "",
  ].join("\n");
}
