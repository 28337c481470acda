// The HAProxy + Keepalived pair lives outside the cluster, so nothing in Kubernetes sees it fail:
// Prometheus scrapes each load balancer's built-in exporter (the stats endpoint its firewall already
// opens to the nodes); alert-rules.ts says when the pair has lost its spare or a backend its servers.
import { statsEndpoint } from "../../topology/stats-endpoint.js";
import type { Model } from "../../model/model.js";

export const LB_JOB = "hlab-haproxy";

export interface LbTarget {
  loadBalancer: string;
  guest: string;
  address: string;
  port: number;
}

/** Every load-balancer guest whose stats endpoint the cluster can reach (not loopback). */
export function lbTargets(model: Model): LbTarget[] {
  return model.loadBalancers.flatMap((lb) =>
    lb.guests.flatMap((name) => {
      const guest = model.guests.find((g) => g.name === name);
      if (!guest) return [];
      const s = statsEndpoint(model, guest);
      return s.network ? [{ loadBalancer: lb.name, guest: name, address: s.address, port: s.port }] : [];
    }),
  );
}

/** kube-prometheus-stack's `prometheusSpec.additionalScrapeConfigs`: one static target per guest. */
export function lbScrapeConfigs(model: Model): Record<string, unknown>[] {
  const targets = lbTargets(model);
  if (targets.length === 0) return [];
  return [
    {
      job_name: LB_JOB,
      metrics_path: "/metrics",
      static_configs: targets.map((t) => ({
        targets: [`${t.address}:${t.port}`],
        labels: { load_balancer: t.loadBalancer, guest: t.guest },
      })),
    },
  ];
}
