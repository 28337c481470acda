// The kube-vip stand-in on each K3s server (see standins/kubevip.ts for what it reproduces and how).
import { join } from "node:path";
import type { LabDaemon } from "../lab-plan.js";
import type { KubeVipStandinConfig } from "../standins/kubevip.js";
import {
  baseLaunch,
  emptyBuild,
  nodeDir,
  standinScript,
  type DaemonBuild,
  type DaemonContext,
} from "./context.js";
import { ETCD_CLIENT_PORT } from "./etcd.js";

/** The etcd key holding the lease record; K3s would keep a coordination.k8s.io Lease there. */
export const KUBEVIP_LEASE_KEY = "/hlab/kube-vip/plndr-cp-lock";

export function buildKubeVipStandin(ctx: DaemonContext, d: LabDaemon): DaemonBuild {
  const kv = ctx.plan.kubeVip;
  const iface = kv?.iface[d.node];
  if (!kv || !iface || !ctx.plan.etcd) return emptyBuild("no kube-vip VIP or no etcd to keep its lease in");
  const cfg: KubeVipStandinConfig = {
    node: d.node,
    vip: kv.vip,
    iface,
    leaseMs: kv.leaseMs,
    renewMs: kv.renewMs,
    retryMs: kv.retryMs,
    etcd: `http://127.0.0.1:${ETCD_CLIENT_PORT}`,
    key: KUBEVIP_LEASE_KEY,
  };
  const path = join(nodeDir(ctx, d.node), "kubevip-standin.json");
  return {
    launch: baseLaunch(ctx, d, process.execPath, [standinScript("kubevip"), path]),
    files: [{ path, content: JSON.stringify(cfg, null, 1) }],
    dirs: [],
    shadows: [],
    adjustments: [],
  };
}
