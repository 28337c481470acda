// Which module builds which daemon.
import type { DaemonKind, LabDaemon } from "../lab-plan.js";
import type { DaemonBuild, DaemonContext } from "./context.js";
import { buildCorosync } from "./corosync.js";
import { buildDbRouter } from "./db-router.js";
import { buildEtcd } from "./etcd.js";
import { buildHaproxy } from "./haproxy.js";
import { buildIngressStandin } from "./ingress-standin.js";
import { buildKeepalived } from "./keepalived.js";
import { buildKubeVipStandin } from "./kubevip-standin.js";
import { buildPatroni } from "./patroni.js";
import { buildQdevice, buildQnetd } from "./qdevice.js";

const BUILDERS: Record<DaemonKind, (ctx: DaemonContext, d: LabDaemon) => DaemonBuild> = {
  corosync: buildCorosync,
  qnetd: buildQnetd,
  qdevice: buildQdevice,
  etcd: buildEtcd,
  keepalived: buildKeepalived,
  haproxy: buildHaproxy,
  "kubevip-standin": buildKubeVipStandin,
  "ingress-standin": buildIngressStandin,
  patroni: buildPatroni,
  "db-router": buildDbRouter,
};

export const buildDaemon = (ctx: DaemonContext, d: LabDaemon): DaemonBuild => BUILDERS[d.kind](ctx, d);

/**
 * Start order: the datastore first (everything else keeps state in it), then the rest together;
 * corosync-qdevice last, as systemd orders it (After=corosync.service): it reads its configuration
 * from the running corosync.
 */
export const START_WAVES: DaemonKind[][] = [
  ["etcd"],
  [
    "corosync",
    "qnetd",
    "keepalived",
    "haproxy",
    "ingress-standin",
    "kubevip-standin",
    "patroni",
    "db-router",
  ],
  ["qdevice"],
];
