// HAProxy on the load balancers, running the generated haproxy.cfg unchanged. The lab adds a master
// CLI socket on the command line (`-W -S`) so `lab status` can read backend states whatever the
// config declares, and creates /run/haproxy the way the Debian unit's RuntimeDirectory does.
import { join } from "node:path";
import type { LabDaemon } from "../lab-plan.js";
import {
  baseLaunch,
  emptyBuild,
  nodeRunDir,
  runBind,
  shadowFor,
  type DaemonBuild,
  type DaemonContext,
} from "./context.js";

/** Where the master CLI socket is, seen from the root namespace. */
export const haproxyMasterSocket = (
  ctx: Pick<DaemonContext, "runDir">,
  node: string,
  instance: string,
): string => join(ctx.runDir, "nodes", node, "run", `haproxy-master-${instance}.sock`);

export function buildHaproxy(ctx: DaemonContext, d: LabDaemon): DaemonBuild {
  const machine = d.machine ?? d.node;
  const shadow = shadowFor(ctx, d.node, "nodes", machine, "/etc/haproxy");
  if (!shadow || !shadow.files.some((f) => f.name === "haproxy.cfg"))
    return emptyBuild(`no haproxy.cfg was generated for ${machine}`);
  const instance = d.instance ?? "lb";
  const launch = baseLaunch(ctx, d, "haproxy", [
    "-W",
    "-db",
    "-S",
    `/run/haproxy-master-${instance}.sock`,
    "-f",
    "/etc/haproxy/haproxy.cfg",
  ]);
  launch.binds = [{ source: shadow.source, target: shadow.target }, runBind(ctx, d.node)];
  return {
    launch,
    files: [],
    dirs: [{ path: join(nodeRunDir(ctx, d.node), "haproxy") }],
    shadows: [shadow],
    adjustments: [
      "haproxy: -W -db (master-worker, foreground) and -S (master CLI socket for `lab status`); private /etc/haproxy and /run per node",
    ],
  };
}
