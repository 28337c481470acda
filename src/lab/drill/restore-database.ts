// `hlab lab drill restore <database>`: while numbered writes flow through the database's service
// address, take a full base backup with pgBackRest to a repository on another lab machine (its TLS
// server: a real remote repository) and archive WAL continuously; then destroy every member (Patroni
// and PostgreSQL killed, their data directories removed), restore with pgBackRest through Patroni's
// custom bootstrap, let the other members clone from the restored primary, and measure RTO and RPO
// against the prediction. With a point in time, the restore stops there (--type=time) and the
// write log says whether exactly the writes before it came back.
import { existsSync } from "node:fs";
import { mkdir, readFile, rm } from "node:fs/promises";
import { dirname, join } from "node:path";
import { writeOwnedFile } from "../../emit/write.js";
import type { Model } from "../../model/model.js";
import { run, signalProcess } from "../../process/run.js";
import { shellWords } from "../../util/shell-quote.js";
import { restart } from "../chaos.js";
import { daemonKey, PATRONI_DEFAULTS } from "../daemons/context.js";
import { buildPatroni, dbDir, patroniRestoreConfig, PG_USER, superuserSecret } from "../daemons/patroni.js";
import { ThrowawaySecrets } from "../generated.js";
import type { LabDatabase } from "../lab-plan.js";
import { launch, signalRecorded } from "../launcher.js";
import { daemonContext, SECRETS_FILE, waitFor } from "../lifecycle.js";
import { execIn, namespacePids } from "../netns.js";
import { processName, sameProcess } from "../procfs.js";
import { PG_PORT, PROBE_TABLE, type ProbeTarget } from "../probe-target.js";
import { dbStatus } from "../status.js";
import { readState, updateState, type LabState, type LaunchSpec } from "../state.js";
import {
  archivedBound,
  checkPointInTime,
  measureRestore,
  type PointInTimeCheck,
  type RestoreMeasurement,
} from "./drill-measure.js";
import {
  DrillError,
  mustSucceed,
  nodeTool,
  recordProcess,
  sleep,
  sqlThroughService,
  startWriter,
} from "./drill-common.js";
import {
  archiveCommand,
  backupLayout,
  PGBACKREST_CONF,
  PGBACKREST_USER,
  stanzaOf,
  type BackupLayout,
} from "./pgbackrest-config.js";
import { planPrediction } from "./plan-prediction.js";
import { predictDatabaseRestore, type RestorePrediction } from "./prediction.js";
import { makeCertificates } from "./tls.js";

export interface DatabaseDrillOptions {
  /** Writes keep flowing this long after the base backup before the disaster. */
  writeMs: number;
  /** PostgreSQL's archive_timeout for the drill (the plan's, unless told otherwise). */
  archiveTimeoutMs: number;
  /** Restore to this long after the base backup ended, instead of to the end of the archive. */
  pointInTimeMs?: number;
  /** Give up waiting for the restored database after this long. */
  timeoutMs: number;
  progress?: (line: string) => void;
}

export interface DatabaseDrillReport {
  kind: "database";
  lab: string;
  database: string;
  /** A CloudNativePG database is backed up by barman-cloud: pgBackRest runs as its stand-in. */
  standin: boolean;
  repository: { node: string; address: string; placement: string; transport: string };
  archiveTimeoutMs: number;
  backup: { ms: number; bytes: number; label?: string };
  /** ms since the epoch. */
  disasterAt: number;
  destroyed: string[];
  restoredOn: string;
  /** ms after the disaster. */
  phases: { name: string; ms: number }[];
  /** Bytes of WAL the restore replayed past the backup (archive max minus backup stop). */
  walBytes: number;
  measurement: RestoreMeasurement;
  pointInTime?: PointInTimeCheck & { targetIso: string };
  prediction: RestorePrediction;
  /** Figures measured for `hlab plan --measured` (names of src/model/recovery-figures.ts). */
  measured: Record<string, number>;
  verdict: { ok: boolean; problems: string[] };
}

const PATRONI_HINT = "the lab's Patroni must be running: `hlab lab status` shows it";

