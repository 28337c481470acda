// `lab up` and `lab down`. Up records every name in the state file before creating it, builds the
// network, lays out the configs, starts the daemons in waves and waits until the lab answers. Down
// undoes exactly what the state file lists (also after a crash, also half-way through an up) and
// verifies nothing of it is left.
import { existsSync, realpathSync } from "node:fs";
import { chown, cp, mkdir, readdir, rm } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { isUserError, UserError } from "../diagnostic/user-error.js";
import { writeOwnedFile } from "../emit/write.js";
import type { Model } from "../model/model.js";
import { run, signalProcess } from "../process/run.js";
import { buildDaemon, START_WAVES } from "./daemons/build.js";
import {
  daemonKey,
  PATRONI_DEFAULTS,
  type DaemonBuild,
  type DaemonContext,
  type LabOptions,
} from "./daemons/context.js";
import { missingCommands, pgBinDir } from "./doctor.js";
import { ThrowawaySecrets, labGenerated, sysctlSettings } from "./generated.js";
import { loadFirewalls } from "./firewall.js";
import { labPlan, type LabDaemon, type LabNode, type LabPlan } from "./lab-plan.js";
import { corosyncAnswers, launch, stop, toolCommand } from "./launcher.js";
import { claimLabId, releaseLabId } from "./id-claim.js";
import { ownsLink, ownsNamespace, type LabId } from "./names.js";
import {
  deleteLink,
  deleteNamespace,
  ipBatch,
  linkNames,
  listNamespaces,
  namespacePids,
  nodeBatch,
  rootBatch,
  setSysctls,
  setupOrder,
  LAB_SYSCTLS,
} from "./netns.js";
import { sameProcess, terminalSessions } from "./procfs.js";
import { etcdStatus, vipHolders, dbStatus, corosyncStatus } from "./status.js";
import {
  listLabs,
  readState,
  removeState,
  statePath,
  updateState,
  writeState,
  type LaunchSpec,
  type LabState,
} from "./state.js";

export interface UpOptions {
  dir?: string;
  keepLogs?: boolean;
  skip?: string[];
  patroni?: Partial<LabOptions["patroni"]>;
  /** Give up waiting for readiness after this long. */
  readyTimeoutMs?: number;
  /** Start even though a lab of the same spec is up (two labs never share names, so both can run). */
  again?: boolean;
  progress?: (line: string) => void;
}

export interface UpResult {
  state: LabState;
  /** Milliseconds from the start of `up` to each phase's end. */
  phases: { name: string; ms: number }[];
  ready: boolean;
  waitingFor: string[];
  skipped: { key: string; why: string }[];
}

export const SECRETS_FILE = "secrets.json";

export function daemonContext(
  model: Model,
  state: Pick<LabState, "plan" | "runDir">,
  secrets: ThrowawaySecrets,
  options: LabOptions,
): DaemonContext {
  return {
    plan: state.plan,
    model,
    runDir: state.runDir,
    generated: labGenerated(model),
    secrets,
    options,
    pgBinDir: pgBinDir(),
    exists: (p) => existsSync(p),
  };
}

/** Every lab of this state directory whose state file can be read (up, or left half-way by a crash). */
export async function readableLabs(): Promise<LabState[]> {
  const states = await Promise.all((await listLabs()).map((id) => readState(id).catch(() => undefined)));
  return states.filter((s): s is LabState => s !== undefined);
}

const realOrResolved = (path: string): string => {
  try {
    return realpathSync(path);
  } catch {
    return resolve(path);
  }
};

/** Labs whose state file says they run `specPath`: the same file by its path, or through links. */
export async function labsOfSpec(specPath: string): Promise<LabState[]> {
  const wanted = new Set([resolve(specPath), realOrResolved(specPath)]);
  return (await readableLabs()).filter((s) => wanted.has(s.spec) || wanted.has(realOrResolved(s.spec)));
}

export async function labUp(model: Model, specPath: string, opts: UpOptions = {}): Promise<UpResult> {
  if (!opts.again) {
    const same = await labsOfSpec(specPath);
    if (same.length)
      throw new UserError(
        `a lab of ${specPath} is up: ${same.map((s) => `${s.id} (since ${s.createdAt})`).join(", ")}`,
        `use it (\`hlab lab status --lab ${same[0]!.id}\`), take it down (\`hlab lab down --lab ${same[0]!.id}\`), or start another with --again`,
        "lab-exists",
      );
  }
  const t0 = Date.now();
  const id = await claimLabId((x) => resolve(statePath(x)));
  try {
    return await upClaimed(id, model, specPath, opts, t0);
  } catch (err) {
    // Given back only when no state file records it (a file means `lab down` still has work).
    if (!existsSync(statePath(id))) await releaseLabId(id, resolve(statePath(id)));
    throw err;
  }
}

