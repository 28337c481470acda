// The kube-vip stand-in on each K3s server (see standins/kubevip.ts for what it reproduces and how).
import { join } from "node:path";
import { parseAllDocuments } from "yaml";
import { K3S_MANIFESTS } from "../../topology/k3s-nodes.js";
import type { KubeVipTimings } from "../../model/kube-vip-timings.js";
import { filesOf } from "../generated.js";
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

/**
 * The leader-election timings of the DaemonSet hlab ships to this server, read back from the
 * generated kube-vip.yaml, so the stand-in runs what a real kube-vip would run, not the spec's wish.
 */
function shippedTimings(ctx: DaemonContext, machine: string): KubeVipTimings | undefined {
  const file = filesOf(ctx.generated, "nodes", machine, K3S_MANIFESTS).get(`${K3S_MANIFESTS}/kube-vip.yaml`);
  if (!file) return undefined;
  const ds = parseAllDocuments(file.content)
    .map((doc) => doc.toJS() as { kind?: string; spec?: unknown })
    .find((o) => o?.kind === "DaemonSet") as
    | { spec: { template: { spec: { containers: { env?: { name: string; value: string }[] }[] } } } }
    | undefined;
  const env = new Map((ds?.spec.template.spec.containers[0]?.env ?? []).map((e) => [e.name, e.value]));
  const ms = (name: string): number => Number(env.get(name)) * 1000;
  const t = {
    leaseMs: ms("vip_leaseduration"),
    renewMs: ms("vip_renewdeadline"),
    retryMs: ms("vip_retryperiod"),
  };
  return Object.values(t).every((v) => Number.isFinite(v) && v > 0) ? t : undefined;
}

export function buildKubeVipStandin(ctx: DaemonContext, d: LabDaemon): DaemonBuild {
  const kv = ctx.plan.kubeVip;
  const iface = kv?.iface[d.node];
  if (!kv || !iface || !ctx.plan.etcd) return emptyBuild("no kube-vip VIP or no etcd to keep its lease in");
  const shipped = shippedTimings(ctx, d.machine ?? d.node);
  if (!shipped)
    return emptyBuild(`no kube-vip.yaml with leader-election timings was generated for ${d.node}`);
  const cfg: KubeVipStandinConfig = {
    node: d.node,
    vip: kv.vip,
    iface,
    ...shipped,
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