export async function drillDatabase(
  state: LabState,
  model: Model,
  dbName: string,
  opts: DatabaseDrillOptions,
): Promise<DatabaseDrillReport> {
  const say = opts.progress ?? ((): void => undefined);
  const plan = state.plan;
  const db = plan.databases.find((d) => d.name === dbName)!;
  const patroni = state.launches.filter((l) => l.kind === "patroni" && l.key.endsWith(`/patroni/${db.name}`));
  if (patroni.length === 0)
    throw new DrillError(`the lab runs no PostgreSQL for ${db.name}`, "start the lab without `--skip db`");
  if (!patroni.every((l) => l.binds.some((b) => b.target === PGBACKREST_CONF)))
    throw new DrillError(
      `the lab of ${db.name} was started without pgBackRest`,
      "install pgbackrest (bash scripts/setup.sh), then `hlab lab down` and `hlab lab up` again",
    );
  const secrets = ThrowawaySecrets.fromJSON(
    JSON.parse(await readFile(join(state.runDir, SECRETS_FILE), "utf8")) as Record<string, string>,
  );
  const password = secrets.password(superuserSecret(db.name));
  const ctx = daemonContext(model, state, secrets, {
    skip: new Set(),
    patroni: state.patroni ?? PATRONI_DEFAULTS,
  });
  const layout = backupLayout(plan, state.runDir, db, model);
  if (!layout)
    throw new DrillError(
      `no lab machine outside ${db.name}'s members can hold its repository`,
      "a restore drill needs a host or guest that runs no member of the database",
    );
  const runDir = join(state.runDir, "drills", `${db.name}-${Date.now()}`);
  say(`repository on ${layout.repo.node} (${layout.placement}), pgBackRest TLS server on port 8432`);

  await prepareRepository(state, db, layout);
  await setArchiving(state, db, password, opts.archiveTimeoutMs);
  const table = await sqlReady(state, db, password);
  if (!table) throw new DrillError(`cannot create ${PROBE_TABLE} through ${db.address}`, PATRONI_HINT);

  const sql = { user: "postgres", password, database: "postgres" };
  const targets: ProbeTarget[] = [
    { id: `sql:${db.name}`, kind: "sql", address: db.address, port: PG_PORT, vip: db.address, sql },
    { id: `wal:${db.name}`, kind: "wal", address: db.address, port: PG_PORT, sql, everyMs: 250 },
  ];
  const writer = await startWriter(state, runDir, targets);
  try {
    say("numbered writes flowing through the service address every 50 ms");
    const repoTool = (args: string[], timeoutMs?: number) =>
      nodeTool(
        nsOf(state, layout.repo.node),
        [{ source: layout.repo.config, target: PGBACKREST_CONF }],
        PGBACKREST_USER,
        "pgbackrest",
        [`--stanza=${stanzaOf(db)}`, ...args],
        timeoutMs,
      );
    mustSucceed(await repoTool(["check"]), "pgbackrest check (WAL reaches the repository)", PATRONI_HINT);
    say("WAL archiving checked (pgbackrest check)");
    const b0 = Date.now();
    mustSucceed(await repoTool(["--type=full", "backup"], 600_000), "pgbackrest backup", PATRONI_HINT);
    const backupEnd = Date.now();
    const info = await backupInfo(repoTool);
    say(
      `full backup ${info.label ?? ""} in ${((backupEnd - b0) / 1000).toFixed(1)} s (${(info.bytes / 1048576).toFixed(1)} MiB)`,
    );

    let writeMs = opts.writeMs;
    if (opts.pointInTimeMs !== undefined) {
      // Recovery needs a commit past the target in an archived WAL file to know it got there.
      const need = opts.pointInTimeMs + 2 * opts.archiveTimeoutMs + 3000;
      if (writeMs < need) {
        say(`writing ${need / 1000} s (not ${writeMs / 1000} s) so the WAL past the target is archived`);
        writeMs = need;
      }
    }
    say(`writing for ${writeMs / 1000} s, WAL archived at least every ${opts.archiveTimeoutMs / 1000} s`);
    await sleep(writeMs);

    const { at: disasterAt, nodes: destroyed } = await destroy(state, db);
    say(
      `disaster: ${destroyed.join(", ")} destroyed (Patroni and PostgreSQL killed, data directories removed)`,
    );
    const phases: { name: string; ms: number }[] = [];
    const mark = (name: string): void => {
      phases.push({ name, ms: Date.now() - disasterAt });
      say(`${name} (+${((Date.now() - disasterAt) / 1000).toFixed(1)} s)`);
    };

    // The runbook: forget the dead cluster in the store, restore one member, let the others clone.
    await wipeClusterKeys(state, db);
    mark("cluster keys removed from etcd");
    const target = opts.pointInTimeMs !== undefined ? new Date(backupEnd + opts.pointInTimeMs) : undefined;
    const restoredOn = db.members[0]!.node;
    const dataDir = join(dbDir(ctx, db.name, restoredOn), "data");
    const restoreArgs = [
      "pgbackrest",
      `--stanza=${stanzaOf(db)}`,
      ...(target ? ["--type=time", `--target=${pgTimestamp(target)}`, "--target-action=promote"] : []),
      "restore",
    ];
    const command = shellWords(
      "sh",
      "-c",
      `mkdir -p -m 0700 ${shellWords(dataDir)} && exec ${shellWords(...restoreArgs)}`,
    );
    const restoreCfg = patroniRestoreConfig(ctx, db.name, restoredOn, command, {
      command: archiveCommand(db),
      timeout: archiveTimeout(opts.archiveTimeoutMs),
    })!;
    await writeOwnedFile(restoreCfg.path, restoreCfg.content, 0o600);
    await run("chown", [`${PG_USER}:`, restoreCfg.path]);
    const restoreKey = `${restoredOn}/patroni/${db.name}`;
    await updateState(state.id, (s) => restart(s, [restoreKey]));
    mark(`Patroni started on ${restoredOn} with pgBackRest as its bootstrap`);
    const primary = await waitFor(
      async () => {
        const st = (await dbStatus(plan)).find((d) => d.name === db.name);
        return (
          st?.primary === restoredOn && st.members.some((m) => m.node === restoredOn && m.state === "running")
        );
      },
      opts.timeoutMs,
      250,
    );
    if (!primary)
      throw new DrillError(
        `${db.name} did not come back on ${restoredOn}`,
        `see ${dirname(restoreCfg.path)} and the lab's logs`,
      );
    mark(`${restoredOn} restored and primary`);
    // Its everyday configuration back: bootstrap settings are read only for a new cluster anyway.
    const normal = buildPatroni(
      ctx,
      plan.daemons.find((d) => daemonKey(d) === restoreKey)!,
    ).files[0]!;
    await writeOwnedFile(normal.path, normal.content, 0o600);
    await run("chown", [`${PG_USER}:`, normal.path]);
    const others = patroni.map((l) => l.key).filter((k) => k !== restoreKey);
    await updateState(state.id, (s) => restart(s, others));
    mark(
      `Patroni started on ${others.map((k) => k.split("/")[0]).join(", ")} (they clone the restored primary)`,
    );

    const firstWrite = await waitFor(
      async () => (await writer.records())[0]!.some((r) => r.ok && r.s >= disasterAt),
      opts.timeoutMs,
      200,
    );
    if (firstWrite) mark("first write acknowledged through the service address");
    await sleep(500);
    await writer.stop();
    const records = await writer.records();
    const rows = await readBack(state, db, password);
    if (!rows) throw new DrillError(`cannot read ${PROBE_TABLE} back through ${db.address}`, PATRONI_HINT);
    const present = (q: number): boolean => rows.has(q);
    const measurement = measureRestore({
      writes: records[0]!,
      disasterAt,
      present,
      boundAt: target ? undefined : archivedBound(records[1]!, disasterAt),
    });
    const after = await backupInfo(repoTool);
    const walBytes = Math.max(0, walDistance(info.stopWal, after.maxWal));
    const prediction =
      planPrediction(model, db.name, {
        bytes: info.bytes,
        walBytes,
        // The lab's Patroni bootstrap stands in for CloudNativePG's: its scheduling is not rehearsed.
        notRehearsed: db.engine === "cloudnative-pg" ? ["cnpg.bootstrap"] : [],
        archiveTimeoutMs: opts.archiveTimeoutMs,
      }) ??
      predictDatabaseRestore({
        archiveTimeoutMs: opts.archiveTimeoutMs,
        backupBytes: info.bytes,
        walBytes,
      });
    const pit = target
      ? {
          ...checkPointInTime(records[0]!, target.getTime(), disasterAt, present),
          targetIso: target.toISOString(),
        }
      : undefined;
    const problems: string[] = [];
    if (measurement.rtoMs === null) problems.push("no write was acknowledged after the restore");
    if (!pit) {
      if (measurement.lostInsideBound.length)
        problems.push(
          `${measurement.lostInsideBound.length} acknowledged writes older than the last archived WAL were lost`,
        );
      if (measurement.boundAt === undefined)
        problems.push("no archived WAL seen before the disaster: the bound is unknown");
      if (measurement.rpoMs > prediction.rpoMs)
        problems.push(`RPO ${measurement.rpoMs} ms exceeds the predicted bound ${prediction.rpoMs} ms`);
    } else {
      if (pit.missingBefore.length)
        problems.push(`${pit.missingBefore.length} writes made before the target are missing`);
      if (pit.presentAfter.length)
        problems.push(`${pit.presentAfter.length} writes made after the target came back`);
    }
    // pgBackRest's own account of the restore (its log on the restored node): the transfer part of
    // the RTO; the rest is PostgreSQL replaying and starting, and the members it waits for.
    const restoreMs = await lastRestoreMs(state, db, restoredOn);
    const measured: Record<string, number> = {};
    if (restoreMs !== undefined && restoreMs > 0) {
      measured["restore.throughput.nfs"] = info.bytes / 1048576 / (restoreMs / 1000);
      if (measurement.rtoMs !== null) measured["postgres.start"] = Math.max(0, measurement.rtoMs - restoreMs);
    }
    if (restoreMs !== undefined)
      phases.push({
        name: `pgbackrest restore itself took ${restoreMs} ms`,
        ms: phases.find((p) => p.name.startsWith("Patroni started on " + restoredOn))?.ms ?? 0,
      });
    return {
      kind: "database",
      lab: state.id,
      database: db.name,
      standin: db.engine === "cloudnative-pg",
      repository: {
        node: layout.repo.node,
        address: layout.repo.address,
        placement: layout.placement,
        transport: "pgBackRest TLS server (repo1-host-type=tls)",
      },
      archiveTimeoutMs: opts.archiveTimeoutMs,
      backup: { ms: backupEnd - b0, bytes: info.bytes, label: info.label },
      disasterAt,
      destroyed,
      restoredOn,
      phases,
      walBytes,
      measurement,
      pointInTime: pit,
      prediction,
      measured,
      verdict: { ok: problems.length === 0, problems },
    };
  } finally {
    await writer.stop().catch(() => undefined);
  }
}