/**
 * Every command `up` runs must be installed before anything is created: a missing package is the
 * user's to install (exit 2, with the package), not a half-built lab and a dead daemon in a log.
 */
async function requireCommands(launches: readonly LaunchSpec[]): Promise<void> {
  const missing = await missingCommands([
    "ip",
    "nft",
    "sysctl",
    ...launches.flatMap((l) => [
      l.cmd,
      ...(l.user ? ["runuser"] : []),
      ...(l.binds.length ? ["unshare"] : []),
    ]),
  ]);
  if (missing.length === 0) return;
  const packages = [...new Set(missing.map((m) => m.pkg).filter((p) => p !== undefined))];
  throw new UserError(
    `the lab needs ${missing.map((m) => m.cmd).join(", ")}, not installed on this machine`,
    `${packages.length ? `apt-get install ${packages.join(" ")}` : "install them"} (scripts/setup.sh installs everything the lab uses), then check with \`hlab lab doctor\``,
    "missing-dependency",
  );
}

async function upClaimed(
  id: LabId,
  model: Model,
  specPath: string,
  opts: UpOptions,
  t0: number,
): Promise<UpResult> {
  const phases: { name: string; ms: number }[] = [];
  const mark = (name: string): void => {
    phases.push({ name, ms: Date.now() - t0 });
    opts.progress?.(`${name} (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
  };
  const runDir = resolve(opts.dir ?? `/tmp/hlab-lab-${id}`);
  const plan = labPlan(model, id);
  const options: LabOptions = {
    skip: new Set(opts.skip ?? []),
    patroni: { ...PATRONI_DEFAULTS, ...opts.patroni },
  };
  const secrets = new ThrowawaySecrets();
  const ctx = daemonContext(model, { plan, runDir }, secrets, options);
  const daemons = plan.daemons.filter(
    (d) =>
      !options.skip.has(d.kind) &&
      !(options.skip.has("db") && (d.kind === "patroni" || d.kind === "db-router")),
  );
  const builds = daemons.map((d) => ({ d, b: buildDaemon(ctx, d) }));
  const skipped = [
    ...builds.filter((x) => x.b.skipped).map((x) => ({ key: daemonKey(x.d), why: x.b.skipped! })),
    ...plan.daemons
      .filter((d) => !daemons.includes(d))
      .map((d) => ({ key: daemonKey(d), why: "skipped on request" })),
  ];
  const started = builds.filter((x) => x.b.launch);
  await requireCommands(started.map((x) => x.b.launch!));

  // The run directory must be new (the lab deletes it on down and never deletes what it did not
  // make) and its parent must exist (a parent made here would outlive the lab).
  if (!existsSync(dirname(runDir)))
    throw new UserError(
      `the parent of the run directory ${runDir} does not exist`,
      "create it, or choose another --dir",
      "not-found",
    );
  if (existsSync(runDir))
    throw new UserError(
      `the run directory ${runDir} already exists`,
      "give a directory that does not exist yet with --dir",
      "file-exists",
    );
  await mkdir(runDir, { mode: 0o755 });
  const state: LabState = {
    version: 1,
    id,
    spec: resolve(specPath),
    createdAt: new Date().toISOString(),
    startedFrom: await terminalSessions(),
    runDir,
    ownsRunDir: true,
    keepLogs: Boolean(opts.keepLogs),
    phase: "creating",
    namespaces: plan.nodes.map((n) => n.namespace),
    rootLinks: [
      ...plan.switches.map((s) => s.bridge),
      ...plan.links.filter((l) => !l.outer.namespace).map((l) => l.outer.name),
    ],
    processes: [],
    launches: started.map((x) => x.b.launch!),
    faults: [],
    poweredOff: [],
    adjustments: [...new Set(started.flatMap((x) => x.b.adjustments))],
    notRehearsed: notRehearsed(plan, started, skipped),
    patroni: options.patroni,
    plan,
  };
  await mkdir(dirname(statePath(id)), { recursive: true });
  await writeState(state);
  mark("state recorded");

  try {
    await ipBatch(rootBatch(plan));
    const settings = plan.nodes.map((n) => ({ n, s: nodeSysctls(ctx, n) }));
    await Promise.all(settings.map(({ n }) => setSysctls(n.namespace, LAB_SYSCTLS)));
    for (const { n, s } of settings) {
      if (s.apply.length)
        state.adjustments.push(
          `${n.name}: generated sysctl.d applied inside the namespace (${s.apply.join(", ")})`,
        );
      if (s.skipped.length)
        state.adjustments.push(
          `${n.name}: generated sysctl.d keys NOT applied (they are machine-wide, not per namespace): ${s.skipped.join(", ")}`,
        );
    }
    await writeState(state);
    for (const wave of setupOrder(plan))
      await Promise.all(wave.map((n) => ipBatch(nodeBatch(plan, n), n.namespace)));
    // The generated settings may name an interface (net.ipv4.neigh.lan.*), so they come once the
    // interfaces exist, as sysctl --system does after the bootstrap pushes them.
    await Promise.all(
      settings.filter(({ s }) => s.apply.length).map(({ n, s }) => setSysctls(n.namespace, s.apply)),
    );
    mark("network built");

    // The generated firewalls, before any daemon listens (docs/lab.md: the observer exception).
    const walls = await loadFirewalls(plan, ctx.generated);
    if (walls.length)
      state.adjustments.push(
        `nftables: the generated rulesets loaded in ${walls.map((w) => w.node).join(", ")}, plus a labelled exception admitting the lab's observer client and database routers`,
      );
    await writeState(state);
    mark("firewalls loaded");

    await layOut(
      runDir,
      started.map((x) => x.b),
    );
    await writeOwnedFile(join(runDir, SECRETS_FILE), JSON.stringify(secrets.toJSON()), 0o600);
    mark("configs written");
    for (const step of started.flatMap((x) => x.b.prepare ?? [])) {
      const { cmd, args } = toolCommand(step.namespace, step.binds, step.cmd, step.args);
      const r = await run(cmd, args, { timeoutMs: 60_000 });
      if (r.code !== 0)
        throw new Error(
          `${step.why}: ${step.cmd} ${step.args.join(" ")} failed: ${(r.stderr || r.stdout).trim()}`,
        );
    }
    if (started.some((x) => x.b.prepare?.length)) mark("certificates made");

    for (const wave of START_WAVES) {
      const batch = started.filter((x) => wave.includes(x.d.kind));
      if (batch.length === 0) continue;
      // corosync-qdevice reads its configuration from the running corosync.
      if (wave.includes("qdevice"))
        await Promise.all(
          batch.map((x) =>
            corosyncAnswers(x.b.launch!.namespace, x.b.launch!.binds, opts.readyTimeoutMs ?? 60_000),
          ),
        );
      const records = await Promise.all(batch.map((x) => launch(x.b.launch!)));
      await updateState(id, (s) => {
        s.processes.push(...records);
      });
      if (wave.includes("etcd")) {
        const ok = await waitFor(
          () => etcdStatus(plan).then((e) => Boolean(e?.quorum)),
          opts.readyTimeoutMs ?? 60_000,
        );
        mark(ok ? "etcd has a leader" : "etcd has no leader yet");
      }
    }
    mark("daemons started");

    const final = (await readState(id))!;
    const { ready, waitingFor } = await waitReady(final, opts.readyTimeoutMs ?? 120_000);
    mark(ready ? "ready" : "not ready");
    final.phase = "up";
    await updateState(id, (s) => {
      s.phase = "up";
    });
    return { state: final, phases, ready, waitingFor, skipped };
  } catch (err) {
    // A lab that failed half-way is taken down at once; its logs stay to say why.
    await labDown(id, { keepLogs: true }).catch(() => undefined);
    const why = `lab up failed: ${(err as Error).message} (logs kept in ${join(runDir, "logs")})`;
    // A lab locked by another command stays the user's error; anything else is the machine refusing.
    if (isUserError(err)) throw new UserError(why, err.hint, err.code);
    throw new Error(why, { cause: err });
  }
}

