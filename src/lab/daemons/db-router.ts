// STAND-IN for the Service clients use to reach a database's primary (CloudNativePG's `<db>-rw`,
// or the HAProxy in front of a Patroni cluster): HAProxy in a namespace of its own, sending every
// connection to the member whose Patroni REST API answers 200 on /primary, cutting sessions to a
// member that stops answering. Its own namespace, because a Kubernetes Service lives on every node
// and does not die with one host.
import { join } from "node:path";
import type { LabDaemon } from "../lab-plan.js";
import { PG_PORT } from "../probe-target.js";
import { baseLaunch, emptyBuild, nodeDir, type DaemonBuild, type DaemonContext } from "./context.js";
import { PATRONI_PORT } from "./patroni.js";

/** Check cadence of the router: Patroni's documented HAProxy example checks every 3 s; the lab uses 1 s. */
export const ROUTER_CHECK = { interMs: 1000, fastinterMs: 250, fall: 2, rise: 1 };

export const routerStatsSocket = (ctx: Pick<DaemonContext, "runDir">, node: string): string =>
  join(ctx.runDir, "nodes", node, "haproxy.sock");

export function buildDbRouter(ctx: DaemonContext, d: LabDaemon): DaemonBuild {
  const db = ctx.plan.databases.find((x) => x.name === d.instance);
  if (!db) return emptyBuild("no such database");
  const c = ROUTER_CHECK;
  const cfg = [
    `# hlab lab: stand-in for the service in front of ${db.name}'s primary (lab-generated)`,
    "global",
    "  maxconn 512",
    `  stats socket ${routerStatsSocket(ctx, d.node)} mode 600 level admin`,
    "defaults",
    "  mode tcp",
    "  timeout connect 1s",
    "  timeout client 30m",
    "  timeout server 30m",
    "  timeout check 1s",
    `listen ${db.name}-rw`,
    `  bind ${db.address}:${PG_PORT}`,
    "  option httpchk GET /primary",
    "  http-check expect status 200",
    `  default-server inter ${c.interMs}ms fastinter ${c.fastinterMs}ms fall ${c.fall} rise ${c.rise} on-marked-down shutdown-sessions`,
    ...db.members.map((m) => `  server ${m.node} ${m.address}:${PG_PORT} check port ${PATRONI_PORT}`),
    "",
  ].join("\n");
  const path = join(nodeDir(ctx, d.node), "haproxy.cfg");
  return {
    launch: baseLaunch(ctx, d, "haproxy", ["-db", "-f", path]),
    files: [{ path, content: cfg }],
    dirs: [],
    shadows: [],
    adjustments: [],
  };
}