const nsOf = (state: LabState, node: string): string =>
  state.plan.nodes.find((n) => n.name === node)!.namespace;

/** Certificates, the repository's file, a TLS server on every node, the stanza. */
async function prepareRepository(state: LabState, db: LabDatabase, layout: BackupLayout): Promise<void> {
  const nodes = [layout.repo, ...layout.members];
  await makeCertificates(
    layout.tlsDir,
    PGBACKREST_USER,
    nodes.map((n) => ({ node: n.node, cn: n.cn, address: n.address })),
  );
  for (const d of [dirname(layout.repo.config), ...layout.repo.dirs])
    await mkdir(d, { recursive: true, mode: 0o700 });
  await writeOwnedFile(layout.repo.config, layout.repo.content, 0o600);
  await run("chown", ["-R", `${PGBACKREST_USER}:`, dirname(layout.repo.config)]);
  const current = (await readState(state.id))!;
  for (const n of nodes) {
    const key = `${n.node}/pgbackrest`;
    const old = current.processes.find((p) => p.key === key);
    if (old && (await sameProcess(old.pid, old.start))) continue;
    const spec: LaunchSpec = {
      key,
      node: n.node,
      namespace: nsOf(state, n.node),
      kind: "pgbackrest",
      label: `pgBackRest TLS server (${db.name}${n === layout.repo ? " repository" : ""})`,
      standin: db.engine === "cloudnative-pg",
      cmd: "pgbackrest",
      args: ["server"],
      binds: [{ source: n.config, target: PGBACKREST_CONF }],
      user: PGBACKREST_USER,
      log: join(state.runDir, "logs", `${n.node}.pgbackrest.log`),
    };
    await recordProcess(state, spec, await launch(spec));
  }
  const created = await waitFor(
    async () =>
      (
        await nodeTool(
          nsOf(state, layout.repo.node),
          [{ source: layout.repo.config, target: PGBACKREST_CONF }],
          PGBACKREST_USER,
          "pgbackrest",
          [`--stanza=${stanzaOf(db)}`, "stanza-create"],
        )
      ).code === 0,
    20_000,
    500,
  );
  if (!created)
    throw new DrillError(
      `pgbackrest stanza-create for ${db.name} failed`,
      `see ${join(state.runDir, "nodes", layout.repo.node, "pgbackrest", "log")}`,
    );
}