/**
 * What the spec has and this rehearsal does not run, each said as "<what> not rehearsed: <why>" in
 * `lab up` and `lab status`, so no comparison with the plan silently counts it.
 */
function notRehearsed(
  plan: LabPlan,
  started: { d: LabDaemon }[],
  skipped: { key: string; why: string }[],
): string[] {
  if (!plan.corosync?.device) return [];
  const kinds = new Set(started.map((x) => x.d.kind));
  if (kinds.has("qnetd") && kinds.has("qdevice")) return [];
  const why =
    skipped.find((s) => s.key.endsWith("/qnetd"))?.why ??
    skipped.find((s) => s.key.endsWith("/qdevice"))?.why ??
    "corosync-qnetd or corosync-qdevice was not started";
  return [`QDevice not rehearsed: ${why}; corosync counts no QDevice vote in this lab`];
}

/** The generated network sysctls of the machines living in a node (a host's own and its bare-metal guests'). */
function nodeSysctls(ctx: DaemonContext, node: LabNode): { apply: string[]; skipped: string[] } {
  const sources: ["nodes" | "proxmox", string][] =
    node.kind === "guest"
      ? [["nodes", node.name]]
      : node.kind === "host"
        ? [["proxmox", node.name], ...node.guests.map((g): ["nodes", string] => ["nodes", g])]
        : [];
  const all = sources.map(([root, m]) => sysctlSettings(ctx.generated, root, m));
  return { apply: all.flatMap((a) => a.apply), skipped: all.flatMap((a) => a.skipped) };
}

