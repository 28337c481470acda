// Who may reach what, derived from the network roles of seed 002: `public` faces the internet and
// exposes only ingress and the VPN, `admin` is reached only through the VPN, `apps` carries the load
// balancer's traffic to the cluster. A spec without those roles is one flat LAN (seeds 000, 003, 004).
import type { Guest, Model } from "../../model/model.js";

export { isSegmented } from "../../topology/exposure.js";

/**
 * Sources allowed to manage machines (SSH, web UIs, the Kubernetes API): the admin segments and the
 * VPN tunnel. On a flat LAN, the LAN itself; never a public segment.
 */
export function managementSources(model: Model): string[] {
  const admin = model.networks.filter((n) => n.role === "admin");
  const nets = admin.length ? admin : model.networks.filter((n) => n.role !== "public");
  return unique([...nets.map((n) => n.cidr.text), ...(model.wireguard ? [model.wireguard.tunnel.text] : [])]);
}

export const unique = <T>(xs: T[]): T[] => [...new Set(xs)];

export const guestsNamed = (model: Model, names: string[]): Guest[] =>
  names.flatMap((n) => model.guests.filter((g) => g.name === n));

/** Every address of these guests: peers may talk from any segment they share. */
export const addressesOf = (guests: Guest[]): string[] =>
  unique(guests.flatMap((g) => Object.values(g.address)));