/** archive_command and archive_timeout, cluster-wide, through Patroni's dynamic configuration. */
async function setArchiving(
  state: LabState,
  db: LabDatabase,
  password: string,
  archiveTimeoutMs: number,
): Promise<void> {
  const primary = (await dbStatus(state.plan)).find((d) => d.name === db.name)?.primary;
  const member = db.members.find((m) => m.node === primary);
  if (!member) throw new DrillError(`${db.name} has no primary`, PATRONI_HINT);
  const body = JSON.stringify({
    postgresql: {
      parameters: {
        archive_command: archiveCommand(db),
        archive_timeout: archiveTimeout(archiveTimeoutMs),
      },
    },
  });
  const clientNs = nsOf(state, "_client");
  const r = await execIn(
    clientNs,
    "curl",
    ["-s", "-f", "-X", "PATCH", "-d", body, `http://${member.address}:8008/config`],
    10_000,
  );
  mustSucceed(r, "Patroni PATCH /config (archive_command)", PATRONI_HINT);
  // Patroni applies it on its next loop and reloads PostgreSQL: wait until the primary runs it.
  const applied = await waitFor(
    async () =>
      (await sqlThroughService(state.plan, db.address, password, "SHOW archive_command")).rows?.[0]?.[0] ===
      archiveCommand(db),
    60_000,
    500,
  );
  if (!applied) throw new DrillError(`Patroni did not apply archive_command to ${db.name}`, PATRONI_HINT);
}

