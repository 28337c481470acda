// Runs a scenario against a lab that is up: starts the prober (in the client namespace) and one
// address monitor per VIP candidate, applies each fault at its time (resolving "whatever holds the
// VIP" just before), undoes it when its time is up, then checks the database kept every
// acknowledged write and turns the observations into a report.
import { mkdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import type { Model } from "../model/model.js";
import { startDaemon } from "../process/run.js";
import { applyFault, flapLog, restoreFaults, type AppliedFault, type FaultSpec } from "./chaos.js";
import { superuserSecret } from "./daemons/patroni.js";
import { ThrowawaySecrets } from "./generated.js";
import { nodeFor, type LabPlan } from "./lab-plan.js";
import { stop } from "./launcher.js";
import { launchProber } from "./prober-launch.js";
import { SECRETS_FILE, waitFor } from "./lifecycle.js";
import {
  attribute,
  flapIntervals,
  lostWrites,
  outages as findOutages,
  parseFlapLog,
  parseMonitor,
  parseProbeLog,
  recordsOf,
  splitBrain,
  stats,
  summarise,
  type FaultMoment,
  type HolderEvent,
  type Interval,
  type Outage,
  type SplitBrain,
  type Stats,
  type TargetSummary,
  type WriteCheck,
} from "./measure.js";
import {
  keepalivedAdvertMs,
  keepalivedPriority,
  predict,
  type Prediction,
  type Snapshot,
} from "./predict.js";
import {
  ingressProbeAddress,
  probeTargets,
  PROBE_INTERVAL_MS,
  PROBE_TABLE,
  PG_PORT,
  type ProbeTarget,
} from "./probe-target.js";
import { processStart } from "./procfs.js";
import type { Scenario, ScenarioEvent } from "./scenario.js";
import { clientRequest, dbStatus, etcdStatus, vipHolders } from "./status.js";
import { updateState, type LabState, type ProcessRecord } from "./state.js";

export interface FaultReport {
  id: string;
  kind: string;
  target: string;
  /** The scenario's wording (`@holder:192.168.1.8`) when it was resolved at run time. */
  requested?: string;
  description: string;
  /** ms after the measured window started. */
  atMs: number;
  durationMs?: number;
  before: Snapshot;
  /**
   * Per probe: the plan's prediction, the longest outage after the fault struck (a flap: each time
   * the NIC went down) and the longest after it was undone (a host booting, a NIC back: failback).
   */
  rows: {
    target: string;
    predicted?: Prediction;
    measuredMs: number | null;
    outages: number;
    afterRestoreMs: number | null;
    /** The probe was failing when the fault was undone: down for the rest of the fault. */
    outAtRestore: boolean;
  }[];
}

export interface LabReport {
  lab: string;
  spec: string;
  model: string;
  scenario: { name: string; description?: string };
  startedAt: string;
  durationMs: number;
  /** Stand-ins running in this lab, said with every report. */
  standins: string[];
  targets: TargetSummary[];
  outages: (Omit<Outage, "start" | "end"> & { startMs: number })[];
  failover: { overall: Stats; byTarget: Record<string, Stats>; byFault: Record<string, Stats> };
  faults: FaultReport[];
  skipped: { step: number; why: string }[];
  splitBrain: (Omit<SplitBrain, "start" | "end"> & { startMs: number })[];
  /** Who added or dropped each VIP when (ms after the window started), from the kernel's own events. */
  vipTimeline: { vip: string; node: string; held: boolean; atMs: number }[];
  /** Overlaps within the handover limit (see handoverLimitMs): two holders that sorted it out by protocol. */
  handovers: { count: number; maxMs: number };
  writes: WriteCheck[];
  verdict: { ok: boolean; problems: string[] };
}

/**
 * How long two holders may overlap before it is split brain. When two VRRP masters meet again (a
 * cable back in), the lower priority one steps down on the first advertisement it hears from the
 * other: up to one advertisement interval, by the protocol's design, plus the time to handle it
 * (one more advert out, the address removed; a quarter interval covers it: measured overlaps with
 * 100 ms adverts reached 103 ms). Overlaps within that are handovers (reported, with the longest);
 * longer ones mean the holders could not resolve it. kube-vip's stand-in re-checks its lease every
 * retry period.
 */
export function handoverLimitMs(plan: LabPlan, vip: string, advertMs: Record<string, number>): number {
  const v = plan.vips.find((x) => x.address === vip);
  if (v?.movedBy === "keepalived") {
    const advert = Math.max(...v.candidates.map((c) => advertMs[c] ?? 1000));
    return Math.max(PROBE_INTERVAL_MS, Math.round(advert * 1.25));
  }
  if (v?.movedBy === "kubevip-standin" && plan.kubeVip) return plan.kubeVip.retryMs;
  return PROBE_INTERVAL_MS;
}

export interface RunOptions {
  progress?: (line: string) => void;
}

async function snapshot(plan: LabPlan): Promise<Snapshot> {
  const [holders, etcd, dbs] = await Promise.all([vipHolders(plan), etcdStatus(plan), dbStatus(plan)]);
  return {
    holders: Object.fromEntries(holders),
    etcdLeader: etcd?.leader,
    primaries: Object.fromEntries(dbs.map((d) => [d.name, d.primary])),
  };
}

/** A scenario target as a host or guest name, given who holds what right now. */
export function resolveTarget(
  plan: LabPlan,
  ev: Pick<ScenarioEvent, "fault">,
  target: string,
  snap: Snapshot,
): string | undefined {
  let node: string | undefined = target;
  if (target === "@etcd-leader") node = snap.etcdLeader;
  else if (target.startsWith("@primary:")) node = snap.primaries[target.slice("@primary:".length)];
  else if (target.startsWith("@holder:")) {
    const what = target.slice("@holder:".length);
    const vip = plan.vips.find((v) => v.address === what || v.purposes.includes(what));
    node = vip ? snap.holders[vip.address]?.[0] : undefined;
  }
  if (!node) return undefined;
  const n = nodeFor(plan, node);
  if (!n) return undefined;
  // A host fault, a NIC and a cable are physical: they belong to the machine the holder runs on.
  if (["host-down", "nic-flap", "link-down"].includes(ev.fault)) return n.kind === "guest" ? n.host : n.name;
  if (ev.fault === "guest-down" && n.kind === "host") return n.guests[0];
  return node;
}

async function sqlAsk(
  plan: LabPlan,
  target: ProbeTarget,
  sql: string,
  timeoutMs: number,
): Promise<{ rows?: (string | null)[][]; error?: string }> {
  const s = target.sql!;
  const r = await clientRequest<{ rows: (string | null)[][] }>(
    plan,
    ["sql"],
    JSON.stringify({
      conn: {
        host: target.address,
        port: PG_PORT,
        user: s.user,
        password: s.password,
        database: s.database,
        timeoutMs,
      },
      sql,
    }),
    timeoutMs + 3000,
  );
  return "error" in r ? { error: r.error } : { rows: r.rows };
}

export async function runScenario(
  state: LabState,
  model: Model,
  scenario: Scenario,
  opts: RunOptions = {},
): Promise<LabReport> {
  const say = opts.progress ?? ((): void => undefined);
  const plan = state.plan;
  const runDir = join(state.runDir, "runs", `run-${Date.now()}`);
  const secrets = ThrowawaySecrets.fromJSON(
    JSON.parse(await readFile(join(state.runDir, SECRETS_FILE), "utf8")) as Record<string, string>,
  );
  const dbsStarted = state.launches.some((l) => l.kind === "patroni");
  const targets = probeTargets(
    plan,
    { endpoint: model.kubernetes?.api.endpoint },
    { address: ingressProbeAddress(plan, model.kubernetes?.ingress.address) },
    (db) => secrets.password(superuserSecret(db)),
  ).filter((t) => t.kind !== "sql" || dbsStarted);

  for (const t of targets.filter((x) => x.kind === "sql")) {
    say(`preparing ${t.id}: table ${PROBE_TABLE}`);
    const ok = await waitFor(
      async () =>
        !(
          await sqlAsk(
            plan,
            t,
            `DROP TABLE IF EXISTS ${PROBE_TABLE}; CREATE TABLE ${PROBE_TABLE} (seq bigint PRIMARY KEY, at timestamptz DEFAULT now())`,
            3000,
          )
        ).error,
      60_000,
      1000,
    );
    if (!ok) say(`warning: could not create ${PROBE_TABLE} through ${t.address}`);
  }

  // Address monitors (one per namespace that may hold a VIP), then the prober.
  await mkdir(runDir, { recursive: true });
  const infra: ProcessRecord[] = [];
  const monitorNodes = [...new Set(plan.vips.flatMap((v) => v.candidates))];
  for (const node of monitorNodes) {
    const ns = plan.nodes.find((n) => n.name === node)!.namespace;
    const pid = startDaemon("ip", ["-ts", "-n", ns, "monitor", "address"], {
      logFile: join(runDir, `monitor-${node}.log`),
    });
    infra.push({
      pid,
      start: (await processStart(pid)) ?? "gone",
      key: `_lab/monitor/${node}`,
      label: "address monitor",
    });
  }
  const prober = await launchProber(plan, runDir, targets, { key: "_lab/prober", label: "prober" });
  infra.push(prober.record);
  await updateState(state.id, (s) => {
    s.processes.push(...infra);
  });

  await new Promise((r) => setTimeout(r, 300));
  const initial = await snapshot(plan);
  const windowStart = Date.now();
  say(
    `probing ${targets.length} targets every ${PROBE_INTERVAL_MS} ms; warm-up ${scenario.warmupMs / 1000} s`,
  );
  const t0 = windowStart + scenario.warmupMs;

  interface Active {
    applied: AppliedFault;
    ev: ScenarioEvent;
    before: Snapshot;
    restoredAt?: number;
    /** When the undoing began: a link is up again before restoreFaults returns. */
    restoringAt?: number;
  }
  const active: Active[] = [];
  const done: Active[] = [];
  const skipped: { step: number; why: string }[] = [];
  const queue: { at: number; ev?: ScenarioEvent; restore?: Active }[] = scenario.events.map((ev) => ({
    at: t0 + ev.at,
    ev,
  }));
  const moments: FaultMoment[] = [];
  // Ctrl-C (or a TERM) ends the schedule early: faults are undone, probes stopped, and the report
  // covers what ran.
  let interrupted = false;
  let wake: (() => void) | undefined;
  const onSignal = (): void => {
    interrupted = true;
    say("interrupted: undoing the active faults");
    wake?.();
  };
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  const nap = (until: number): Promise<void> =>
    interrupted
      ? Promise.resolve()
      : new Promise((r) => {
          const timer = setTimeout(r, Math.max(0, until - Date.now()));
          wake = () => {
            clearTimeout(timer);
            r();
          };
        });

  try {
    while (queue.length && !interrupted) {
      queue.sort((a, b) => a.at - b.at);
      const next = queue.shift()!;
      await nap(next.at);
      if (interrupted) break;
      if (next.restore) {
        next.restore.restoringAt = Date.now();
        await restoreFaults(state.id, [next.restore.applied.id]);
        next.restore.restoredAt = Date.now();
        moments.push({ fault: next.restore.applied.id, phase: "restore", at: next.restore.restoredAt });
        active.splice(active.indexOf(next.restore), 1);
        done.push(next.restore);
        say(
          `restored ${next.restore.applied.id} (${next.restore.applied.kind} ${next.restore.applied.target})`,
        );
        continue;
      }
      const ev = next.ev!;
      const before = await snapshot(plan);
      const spec = toFaultSpec(plan, ev, before);
      if (typeof spec === "string") {
        skipped.push({ step: ev.step, why: spec });
        say(`step ${ev.step + 1} skipped: ${spec}`);
        continue;
      }
      const applied = await applyFault(state.id, spec);
      moments.push({ fault: applied.id, phase: "inject", at: applied.at });
      const a: Active = { applied, ev, before };
      active.push(a);
      say(`${applied.id} ${applied.kind} ${applied.target}: ${applied.description}`);
      if (ev.forMs !== undefined) queue.push({ at: applied.at + ev.forMs, restore: a });
    }
    for (const a of [...active]) {
      a.restoringAt = Date.now();
      await restoreFaults(state.id, [a.applied.id]);
      a.restoredAt = Date.now();
      moments.push({ fault: a.applied.id, phase: "restore", at: a.restoredAt });
      done.push(a);
      active.splice(active.indexOf(a), 1);
    }
    await nap(Date.now() + scenario.tailMs);
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
    for (const a of active) await restoreFaults(state.id, [a.applied.id]).catch(() => []);
    for (const p of infra) await stop(p, 1000);
    await updateState(state.id, (s) => {
      s.processes = s.processes.filter((p) => !infra.some((x) => x.pid === p.pid));
    });
  }
  const windowEnd = Date.now();

  // What the databases kept, once each has a primary again.
  const present = new Map<string, Set<number>>();
  for (const t of targets.filter((x) => x.kind === "sql")) {
    say(`reading back ${t.id}`);
    let rows: (string | null)[][] | undefined;
    await waitFor(
      async () => {
        const r = await sqlAsk(plan, t, `SELECT seq FROM ${PROBE_TABLE}`, 10_000);
        rows = r.rows;
        return Boolean(rows);
      },
      90_000,
      1000,
    );
    if (rows) present.set(t.id, new Set(rows.map((r) => Number(r[0]))));
  }

  const records = parseProbeLog(await readFile(prober.out, "utf8").catch(() => ""));
  const holderEvents: HolderEvent[] = [];
  for (const node of monitorNodes)
    holderEvents.push(
      ...parseMonitor(node, await readFile(join(runDir, `monitor-${node}.log`), "utf8").catch(() => "")),
    );
  for (const a of done.filter((x) => x.applied.kind === "nic-flap")) {
    const flaps = parseFlapLog(await readFile(flapLog(state, a.applied.id), "utf8").catch(() => ""));
    for (const f of flaps)
      moments.push({ fault: a.applied.id, phase: f.up ? "flap-up" : "flap-down", at: f.t });
  }
  const offline = new Map<string, Interval[]>();
  for (const a of done) {
    let ivs: Interval[] = [];
    if (["host-down", "guest-down", "link-down"].includes(a.applied.kind))
      ivs = [{ start: a.applied.at, end: a.restoredAt ?? windowEnd }];
    if (a.applied.kind === "nic-flap") {
      const flaps = parseFlapLog(await readFile(flapLog(state, a.applied.id), "utf8").catch(() => ""));
      ivs = flapIntervals(flaps, a.restoredAt ?? windowEnd);
    }
    for (const n of a.applied.nodes) offline.set(n, [...(offline.get(n) ?? []), ...ivs]);
  }
  const keepalived = await keepalivedSettings(state);
  return buildReport({
    state,
    model,
    scenario,
    targets,
    records,
    window: { start: windowStart, end: windowEnd },
    moments,
    done,
    skipped,
    initial,
    holderEvents,
    offline,
    present,
    keepalived,
  });
}

function toFaultSpec(plan: LabPlan, ev: ScenarioEvent, snap: Snapshot): FaultSpec | string {
  if (ev.fault === "partition") {
    const groups = ev.groups!.map((g) =>
      g.map((name) => (name.startsWith("@") ? resolveTarget(plan, ev, name, snap) : name)),
    );
    if (groups.some((g) => g.some((x) => !x))) return "a partition member could not be resolved";
    const gs = groups as [string[], string[]];
    return { kind: "partition", target: `${gs[0].join(",")} | ${gs[1].join(",")}`, groups: gs };
  }
  const target = resolveTarget(plan, ev, ev.target!, snap);
  if (!target) return `nothing holds ${ev.target} right now`;
  return {
    kind: ev.fault,
    target,
    process: ev.process,
    iface: ev.iface,
    everyMs: ev.everyMs,
    percent: ev.percent,
  };
}

/** Priority and advertisement interval of each node's keepalived, read from the config it runs. */
async function keepalivedSettings(
  state: LabState,
): Promise<{ priorities: Record<string, number>; advertMs: Record<string, number> }> {
  const priorities: Record<string, number> = {};
  const advertMs: Record<string, number> = {};
  for (const l of state.launches.filter((x) => x.kind === "keepalived")) {
    const src = l.binds.find((b) => b.target === "/etc/keepalived")?.source;
    if (!src) continue;
    const text = await readFile(join(src, "keepalived.conf"), "utf8").catch(() => "");
    priorities[l.node] = keepalivedPriority(text);
    advertMs[l.node] = keepalivedAdvertMs(text);
  }
  return { priorities, advertMs };
}

interface ReportInput {
  state: LabState;
  model: Model;
  scenario: Scenario;
  targets: ProbeTarget[];
  records: ReturnType<typeof parseProbeLog>;
  window: Interval;
  moments: FaultMoment[];
  done: {
    applied: AppliedFault;
    ev: ScenarioEvent;
    before: Snapshot;
    restoredAt?: number;
    restoringAt?: number;
  }[];
  skipped: { step: number; why: string }[];
  initial: Snapshot;
  holderEvents: HolderEvent[];
  offline: Map<string, Interval[]>;
  present: Map<string, Set<number>>;
  keepalived: { priorities: Record<string, number>; advertMs: Record<string, number> };
}

export function buildReport(x: ReportInput): LabReport {
  const { state, model, targets, window } = x;
  const plan = state.plan;
  const rel = (t: number): number => t - window.start;
  const allOutages: Outage[] = [];
  const summaries: TargetSummary[] = [];
  const writes: WriteCheck[] = [];
  targets.forEach((t, i) => {
    const recs = recordsOf(x.records, i, window);
    const outs = findOutages(t.id, recs, window.end).map((o) => ({ ...o, cause: attribute(o, x.moments) }));
    allOutages.push(...outs);
    summaries.push(summarise(t, recs, outs));
    if (t.kind === "sql") writes.push(lostWrites(t.id.slice(4), recs, x.present.get(t.id)));
  });
  const caused = allOutages.filter((o) => o.cause);
  const byTarget: Record<string, Stats> = {};
  for (const t of targets) byTarget[t.id] = stats(caused.filter((o) => o.target === t.id).map((o) => o.ms));
  const byFault: Record<string, Stats> = {};
  for (const kind of new Set(x.done.map((d) => d.applied.kind))) {
    const ids = new Set(x.done.filter((d) => d.applied.kind === kind).map((d) => d.applied.id));
    byFault[kind] = stats(caused.filter((o) => ids.has(o.cause!.fault)).map((o) => o.ms));
  }

  const faults: FaultReport[] = x.done
    .sort((a, b) => a.applied.at - b.applied.at)
    .map((d) => {
      const down =
        ["host-down", "guest-down", "link-down", "nic-flap"].includes(d.applied.kind) ||
        (d.applied.kind === "freeze" && !d.ev.process)
          ? d.applied.nodes
          : [];
      const preds = predict(
        plan,
        model,
        {
          kind: d.applied.kind,
          down,
          process: d.ev.process ? { node: d.applied.nodes[0]!, name: d.ev.process } : undefined,
          downForMs: d.applied.kind === "nic-flap" ? (d.ev.everyMs ?? 2000) : undefined,
        },
        d.before,
        targets,
        x.keepalived.priorities,
      );
      const rows = targets.map((t) => {
        const ofFault = caused.filter((o) => o.target === t.id && o.cause!.fault === d.applied.id);
        const struck = ofFault.filter((o) => o.cause!.phase === "inject" || o.cause!.phase === "flap-down");
        const undone = ofFault.filter((o) => o.cause!.phase === "restore" || o.cause!.phase === "flap-up");
        const longest = (list: Outage[]): number | null =>
          list.length ? Math.max(...list.map((o) => o.ms)) : null;
        return {
          target: t.id,
          predicted: preds.find((p) => p.target === t.id),
          measuredMs: longest(struck),
          outages: struck.length,
          afterRestoreMs: longest(undone),
          outAtRestore:
            d.restoringAt !== undefined &&
            allOutages.some((o) => o.target === t.id && o.start <= d.restoringAt! && o.end >= d.restoringAt!),
        };
      });
      return {
        id: d.applied.id,
        kind: d.applied.kind,
        target: d.applied.target,
        requested: d.ev.target?.startsWith("@") ? d.ev.target : undefined,
        description: d.applied.description,
        atMs: rel(d.applied.at),
        durationMs: d.restoredAt ? d.restoredAt - d.applied.at : undefined,
        before: d.before,
        rows: rows.filter((r) => r.predicted || r.measuredMs !== null || r.afterRestoreMs !== null),
      };
    });

  const overlaps: SplitBrain[] = plan.vips.flatMap((v) =>
    splitBrain(v.address, x.initial.holders[v.address] ?? [], x.holderEvents, x.offline, window),
  );
  const limit = (o: SplitBrain): number => handoverLimitMs(plan, o.vip, x.keepalived.advertMs);
  const sb = overlaps.filter((o) => o.ms > limit(o));
  const handovers = overlaps.filter((o) => o.ms <= limit(o));
  const problems: string[] = [];
  for (const s of sb) problems.push(`split brain: ${s.vip} held by ${s.nodes.join(" and ")} for ${s.ms} ms`);
  for (const w of writes) {
    if (!w.checked) problems.push(`${w.database}: could not read the table back; lost writes unknown`);
    else if (w.lost.length) problems.push(`${w.database}: ${w.lost.length} acknowledged writes lost`);
  }
  for (const o of allOutages.filter((y) => !y.recovered))
    problems.push(`${o.target} had not recovered when the run ended`);
  return {
    lab: state.id,
    spec: state.spec,
    model: plan.model,
    scenario: { name: x.scenario.name, description: x.scenario.description },
    startedAt: new Date(window.start).toISOString(),
    durationMs: window.end - window.start,
    standins: [...new Set(state.launches.filter((l) => l.standin).map((l) => l.label))],
    targets: summaries,
    outages: allOutages.map(({ start, end: _end, ...o }) => ({ ...o, startMs: rel(start) })),
    failover: { overall: stats(caused.map((o) => o.ms)), byTarget, byFault },
    faults,
    skipped: x.skipped,
    splitBrain: sb.map(({ start, end: _end, ...s }) => ({ ...s, startMs: rel(start) })),
    vipTimeline: x.holderEvents
      .filter((e) => e.t >= window.start && e.t <= window.end && plan.vips.some((v) => v.address === e.vip))
      .sort((a, b) => a.t - b.t)
      .map((e) => ({ vip: e.vip, node: e.node, held: e.held, atMs: rel(e.t) })),
    handovers: { count: handovers.length, maxMs: handovers.reduce((m, o) => Math.max(m, o.ms), 0) },
    writes,
    verdict: { ok: problems.length === 0, problems },
  };
}