async function layOut(runDir: string, builds: DaemonBuild[]): Promise<void> {
  await mkdir(join(runDir, "logs"), { recursive: true });
  const owners = new Map<string, { uid: number; gid: number }>();
  const ownerOf = async (user: string): Promise<{ uid: number; gid: number }> => {
    let o = owners.get(user);
    if (!o) {
      const [u, g] = await Promise.all([run("id", ["-u", user]), run("id", ["-g", user])]);
      o = { uid: Number(u.stdout.trim()), gid: Number(g.stdout.trim()) };
      owners.set(user, o);
    }
    return o;
  };
  for (const b of builds) {
    for (const d of b.dirs) {
      await mkdir(d.path, { recursive: true, mode: d.mode ?? 0o755 });
      if (d.owner) {
        const o = await ownerOf(d.owner);
        await chown(d.path, o.uid, o.gid);
      }
    }
    for (const s of b.shadows) {
      if (!existsSync(s.source)) {
        await mkdir(dirname(s.source), { recursive: true });
        await cp(s.target, s.source, { recursive: true, preserveTimestamps: true });
      }
      for (const f of s.files) await writeOwnedFile(join(s.source, f.name), f.content, f.mode);
    }
    // A bind of one of its own files (pgBackRest's /etc/pgbackrest.conf) is a file, not a folder.
    for (const bind of b.launch?.binds ?? [])
      if (!b.files.some((f) => f.path === bind.source))
        await mkdir(bind.source, { recursive: true }).catch(() => undefined);
    for (const f of b.files) {
      await writeOwnedFile(f.path, f.content, f.mode);
      if (f.owner) {
        const o = await ownerOf(f.owner);
        await chown(f.path, o.uid, o.gid);
      }
    }
  }
}

export async function waitFor(
  check: () => Promise<boolean>,
  timeoutMs: number,
  everyMs = 250,
): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check().catch(() => false)) return true;
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** What "ready" means: every VIP held once, quorum everywhere, each database with a primary and its replicas streaming. */
export async function readiness(state: LabState): Promise<string[]> {
  const plan = state.plan;
  const startedKinds = new Set(state.launches.map((l) => l.kind));
  const waiting: string[] = [];
  const [holders, etcd, dbs, corosync] = await Promise.all([
    vipHolders(plan),
    startedKinds.has("etcd") ? etcdStatus(plan) : Promise.resolve(undefined),
    startedKinds.has("patroni") ? dbStatus(plan) : Promise.resolve([]),
    corosyncStatus(state),
  ]);
  for (const v of plan.vips) {
    const heldBy = holders.get(v.address) ?? [];
    if (v.movedBy === "db-router" || v.movedBy === "none" || !startedKinds.has(v.movedBy)) continue;
    if (heldBy.length !== 1) waiting.push(`VIP ${v.address} (held by ${heldBy.length})`);
  }
  if (etcd && !etcd.quorum) waiting.push("etcd quorum");
  for (const c of corosync) if (!c.quorate) waiting.push(`corosync quorum on ${c.node}`);
  // With the QDevice running, every node counts every vote, the device's too, before a fault.
  if (startedKinds.has("qdevice"))
    for (const c of corosync)
      if (c.quorate && c.planned && c.totalVotes !== c.planned.expectedVotes)
        waiting.push(`QDevice vote on ${c.node} (${c.totalVotes ?? "?"}/${c.planned.expectedVotes})`);
  for (const db of dbs) {
    const want = plan.databases.find((d) => d.name === db.name)!.members.length;
    const running = db.members.filter((m) => m.state === "running" || m.state === "streaming").length;
    if (!db.primary || running < want) waiting.push(`database ${db.name} (${running}/${want} running)`);
    else if (
      plan.databases.find((d) => d.name === db.name)!.synchronous &&
      !db.members.some((m) => m.role === "sync_standby")
    )
      waiting.push(`database ${db.name} synchronous standby`);
  }
  return waiting;
}