async function sqlReady(state: LabState, db: LabDatabase, password: string): Promise<boolean> {
  return waitFor(
    async () =>
      !(
        await sqlThroughService(
          state.plan,
          db.address,
          password,
          `DROP TABLE IF EXISTS ${PROBE_TABLE}; CREATE TABLE ${PROBE_TABLE} (seq bigint PRIMARY KEY, at timestamptz DEFAULT now())`,
        )
      ).error,
    60_000,
    1000,
  );
}

async function readBack(
  state: LabState,
  db: LabDatabase,
  password: string,
): Promise<Set<number> | undefined> {
  let rows: (string | null)[][] | undefined;
  await waitFor(
    async () => {
      rows = (
        await sqlThroughService(state.plan, db.address, password, `SELECT seq FROM ${PROBE_TABLE}`, 10_000)
      ).rows;
      return Boolean(rows);
    },
    60_000,
    1000,
  );
  return rows ? new Set(rows.map((r) => Number(r[0]))) : undefined;
}

/**
 * Every member killed at once: PostgreSQL (in a session of its own, so not in Patroni's group) and
 * whatever it runs (an archive-push in flight), Patroni, then the data directories. The pids are
 * gathered first so the kills land together; the returned moment is when they were sent.
 */
async function destroy(state: LabState, db: LabDatabase): Promise<{ at: number; nodes: string[] }> {
  const current = (await readState(state.id))!;
  const keys = db.members.map((m) => `${m.node}/patroni/${db.name}`);
  const patroni = current.processes.filter((p) => keys.includes(p.key));
  const gather = async (): Promise<number[]> =>
    (await Promise.all(db.members.map((m) => databaseProcesses(nsOf(state, m.node))))).flat();
  const first = await gather();
  const at = Date.now();
  await Promise.all(patroni.map((p) => signalRecorded(p, "SIGKILL")));
  for (let round = 0, pids = first; round < 20 && pids.length; round++, pids = await gather()) {
    for (const pid of pids) signalProcess(pid, "SIGKILL");
    await sleep(20);
  }
  for (const m of db.members) {
    const data = join(dbDir(state, db.name, m.node), "data");
    if (existsSync(data)) await rm(data, { recursive: true, force: true });
  }
  return { at, nodes: db.members.map((m) => m.node) };
}

