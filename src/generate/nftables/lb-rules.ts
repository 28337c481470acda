// A load-balancer guest accepts its frontends on the VIP's segment, ingress ports on the addresses
// the exposure facts open (exposure-rules.ts, for the clients each name is for), and statistics from management and the cluster (for Prometheus scraping). VRRP
// comes from vrrp-rules.ts, like on every keepalived guest.
import { guestInterface } from "../../model/interfaces.js";
import type { Guest, Model } from "../../model/model.js";
import { statsEndpoint } from "../../topology/stats-endpoint.js";
import { fromSources, set, type Ruleset } from "./ruleset.js";
import { addressesOf, guestsNamed, managementSources, unique } from "./segmentation.js";

export function lbRuleset(model: Model, guest: Guest): Ruleset {
  const lbs = model.loadBalancers.filter((lb) => lb.guests.includes(guest.name));
  const portsByIface = new Map<string, number[]>();
  const open = (iface: string, port: number): void => {
    portsByIface.set(iface, unique([...(portsByIface.get(iface) ?? []), port]));
  };
  for (const lb of lbs) {
    const vipIface = guestInterface(model, guest, lb.network);
    for (const f of lb.frontends) open(vipIface, f.port);
  }
  const stats = statsEndpoint(model, guest);
  const k8s = model.kubernetes;
  const scrapers = unique([
    ...managementSources(model),
    ...addressesOf(guestsNamed(model, k8s ? [...k8s.servers, ...k8s.agents] : [])),
  ]);
  const frontends = [...portsByIface].map(
    ([iface, ports]) => `iifname "${iface}" tcp dport ${set(ports)} accept`,
  );
  return {
    intro: [`Firewall of load balancer ${guest.name}: frontends, statistics, SSH from management.`],
    input: [
      "# HAProxy frontends on the VIP's segment.",
      ...frontends,
      "# Statistics and metrics: management and the cluster's nodes (Prometheus).",
      ...fromSources(scrapers, `ip daddr ${stats.address} tcp dport ${stats.port} accept`),
      ...fromSources(managementSources(model), "tcp dport 22 accept"),
    ],
  };
}
