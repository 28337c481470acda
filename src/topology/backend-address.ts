// Which of a K3s node's addresses an HAProxy guest dials. The VIP's network first (seed 003: the one
// LAN), then a network the load balancer itself is on (seed 002: apps, the LB-to-cluster segment),
// then an apps segment, then whatever the node has: the choice follows the segmentation, so backend
// traffic never needs routing through another segment when a direct path exists.
import type { Guest, LoadBalancer, Model } from "../model/model.js";

export function backendAddress(
  model: Model,
  lb: LoadBalancer,
  lbGuest: Guest,
  node: Guest,
): string | undefined {
  const nodeNets = Object.keys(node.address);
  const apps = model.networks.filter((n) => n.role === "apps").map((n) => n.name);
  const net =
    nodeNets.find((n) => n === lb.network) ??
    Object.keys(lbGuest.address).find((n) => nodeNets.includes(n)) ??
    nodeNets.find((n) => apps.includes(n)) ??
    nodeNets[0];
  return net === undefined ? undefined : node.address[net];
}

/** The K3s guests a frontend forwards to, in spec order. */
export function backendGuests(model: Model, set: LoadBalancer["frontends"][number]["backends"]): Guest[] {
  const k = model.kubernetes;
  if (!k) return [];
  const names =
    set === "k3s-servers" ? k.servers : set === "k3s-agents" ? k.agents : [...k.servers, ...k.agents];
  return names.flatMap((n) => model.guests.filter((g) => g.name === n));
}