/** PostgreSQL's processes in a namespace and everything they started (archive_command's children). */
async function databaseProcesses(namespace: string): Promise<number[]> {
  const info = new Map<number, { name?: string; ppid?: number }>();
  for (const pid of await namespacePids(namespace))
    info.set(pid, { name: await processName(pid), ppid: await parentPid(pid) });
  const isDb = (pid: number, depth = 0): boolean => {
    const i = info.get(pid);
    if (!i || depth > 16) return false;
    return i.name === "postgres" || (i.ppid !== undefined && isDb(i.ppid, depth + 1));
  };
  return [...info.keys()].filter((p) => isDb(p));
}

async function parentPid(pid: number): Promise<number | undefined> {
  const text = await readFile(`/proc/${pid}/stat`, "utf8").catch(() => "");
  const ppid = Number(text.slice(text.lastIndexOf(")") + 2).split(" ")[1]);
  return Number.isInteger(ppid) && ppid > 0 ? ppid : undefined;
}

async function wipeClusterKeys(state: LabState, db: LabDatabase): Promise<void> {
  const r = await execIn(
    nsOf(state, "_client"),
    "etcdctl",
    [
      "--endpoints",
      db.dcs.map((a) => `http://${a}`).join(","),
      "del",
      "--prefix",
      `/hlab-patroni/${db.name}/`,
    ],
    10_000,
  );
  mustSucceed(r, "etcdctl del (the dead cluster's keys)", "etcd must have quorum: `hlab lab status`");
}

interface BackupInfo {
  bytes: number;
  label?: string;
  stopWal?: string;
  maxWal?: string;
}

async function backupInfo(repoTool: (args: string[]) => ReturnType<typeof nodeTool>): Promise<BackupInfo> {
  const r = await repoTool(["--output=json", "info"]);
  try {
    const stanzas = JSON.parse(r.stdout) as {
      backup?: { label: string; info: { size: number }; archive: { stop: string } }[];
      archive?: { max?: string }[];
    }[];
    const last = stanzas[0]?.backup?.at(-1);
    return {
      bytes: last?.info.size ?? 0,
      label: last?.label,
      stopWal: last?.archive.stop,
      maxWal: stanzas[0]?.archive
        ?.map((a) => a.max)
        .filter(Boolean)
        .pop(),
    };
  } catch {
    return { bytes: 0 };
  }
}

async function lastRestoreMs(state: LabState, db: LabDatabase, node: string): Promise<number | undefined> {
  const log = join(state.runDir, "nodes", node, "pgbackrest", "log", `${stanzaOf(db)}-restore.log`);
  const text = await readFile(log, "utf8").catch(() => "");
  const all = [...text.matchAll(/restore command end: completed successfully \((\d+)ms\)/g)];
  return all.length ? Number(all[all.length - 1]![1]) : undefined;
}

const archiveTimeout = (ms: number): string => `${Math.max(1, Math.round(ms / 1000))}s`;

/** Bytes between two WAL files (16 MiB segments), from their log and segment numbers. */
export function walDistance(from?: string, to?: string): number {
  if (!from || !to) return 0;
  const n = (w: string): number => parseInt(w.slice(8, 16), 16) * 256 + parseInt(w.slice(16, 24), 16);
  return (n(to) - n(from)) * 16 * 1024 * 1024;
}

/** A timestamp PostgreSQL's recovery_target_time reads unambiguously (UTC, milliseconds). */
export const pgTimestamp = (d: Date): string => `${d.toISOString().replace("T", " ").replace("Z", "")}+00`;
