// keepalived on the load balancers (and on K3s servers when it holds the API VIP), running the
// generated keepalived.conf unchanged. Only command-line flags differ from a packaged install: stay
// in the foreground and log to the console (the lab's log file) instead of syslog.
import type { LabDaemon } from "../lab-plan.js";
import {
  baseLaunch,
  emptyBuild,
  runBind,
  shadowFor,
  type DaemonBuild,
  type DaemonContext,
} from "./context.js";

export function buildKeepalived(ctx: DaemonContext, d: LabDaemon): DaemonBuild {
  const machine = d.machine ?? d.node;
  const shadow = shadowFor(ctx, d.node, "nodes", machine, "/etc/keepalived");
  if (!shadow || !shadow.files.some((f) => f.name === "keepalived.conf"))
    return emptyBuild(`no keepalived.conf was generated for ${machine}`);
  const launch = baseLaunch(ctx, d, "keepalived", [
    "--dont-fork",
    "--log-console",
    "--log-detail",
    "--no-syslog",
    "-f",
    "/etc/keepalived/keepalived.conf",
  ]);
  launch.binds = [{ source: shadow.source, target: shadow.target }, runBind(ctx, d.node)];
  return {
    launch,
    files: [],
    dirs: [],
    shadows: [shadow],
    adjustments: [
      "keepalived: --dont-fork --log-console --log-detail --no-syslog; private /etc/keepalived and /run per node",
    ],
  };
}
