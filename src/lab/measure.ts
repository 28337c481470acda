// From raw observations to what a user saw: outages per probe (runs of failed probes), their
// lengths and percentiles, which fault caused each, split brain (a VIP present in two namespaces
// that the network could reach at once) and acknowledged writes the database no longer has. Pure:
// the runner collects, this file judges.
import type { ProbeRecord, ProbeTarget } from "./probe-target.js";
import { PROBE_TIMEOUT_MS } from "./probe-target.js";

export interface Outage {
  target: string;
  start: number;
  end: number;
  ms: number;
  /** False when the run ended before a probe succeeded again. */
  recovered: boolean;
  failedProbes: number;
  /** The fault (and its phase) that came just before: `f3 inject`, `f3 restore`, `f3 flap-down`. */
  cause?: { fault: string; phase: FaultPhase; at: number };
  firstError?: string;
}

export type FaultPhase = "inject" | "restore" | "flap-down" | "flap-up";

export interface FaultMoment {
  fault: string;
  phase: FaultPhase;
  at: number;
}

export interface Stats {
  count: number;
  p50: number;
  p95: number;
  max: number;
}

export interface TargetSummary {
  id: string;
  vip?: string;
  probes: number;
  ok: number;
  availability: number;
  outages: number;
  longestMs: number;
}

/** Nearest-rank percentile of already sorted values. */
export function percentile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

export function stats(values: readonly number[]): Stats {
  const s = [...values].sort((a, b) => a - b);
  return {
    count: s.length,
    p50: percentile(s, 0.5),
    p95: percentile(s, 0.95),
    max: s.length ? s[s.length - 1]! : 0,
  };
}

/** Probe records of one target, in start order, limited to the measured window. */
export function recordsOf(
  records: readonly ProbeRecord[],
  index: number,
  window: { start: number; end: number },
): ProbeRecord[] {
  return records
    .filter((r) => r.i === index && r.s >= window.start && r.s <= window.end)
    .sort((a, b) => a.s - b.s);
}

/** Runs of consecutive failed probes; an outage lasts from its first failed probe to the next good one. */
export function outages(target: string, recs: readonly ProbeRecord[], windowEnd: number): Outage[] {
  const out: Outage[] = [];
  let open: { start: number; n: number; err?: string } | undefined;
  for (const r of recs) {
    if (!r.ok) {
      if (!open) open = { start: r.s, n: 0, err: r.e };
      open.n++;
    } else if (open) {
      out.push({
        target,
        start: open.start,
        end: r.s,
        ms: r.s - open.start,
        recovered: true,
        failedProbes: open.n,
        firstError: open.err,
      });
      open = undefined;
    }
  }
  if (open)
    out.push({
      target,
      start: open.start,
      end: windowEnd,
      ms: windowEnd - open.start,
      recovered: false,
      failedProbes: open.n,
      firstError: open.err,
    });
  return out;
}

/**
 * The fault moment an outage follows: the latest one no later than the outage's first failure plus
 * a probe timeout (a probe started just before a cable is pulled fails after it).
 */
export function attribute(o: Outage, moments: readonly FaultMoment[]): Outage["cause"] {
  let best: FaultMoment | undefined;
  for (const m of moments) if (m.at <= o.start + PROBE_TIMEOUT_MS && (!best || m.at > best.at)) best = m;
  return best ? { fault: best.fault, phase: best.phase, at: best.at } : undefined;
}

export function summarise(
  target: ProbeTarget,
  recs: readonly ProbeRecord[],
  outs: readonly Outage[],
): TargetSummary {
  const ok = recs.filter((r) => r.ok).length;
  return {
    id: target.id,
    vip: target.vip,
    probes: recs.length,
    ok,
    availability: recs.length ? ok / recs.length : 0,
    outages: outs.length,
    longestMs: outs.reduce((m, o) => Math.max(m, o.ms), 0),
  };
}

export interface HolderEvent {
  t: number;
  node: string;
  vip: string;
  held: boolean;
}

export interface Interval {
  start: number;
  end: number;
}

export interface SplitBrain {
  vip: string;
  start: number;
  end: number;
  ms: number;
  nodes: string[];
}

/**
 * Intervals where two or more namespaces held a VIP while the network could reach them (a powered-
 * off or unplugged machine's stale address answers nobody). `offline` lists, per node, when it was
 * unreachable.
 */
