// Where a load-balancer guest serves its HAProxy statistics, Prometheus metrics and health page.
// Never on the VIP and never on a public segment: an admin network when the guest has one, else its
// own address on the VIP's network, else any non-public address, else loopback. keepalived's track
// script and the nftables rules read the same endpoint, so the three agree.
import type { Guest, Model } from "../model/model.js";
import { STATS_PORT } from "./ports.js";

export interface StatsEndpoint {
  address: string;
  port: number;
  /** The network the address is on; undefined for loopback. */
  network?: string;
}

export function statsEndpoint(model: Model, guest: Guest): StatsEndpoint {
  const roleOf = (net: string): string | undefined => model.networks.find((n) => n.name === net)?.role;
  const nets = Object.keys(guest.address);
  const vipNets = model.loadBalancers.filter((lb) => lb.guests.includes(guest.name)).map((lb) => lb.network);
  const pick =
    nets.find((n) => roleOf(n) === "admin") ??
    nets.find((n) => vipNets.includes(n) && roleOf(n) !== "public") ??
    nets.find((n) => roleOf(n) !== "public");
  return pick
    ? { address: guest.address[pick]!, port: STATS_PORT, network: pick }
    : { address: "127.0.0.1", port: STATS_PORT };
}
