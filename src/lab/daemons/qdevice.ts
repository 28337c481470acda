// The QDevice, rehearsed with the real daemons of Debian's corosync-qnetd and corosync-qdevice
// (corosync/corosync-qdevice, tag v3.0.3): corosync-qnetd in the namespace of the spec's QDevice
// machine, corosync-qdevice beside each node's corosync, reading the generated corosync.conf's
// quorum.device section unchanged (model net, the algorithm, the host's address, `tls: on`).
//
// TLS needs the NSS databases `pvecm qdevice setup` makes (proxmox/pve-cluster
// src/PVE/CLI/pvecm.pm): the lab makes them in its run directory with the same tools in the same
// order (qnetd CA, node database with the CA, certificate request, signed by qnetd for the
// cluster's name, exported as PKCS#12 and imported on every node). The tools write to fixed paths
// (/etc/corosync/qnetd/nssdb, /etc/corosync/qdevice/net/nssdb), so each runs inside the private
// mounts of the node it stands for.
import { join } from "node:path";
import type { LabDaemon } from "../lab-plan.js";
import { qnetdNode } from "../lab-plan.js";
import { baseLaunch, emptyBuild, namespaceOf, nodeDir, nodeRunDir, runBind } from "./context.js";
import type { DaemonBuild, DaemonContext, PrepareStep } from "./context.js";
import { buildCorosync } from "./corosync.js";

export const QNETD_DIR = "/etc/corosync/qnetd";
const COROSYNC_DIR = "/etc/corosync";
/** Where corosync-qdevice-net-certutil keeps a node's database, under /etc/corosync. */
const NODE_DB = "qdevice/net/nssdb";
/** Debian's corosync-qnetd.service runs it as this user. */
const QNETD_USER = "coroqnetd";

const QNETD_BIN = "/usr/bin/corosync-qnetd";
const QDEVICE_BIN = "/usr/sbin/corosync-qdevice";

/** Why the QDevice cannot be rehearsed on this machine, if it cannot. */
function missing(ctx: DaemonContext): string | undefined {
  if (!ctx.exists(QNETD_BIN) || !ctx.exists(QNETD_DIR))
    return "corosync-qnetd is not installed (Debian package corosync-qnetd; scripts/setup.sh)";
  if (!ctx.exists(QDEVICE_BIN))
    return "corosync-qdevice is not installed (Debian package corosync-qdevice; scripts/setup.sh)";
  if (ctx.options.skip.has("corosync")) return "corosync is not started, so no node asks for the vote";
  return undefined;
}

const qnetdSource = (ctx: DaemonContext, node: string): string => join(nodeDir(ctx, node), "fs", QNETD_DIR);
/** The node's copy of /etc/corosync (corosync.ts's shadow), where its qdevice database goes. */
const nodeEtc = (ctx: DaemonContext, node: string): string => join(nodeDir(ctx, node), "fs", COROSYNC_DIR);

/** pvecm qdevice setup's certificate steps, run by `lab up` once the files are laid out. */
function certificateSteps(ctx: DaemonContext, qnetd: string): PrepareStep[] {
  const cluster = ctx.model.proxmox!.cluster;
  const nodes = ctx.plan.corosync!.voters.map((v) => v.name);
  const [first, ...others] = nodes;
  const qdb = join(qnetdSource(ctx, qnetd), "nssdb");
  const cacert = join(qdb, "qnetd-cacert.crt");
  const firstDb = join(nodeEtc(ctx, first!), NODE_DB);
  const onQnetd = (args: string[], why: string): PrepareStep => ({
    namespace: namespaceOf(ctx, qnetd),
    binds: [{ source: qnetdSource(ctx, qnetd), target: QNETD_DIR }],
    cmd: "corosync-qnetd-certutil",
    args,
    why,
  });
  const onNode = (node: string, args: string[], why: string): PrepareStep => ({
    namespace: namespaceOf(ctx, node),
    binds: [{ source: nodeEtc(ctx, node), target: COROSYNC_DIR }],
    cmd: "corosync-qdevice-net-certutil",
    args,
    why,
  });
  return [
    onQnetd(["-i"], `qnetd on ${qnetd}: CA and server certificate`),
    onNode(first!, ["-i", "-c", cacert], `${first}: node database with the qnetd CA`),
    onNode(first!, ["-r", "-n", cluster], `${first}: certificate request for cluster ${cluster}`),
    onQnetd(
      ["-s", "-c", join(firstDb, "qdevice-net-node.crq"), "-n", cluster],
      `qnetd on ${qnetd}: signs cluster ${cluster}'s certificate`,
    ),
    onNode(
      first!,
      ["-M", "-c", join(qdb, `cluster-${cluster}.crt`)],
      `${first}: imports it and exports PKCS#12`,
    ),
    ...others.flatMap((n) => [
      onNode(n, ["-i", "-c", cacert], `${n}: node database with the qnetd CA`),
      onNode(n, ["-m", "-c", join(firstDb, "qdevice-net-node.p12")], `${n}: imports the cluster certificate`),
    ]),
  ];
}

export function buildQnetd(ctx: DaemonContext, d: LabDaemon): DaemonBuild {
  const why = missing(ctx);
  if (why) return emptyBuild(why);
  const source = qnetdSource(ctx, d.node);
  const launch = baseLaunch(ctx, d, "corosync-qnetd", ["-f"]);
  launch.user = QNETD_USER;
  launch.binds = [{ source, target: QNETD_DIR }, runBind(ctx, d.node)];
  return {
    launch,
    files: [],
    dirs: [
      // Made first, so the nested directories below do not leave it unreadable to coroqnetd.
      { path: nodeRunDir(ctx, d.node), mode: 0o755 },
      { path: source, owner: QNETD_USER, mode: 0o770 },
      { path: join(nodeRunDir(ctx, d.node), "corosync-qnetd"), owner: QNETD_USER, mode: 0o770 },
    ],
    shadows: [],
    adjustments: [
      "corosync-qnetd: its NSS database made in the lab's run directory by corosync-qnetd-certutil and corosync-qdevice-net-certutil, as `pvecm qdevice setup` does; private /etc/corosync/qnetd and /run; `-f` keeps it in the foreground",
    ],
    prepare: certificateSteps(ctx, d.node),
  };
}

export function buildQdevice(ctx: DaemonContext, d: LabDaemon): DaemonBuild {
  const why =
    missing(ctx) ??
    (ctx.options.skip.has("qnetd")
      ? "corosync-qnetd is not started (skipped on request), so there is no vote to ask for"
      : qnetdNode(ctx.plan)
        ? undefined
        : "the QDevice machine is not in the lab");
  if (why) return emptyBuild(why);
  // The same private mounts as the node's corosync: its corosync.conf and the database made above.
  const corosync = buildCorosync(ctx, { ...d, kind: "corosync" });
  if (!corosync.launch) return emptyBuild(corosync.skipped);
  const launch = baseLaunch(ctx, d, "corosync-qdevice", ["-f"]);
  launch.binds = corosync.launch.binds;
  return {
    launch,
    files: [],
    dirs: [{ path: join(nodeRunDir(ctx, d.node), "corosync-qdevice"), mode: 0o770 }],
    shadows: [],
    adjustments: [
      "corosync-qdevice: the node's private /etc/corosync (with the NSS database) and /run, as its corosync has; `-f` keeps it in the foreground",
    ],
  };
}