export function splitBrain(
  vip: string,
  initial: readonly string[],
  events: readonly HolderEvent[],
  offline: ReadonlyMap<string, readonly Interval[]>,
  window: Interval,
): SplitBrain[] {
  const times = new Set<number>([window.start, window.end]);
  const mine = events
    .filter((e) => e.vip === vip && e.t >= window.start && e.t <= window.end)
    .sort((a, b) => a.t - b.t);
  for (const e of mine) times.add(e.t);
  for (const list of offline.values())
    for (const iv of list)
      for (const t of [iv.start, iv.end]) if (t >= window.start && t <= window.end) times.add(t);
  const sorted = [...times].sort((a, b) => a - b);
  const held = new Set(initial);
  const isOffline = (node: string, t: number): boolean =>
    (offline.get(node) ?? []).some((iv) => t >= iv.start && t < iv.end);
  const out: SplitBrain[] = [];
  let ei = 0;
  let open: { start: number; nodes: Set<string> } | undefined;
  for (let k = 0; k < sorted.length - 1; k++) {
    const t = sorted[k]!;
    while (ei < mine.length && mine[ei]!.t <= t) {
      const e = mine[ei++]!;
      if (e.held) held.add(e.node);
      else held.delete(e.node);
    }
    const live = [...held].filter((n) => !isOffline(n, t));
    if (live.length >= 2) {
      if (!open) open = { start: t, nodes: new Set() };
      live.forEach((n) => open!.nodes.add(n));
    } else if (open) {
      out.push({ vip, start: open.start, end: t, ms: t - open.start, nodes: [...open.nodes].sort() });
      open = undefined;
    }
  }
  if (open)
    out.push({
      vip,
      start: open.start,
      end: window.end,
      ms: window.end - open.start,
      nodes: [...open.nodes].sort(),
    });
  return out;
}

export interface WriteCheck {
  database: string;
  acknowledged: number;
  /** Whether the final read succeeded; without it nothing can be said about lost writes. */
  checked: boolean;
  lost: number[];
}

/** Sequence numbers acknowledged to the probe but absent from the table afterwards. */
export function lostWrites(
  database: string,
  recs: readonly ProbeRecord[],
  present: ReadonlySet<number> | undefined,
): WriteCheck {
  const acked = recs.filter((r) => r.ok && r.q !== undefined).map((r) => r.q!);
  if (!present) return { database, acknowledged: acked.length, checked: false, lost: [] };
  return {
    database,
    acknowledged: acked.length,
    checked: true,
    lost: acked.filter((q) => !present.has(q)).sort((a, b) => a - b),
  };
}

/** `ip -ts monitor address` lines: `[2026-11-22T02:17:59.125576] [Deleted ]2: eth0    inet 192.168.1.50/32 ...`. */
export function parseMonitor(node: string, text: string): HolderEvent[] {
  const out: HolderEvent[] = [];
  for (const line of text.split("\n")) {
    const m =
      /^\[(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(\.\d+)?\]\s+(Deleted\s+)?\d+:\s+\S+\s+inet\s+([\d.]+)\//.exec(
        line,
      );
    if (!m) continue;
    // The timestamp is local time; microseconds cut to milliseconds.
    const t = new Date(`${m[1]}${(m[2] ?? ".0").slice(0, 4).padEnd(4, "0")}`).getTime();
    out.push({ t, node, vip: m[4]!, held: !m[3] });
  }
  return out;
}

/** The prober's JSON lines (anything else in its log is ignored). */
export function parseProbeLog(text: string): ProbeRecord[] {
  const out: ProbeRecord[] = [];
  for (const line of text.split("\n")) {
    if (!line.startsWith("{")) continue;
    try {
      out.push(JSON.parse(line) as ProbeRecord);
    } catch {
      // a line cut by a kill
    }
  }
  return out;
}

/** The flapper's transitions: `{"t":..., "up": false}`. */
export function parseFlapLog(text: string): { t: number; up: boolean }[] {
  return text
    .split("\n")
    .filter((l) => l.startsWith("{"))
    .map((l) => JSON.parse(l) as { t: number; up: boolean });
}

/** Down intervals from flap transitions (a link down at the end stays down until `end`). */
export function flapIntervals(flaps: readonly { t: number; up: boolean }[], end: number): Interval[] {
  const out: Interval[] = [];
  let down: number | undefined;
  for (const f of [...flaps].sort((a, b) => a.t - b.t)) {
    if (!f.up && down === undefined) down = f.t;
    else if (f.up && down !== undefined) {
      out.push({ start: down, end: f.t });
      down = undefined;
    }
  }
  if (down !== undefined) out.push({ start: down, end });
  return out;
}
