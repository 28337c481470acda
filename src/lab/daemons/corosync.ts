// Corosync on each Proxmox host, running the generated corosync.conf unchanged (the cluster-wide
// file proxmox/_cluster/..., or a host's own). Each namespace gets its own /etc/corosync,
// /var/lib/corosync, /var/log/corosync and /run through bind mounts in a private mount namespace
// (lab-notes: corosync keeps its IPC and ring state there). Proxmox creates /etc/corosync/authkey
// when the cluster is created (`pvecm create`); the lab does the same with a throwaway key.
import { randomBytes } from "node:crypto";
import { join } from "node:path";
import type { LabDaemon } from "../lab-plan.js";
import {
  baseLaunch,
  emptyBuild,
  nodeDir,
  runBind,
  shadowFor,
  type DaemonBuild,
  type DaemonContext,
} from "./context.js";

export const COROSYNC_DIRS = ["/var/lib/corosync", "/var/log/corosync"];
/** Where `hlab build` puts the file every node shares. */
export const CLUSTER_MACHINE = "_cluster";

/** One key for the whole lab: every node of the cluster must have the same. */
const clusterKeys = new WeakMap<object, Buffer>();

export function buildCorosync(ctx: DaemonContext, d: LabDaemon): DaemonBuild {
  const machine = d.machine ?? d.node;
  const shadow = shadowFor(ctx, d.node, "proxmox", [CLUSTER_MACHINE, machine], "/etc/corosync");
  const conf = shadow?.files.find((f) => f.name === "corosync.conf");
  if (!shadow || !conf) return emptyBuild("no corosync.conf was generated for this host");
  const adjustments = [
    "corosync: private /etc/corosync, /var/lib/corosync, /var/log/corosync and /run per host (bind mounts in a private mount namespace); `-f` keeps it in the foreground",
  ];
  if (!shadow.files.some((f) => f.name === "authkey")) {
    let key = clusterKeys.get(ctx.secrets);
    if (!key) {
      key = randomBytes(256);
      clusterKeys.set(ctx.secrets, key);
    }
    shadow.files.push({ name: "authkey", content: key, mode: 0o400 });
    adjustments.push(
      "corosync: a throwaway /etc/corosync/authkey (256 random bytes), as `pvecm create` makes on a real cluster",
    );
  }
  const launch = baseLaunch(ctx, d, "corosync", ["-f"]);
  launch.binds = [
    { source: shadow.source, target: shadow.target },
    ...COROSYNC_DIRS.filter((t) => ctx.exists(t)).map((t) => ({
      source: join(nodeDir(ctx, d.node), "fs", t),
      target: t,
    })),
    runBind(ctx, d.node),
  ];
  return {
    launch,
    files: [],
    dirs: launch.binds.filter((b) => b.target !== "/etc/corosync").map((b) => ({ path: b.source })),
    shadows: [shadow],
    adjustments,
  };
}
