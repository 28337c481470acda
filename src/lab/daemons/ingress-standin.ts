// The ingress (and, on servers, API) stand-in on each K3s node (see standins/ingress.ts).
import { join } from "node:path";
import type { LabDaemon } from "../lab-plan.js";
import { INGRESS_PORT } from "../probe-target.js";
import { K3S_API_PORT } from "../../topology/ports.js";
import type { IngressStandinConfig } from "../standins/ingress.js";
import {
  baseLaunch,
  emptyBuild,
  nodeDir,
  standinScript,
  type DaemonBuild,
  type DaemonContext,
} from "./context.js";
import { ETCD_CLIENT_PORT } from "./etcd.js";

export function buildIngressStandin(ctx: DaemonContext, d: LabDaemon): DaemonBuild {
  const ing = ctx.plan.ingress.find((i) => i.node === d.node);
  if (!ing) return emptyBuild("not a K3s node");
  const localEtcd = ctx.plan.etcd?.members.some((m) => m.node === d.node);
  const network = ctx.model.kubernetes?.api.network;
  const addressOf = (node: string): string | undefined =>
    ctx.plan.nodes
      .find((n) => n.name === node)
      ?.ifaces.find((i) => i.network === network && i.address)
      ?.address?.split("/")[0];
  const cfg: IngressStandinConfig = {
    node: d.node,
    services: ing.services.map((s) => ({
      name: s.name,
      hostname: s.hostname,
      local: s.replicas.includes(d.node),
      peers: s.replicas.filter((r) => r !== d.node).flatMap((r) => addressOf(r) ?? []),
    })),
    ports: [INGRESS_PORT, 443],
    apiPort: ing.api ? K3S_API_PORT : undefined,
    etcd: ing.api && localEtcd ? `http://127.0.0.1:${ETCD_CLIENT_PORT}` : undefined,
  };
  const path = join(nodeDir(ctx, d.node), "ingress-standin.json");
  return {
    launch: baseLaunch(ctx, d, process.execPath, [standinScript("ingress"), path]),
    files: [{ path, content: JSON.stringify(cfg, null, 1) }],
    dirs: [],
    shadows: [],
    adjustments: [],
  };
}
