// haproxy.cfg for one load-balancer guest: TCP pass-through from the VIP (and, for ingress ports, the
// guest's addresses the exposure facts open) to the K3s nodes, health-checked with the failover profile's timers.
// Nothing that differs between a real host and a lab namespace is written here: the pid file and the
// master CLI socket are command-line options (-p, -S), and systemd or the lab choose foreground mode.
import { exposureFacts } from "../../topology/exposure.js";
import type { Frontend, Guest, LoadBalancer, Model } from "../../model/model.js";
import { hashHeader } from "../../artifact/artifact.js";
import { backendAddress, backendGuests } from "../../topology/backend-address.js";
import { statsEndpoint } from "../../topology/stats-endpoint.js";
import { haproxyDetectMs } from "../../topology/failover-formulas.js";
import { frontendName, isApiFrontend } from "../../topology/lb-frontends.js";

const INDENT = "    ";
const block = (head: string, body: string[]): string => [head, ...body.map((l) => INDENT + l)].join("\n");

/**
 * Every address:port a guest's HAProxy binds for one frontend: the VIP, and for ingress ports the
 * guest's own addresses that the exposure facts open (src/model/exposure.ts: an address on the
 * segment of the clients a service is for), never an address nobody is meant to use.
 */
export function frontendBinds(model: Model, guest: Guest, lb: LoadBalancer, f: Frontend): string[] {
  const binds = [`${lb.vip}:${f.port}`];
  if (isApiFrontend(f)) return binds;
  for (const o of exposureFacts(model).openings)
    if (
      o.by === "haproxy" &&
      o.guest === guest.name &&
      o.loadBalancer === lb.name &&
      o.ports.includes(f.port)
    )
      binds.push(`${o.address}:${f.port}`);
  return binds;
}

function checkTimers(lb: LoadBalancer): string {
  const h = lb.healthCheck;
  return `inter ${h.interMs}ms fastinter ${h.fastinterMs}ms fall ${h.fall} rise ${h.rise}`;
}

function serverLines(model: Model, guest: Guest, lb: LoadBalancer, f: Frontend): string[] {
  return backendGuests(model, f.backends).flatMap((node) => {
    const address = backendAddress(model, lb, guest, node);
    return address ? [`server ${node.name} ${address}:${f.backendPort} check`] : [];
  });
}

/** The backends of this guest's HAProxy that have at least one server to route to. */
export function routedBackends(model: Model, guest: Guest): string[] {
  return model.loadBalancers
    .filter((lb) => lb.guests.includes(guest.name))
    .flatMap((lb) =>
      lb.frontends.filter((f) => serverLines(model, guest, lb, f).length > 0).map((f) => frontendName(lb, f)),
    );
}

function proxyPair(model: Model, guest: Guest, lb: LoadBalancer, f: Frontend): string[] {
  const name = frontendName(lb, f);
  const servers = serverLines(model, guest, lb, f);
  return [
    block(`frontend ${name}`, [
      ...frontendBinds(model, guest, lb, f).map((b) => `bind ${b}`),
      `default_backend ${name}`,
    ]),
    block(`backend ${name}`, [
      "balance roundrobin",
      // A TCP connect check: the API and ingress both terminate TLS on the nodes, and a connect
      // answers as soon as the process listens, which is what the pair needs to route around a dead node.
      "option tcp-check",
      `default-server ${checkTimers(lb)} on-marked-down shutdown-sessions`,
      ...(servers.length ? servers : [`# no ${f.backends} in the spec yet`]),
    ]),
  ];
}

/**
 * /healthz answers 503 while any backend has no server up. keepalived's route check reads it and
 * lowers this guest's priority, so a peer that can still reach the servers holds the VIP (a guest
 * cut off from the nodes, by a VLAN or bridge mistake on its host, would otherwise keep it).
 */
function monitorFail(backends: string[]): string[] {
  if (backends.length === 0) return [];
  return [`monitor fail if ${backends.map((b) => `{ nbsrv(${b}) lt 1 }`).join(" || ")}`];
}

export function haproxyConfig(model: Model, guest: Guest): string {
  const lbs = model.loadBalancers.filter((lb) => lb.guests.includes(guest.name));
  const stats = statsEndpoint(model, guest);
  const sections = [
    block("global", ["log /dev/log local0", "chroot /var/lib/haproxy", "user haproxy", "group haproxy"]),
    block("defaults", [
      "mode tcp",
      "log global",
      "option tcplog",
      "option dontlognull",
      // Retries go to another server and sessions to a server marked down are cut, so a dead node
      // costs clients one reconnect instead of a hung connection.
      "option redispatch",
      "retries 3",
      "timeout connect 5s",
      // Long enough for kubectl watches and exec sessions through the API frontend.
      "timeout client 30m",
      "timeout server 30m",
    ]),
    block("frontend stats", [
      "# Statistics (/stats), Prometheus metrics (/metrics), a health page (/healthz); keepalived's checks read it.",
      "mode http",
      `bind ${stats.address}:${stats.port}`,
      "timeout client 30s",
      "option httplog",
      "monitor-uri /healthz",
      ...monitorFail(routedBackends(model, guest)),
      "http-request set-log-level silent",
      "http-request use-service prometheus-exporter if { path /metrics }",
      "stats enable",
      "stats uri /stats",
      "stats refresh 10s",
    ]),
    ...lbs.flatMap((lb) => lb.frontends.flatMap((f) => proxyPair(model, guest, lb, f))),
  ];
  const intro = lbs.map(
    (lb) =>
      `# Load balancer "${lb.name}": VIP ${lb.vip} on ${lb.network}, ${lb.profile} profile: a dead node is out of ` +
      `rotation after about ${haproxyDetectMs(lb.healthCheck)} ms (inter + (fall - 1) x fastinter).`,
  );
  return [hashHeader(model) + intro.join("\n"), ...sections].join("\n\n") + "\n";
}
