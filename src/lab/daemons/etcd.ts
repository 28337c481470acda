// An etcd member per K3s server: the datastore K3s embeds, run with K3s's timings (heartbeat 500 ms,
// election 5000 ms) rather than etcd's defaults, so leader elections last what they last in K3s.
// Plain HTTP inside the lab (K3s uses TLS with its own CA; the lab has no certificates to protect).
import { join } from "node:path";
import type { LabDaemon } from "../lab-plan.js";
import { baseLaunch, emptyBuild, type DaemonBuild, type DaemonContext } from "./context.js";

export const ETCD_CLIENT_PORT = 2379;
const PEER_PORT = 2380;

export function buildEtcd(ctx: DaemonContext, d: LabDaemon): DaemonBuild {
  const etcd = ctx.plan.etcd;
  const me = etcd?.members.find((m) => m.node === d.node);
  if (!etcd || !me) return emptyBuild("not an etcd member");
  const cluster = etcd.members.map((m) => `${m.node}=http://${m.address}:${PEER_PORT}`).join(",");
  const dataDir = join(ctx.runDir, "etcd", d.node);
  const args = [
    "--name",
    d.node,
    "--data-dir",
    dataDir,
    "--listen-peer-urls",
    `http://${me.address}:${PEER_PORT}`,
    "--initial-advertise-peer-urls",
    `http://${me.address}:${PEER_PORT}`,
    "--listen-client-urls",
    `http://${me.address}:${ETCD_CLIENT_PORT},http://127.0.0.1:${ETCD_CLIENT_PORT}`,
    "--advertise-client-urls",
    `http://${me.address}:${ETCD_CLIENT_PORT}`,
    "--initial-cluster",
    cluster,
    "--initial-cluster-token",
    ctx.plan.id,
    "--initial-cluster-state",
    "new",
    "--heartbeat-interval",
    String(etcd.heartbeatMs),
    "--election-timeout",
    String(etcd.electionMs),
    "--logger",
    "zap",
    "--log-outputs",
    "stderr",
  ];
  return {
    launch: baseLaunch(ctx, d, "etcd", args),
    files: [],
    dirs: [{ path: dataDir, mode: 0o700 }],
    shadows: [],
    adjustments: [
      "etcd: plain HTTP between members (K3s uses TLS); heartbeat and election timeout set to K3s's",
    ],
  };
}
