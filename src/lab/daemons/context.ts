// What every daemon module gets and gives back. A module decides, from the plan and the generated
// configs, which files to lay out and which command to start; lifecycle.ts does the writing and the
// starting, so the modules stay pure and are tested without root.
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { GeneratedFile } from "../../artifact/artifact.js";
import type { Model } from "../../model/model.js";
import { filesOf, type Generated, type ThrowawaySecrets } from "../generated.js";
import type { LabDaemon, LabPlan } from "../lab-plan.js";
import type { LaunchSpec } from "../state.js";

export interface PatroniTimings {
  ttl: number;
  loopWait: number;
  retryTimeout: number;
}

export interface LabOptions {
  /** Daemon kinds not to start (e.g. the database when only VIP failover is measured). */
  skip: ReadonlySet<string>;
  /** Patroni's own defaults unless overridden (ttl 30, loop_wait 10, retry_timeout 10). */
  patroni: PatroniTimings;
}

export const PATRONI_DEFAULTS: PatroniTimings = { ttl: 30, loopWait: 10, retryTimeout: 10 };

export interface DaemonContext {
  plan: LabPlan;
  model: Model;
  runDir: string;
  generated: Generated;
  secrets: ThrowawaySecrets;
  options: LabOptions;
  /** PostgreSQL's binaries (/usr/lib/postgresql/<version>/bin), when installed. */
  pgBinDir?: string;
  /** Absolute paths of directories/files present on this machine (where bind mounts can land). */
  exists(path: string): boolean;
}

export interface LabFile {
  path: string;
  content: string | Buffer;
  mode?: number;
  /** Owned by this user (PostgreSQL's files). */
  owner?: string;
}

/** A directory of the real file system the daemon sees replaced by the lab's copy of it. */
export interface Shadow {
  /** The real directory, e.g. /etc/haproxy. */
  target: string;
  /** The lab's copy in the run directory: the real content, then the generated files on top. */
  source: string;
  files: { name: string; content: string | Buffer; mode?: number }[];
}

/** A one-shot tool `lab up` runs once the files are laid out, before any daemon starts. */
export interface PrepareStep {
  namespace: string;
  binds: LaunchSpec["binds"];
  cmd: string;
  args: string[];
  /** What it is for, said when it fails. */
  why: string;
}

export interface DaemonBuild {
  launch?: LaunchSpec;
  /** Run in order before the start (the QDevice's certificates). */
  prepare?: PrepareStep[];
  files: LabFile[];
  dirs: { path: string; owner?: string; mode?: number }[];
  shadows: Shadow[];
  /** What the lab changed to run it in a namespace (listed by `lab up` and in docs/lab.md). */
  adjustments: string[];
  /** Why it was not started (e.g. nothing was generated for it). */
  skipped?: string;
}

export const emptyBuild = (skipped?: string): DaemonBuild => ({
  files: [],
  dirs: [],
  shadows: [],
  adjustments: [],
  skipped,
});

export const daemonKey = (d: LabDaemon): string => `${d.node}/${d.kind}${d.instance ? `/${d.instance}` : ""}`;

export const nodeDir = (ctx: DaemonContext, node: string): string => join(ctx.runDir, "nodes", node);
export const nodeRunDir = (ctx: DaemonContext, node: string): string => join(nodeDir(ctx, node), "run");
export const logFile = (ctx: DaemonContext, d: LabDaemon): string =>
  join(ctx.runDir, "logs", `${daemonKey(d).replaceAll("/", ".")}.log`);

export function namespaceOf(ctx: DaemonContext, node: string): string {
  const n = ctx.plan.nodes.find((x) => x.name === node);
  if (!n) throw new Error(`no lab node ${node}`);
  return n.namespace;
}

export function baseLaunch(ctx: DaemonContext, d: LabDaemon, cmd: string, args: string[]): LaunchSpec {
  return {
    key: daemonKey(d),
    node: d.node,
    namespace: namespaceOf(ctx, d.node),
    kind: d.kind,
    label: d.label,
    standin: d.standin,
    cmd,
    args,
    binds: [],
    log: logFile(ctx, d),
  };
}

/** The node's private /run: shared by the daemons of one node, apart from every other node's. */
export function runBind(ctx: DaemonContext, node: string): { source: string; target: string } {
  return { source: nodeRunDir(ctx, node), target: "/run" };
}

/**
 * Generated files under `dir` for a machine, laid over a copy of the real directory. Secrets the
 * generators ask to be installed there get their throwaway value.
 */
export function shadowFor(
  ctx: DaemonContext,
  node: string,
  root: "nodes" | "proxmox",
  machines: string | string[],
  dir: string,
): Shadow | undefined {
  // Later machines win: a cluster-wide file (proxmox/_cluster) is overridden by a host's own.
  const generated = new Map<string, GeneratedFile>();
  for (const m of typeof machines === "string" ? [machines] : machines)
    for (const [k, v] of filesOf(ctx.generated, root, m, dir)) generated.set(k, v);
  if (generated.size === 0) return undefined;
  const files: Shadow["files"] = [...generated.entries()].map(([abs, f]) => ({
    name: abs.slice(dir.length + 1),
    content: f.content,
    mode: f.mode,
  }));
  for (const s of ctx.generated.secrets) {
    if (s.installPath && dirname(s.installPath) === dir)
      files.push({ name: s.installPath.slice(dir.length + 1), content: ctx.secrets.value(s), mode: 0o600 });
  }
  return { target: dir, source: join(nodeDir(ctx, node), "fs", dir), files };
}

/** Compiled stand-in scripts sit next to this module in dist/. */
export function standinScript(name: string): string {
  return fileURLToPath(new URL(`../standins/${name}.js`, import.meta.url));
}