export async function waitReady(
  state: LabState,
  timeoutMs: number,
): Promise<{ ready: boolean; waitingFor: string[] }> {
  let waitingFor: string[] = [];
  const ready = await waitFor(
    async () => {
      waitingFor = await readiness(state);
      return waitingFor.length === 0;
    },
    timeoutMs,
    300,
  );
  return { ready, waitingFor };
}

export interface DownReport {
  id: string;
  processes: number;
  namespaces: string[];
  links: string[];
  runDir?: string;
  leftovers: string[];
}

/** Removes everything the state file lists; refuses anything whose name is not the lab's own. */
export async function labDown(id: string, opts: { keepLogs?: boolean } = {}): Promise<DownReport> {
  const state = await readState(id);
  if (!state) return { id, processes: 0, namespaces: [], links: [], leftovers: [] };
  state.phase = "stopping";
  await writeState(state);
  const keepLogs = opts.keepLogs ?? state.keepLogs;

  // Fault timers and drivers first (a timer would restore, a flapping NIC come back up, behind us),
  // then daemons.
  const drivers = state.faults.flatMap((f) => [
    ...(f.timerPid ? [{ pid: f.timerPid, start: f.timerStart ?? "" }] : []),
    ...(f.driverPid ? [{ pid: f.driverPid, start: f.driverStart ?? "" }] : []),
  ]);
  await Promise.all(drivers.map((p) => stop(p, 500)));
  await Promise.all(state.processes.map((p) => stop(p, 1500)));
  let killed = state.processes.length;

  // Anything still running inside the lab's namespaces was started by the lab (directly or not):
  // postgres in Patroni's own session, a stray probe. Resume it if frozen, then kill it.
  const namespaces = state.namespaces.filter((ns) => ownsNamespace(id, ns));
  const present = new Set(await listNamespaces());
  for (let round = 0; round < 20; round++) {
    const pids = (await Promise.all(namespaces.filter((ns) => present.has(ns)).map(namespacePids))).flat();
    if (pids.length === 0) break;
    for (const pid of pids) {
      if (signalProcess(pid, "SIGCONT") && signalProcess(pid, "SIGKILL")) killed++;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  for (const ns of namespaces) if (present.has(ns)) await deleteNamespace(ns);
  const links = state.rootLinks.filter((l) => ownsLink(id, l));
  // Ports vanish with their peers' namespaces (asynchronously); bridges must be deleted.
  const existing = new Set(await linkNames());
  for (const l of links) if (existing.has(l)) await deleteLink(l);
  const leftovers = await waitGone(namespaces, links);

  let removedDir: string | undefined;
  if (state.ownsRunDir && existsSync(state.runDir)) {
    if (keepLogs) {
      for (const entry of await readdir(state.runDir))
        if (entry !== "logs") await rm(join(state.runDir, entry), { recursive: true, force: true });
    } else await rm(state.runDir, { recursive: true, force: true });
    removedDir = state.runDir;
  }
  if (leftovers.length === 0) {
    await removeState(id);
    await releaseLabId(id, resolve(statePath(id)));
  }
  return {
    id,
    processes: killed,
    namespaces: namespaces.filter((n) => present.has(n)),
    links,
    runDir: removedDir,
    leftovers,
  };
}

async function waitGone(namespaces: string[], links: string[]): Promise<string[]> {
  let left: string[] = [];
  await waitFor(
    async () => {
      const ns = new Set(await listNamespaces());
      const ls = new Set(await linkNames());
      left = [
        ...namespaces.filter((n) => ns.has(n)).map((n) => `namespace ${n}`),
        ...links.filter((l) => ls.has(l)).map((l) => `link ${l}`),
      ];
      return left.length === 0;
    },
    10_000,
    100,
  );
  return left;
}

/** Whether a recorded process is still the one the lab started. */
export const recordedAlive = (pid: number, start: string): Promise<boolean> => sameProcess(pid, start);
