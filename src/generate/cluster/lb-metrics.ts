// The HAProxy + Keepalived pair lives outside the cluster, so nothing in Kubernetes sees it fail:
// Prometheus scrapes each load balancer's built-in exporter (the stats endpoint its firewall already
// opens to the nodes), and the alerts say when the pair has lost its spare or a backend its servers.
import { backendGuests } from "../haproxy/backend-address.js";
import { frontendName } from "../haproxy/haproxy-config.js";
import { statsEndpoint } from "../haproxy/stats-endpoint.js";
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

export interface LbRule {
  alert: string;
  expr: string;
  for: string;
  severity: "warning" | "critical";
  summary: string;
  description: string;
}

export function lbAlertRules(model: Model): LbRule[] {
  const scraped = new Set(lbTargets(model).map((t) => t.loadBalancer));
  return model.loadBalancers
    .filter((lb) => scraped.has(lb.name))
    .flatMap((lb) => {
      const sel = `job="${LB_JOB}",load_balancer="${lb.name}"`;
      const pair = lb.guests.length > 1;
      // Each frontend's backend against the number of servers the spec gives it.
      const expected = lb.frontends
        .map((f) => ({ proxy: frontendName(lb, f), servers: backendGuests(model, f.backends).length }))
        .filter((x) => x.servers > 0);
      const degraded = expected
        .map((x) => `haproxy_backend_active_servers{${sel},proxy="${x.proxy}"} < ${x.servers}`)
        .join(" or ");
      const rules: LbRule[] = [
        {
          alert: "LoadBalancerDown",
          expr: `up{${sel}} == 0`,
          for: "2m",
          severity: pair ? "warning" : "critical",
          summary: pair
            ? `A load balancer of "${lb.name}" is down: the VIP ${lb.vip} has no spare`
            : `The load balancer "${lb.name}" is down: nothing answers on ${lb.vip}`,
          description: pair
            ? "HAProxy on {{ $labels.guest }} does not answer Prometheus. keepalived has moved the VIP to a peer if it could; one more failure and the VIP is gone."
            : "HAProxy on {{ $labels.guest }} does not answer Prometheus, and it is the only guest of this load balancer.",
        },
      ];
      if (expected.length) {
        rules.push(
          {
            alert: "LoadBalancerBackendEmpty",
            expr: `haproxy_backend_active_servers{${sel}} == 0`,
            for: "1m",
            severity: "critical",
            summary: `A backend of load balancer "${lb.name}" has no server up`,
            description:
              "{{ $labels.proxy }} on {{ $labels.guest }} routes to nothing. Its /healthz fails, so keepalived gives the VIP to a peer that can still route, if there is one.",
          },
          {
            alert: "LoadBalancerBackendDegraded",
            expr: degraded,
            for: "10m",
            severity: "warning",
            summary: `A backend of load balancer "${lb.name}" runs with fewer servers than planned`,
            description:
              "{{ $labels.proxy }} on {{ $labels.guest }} has {{ $value }} servers up; the plan counted on all of them.",
          },
        );
      }
      return rules;
    });
}
