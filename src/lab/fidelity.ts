// The plan held to the lab. For one fault, the plan's what-if says, per probed service, whether it
// stays up, fails over in t, or is down; the lab's probes say what happened. Both are put into the
// same three states over the same window (a failover longer than the fault is "down" for as long
// as the fault lasts: the lab cannot wait six minutes for a pod to be rescheduled, and neither can
// a user), and compared: the set of services down must be the same, and a failover within 20 % of
// the plan (or one probe interval for sub-second ones).
import { buildDependencyGraph, type CurrentLeaders } from "../analyze/dependency-graph.js";
import { failureOutcome } from "../analyze/failure-outcome.js";
import { resolveFailures, whatIfGraph } from "../analyze/what-if.js";
import type { Model } from "../model/model.js";
import type { FaultKind } from "./chaos.js";
import { PROBE_INTERVAL_MS } from "./probe-target.js";

export type ProbeState = { state: "up" } | { state: "fails-over"; ms: number } | { state: "down" };

export interface FidelityFault {
  kind: FaultKind;
  /** Hosts or guests (two for a pair of hosts). */
  targets: string[];
  /** link-down: the NIC, as the spec names it. */
  iface?: string;
}

export interface FidelityRow {
  target: string;
  planned: ProbeState;
  measured: ProbeState;
  /** Same state (and, for a failover, a close enough time). */
  stateMatch: boolean;
  timeMatch: boolean;
  note?: string;
}

export const TIME_TOLERANCE = 0.2;

/** The plan's words for a lab fault (`host:X`, `guest:X`, `nic:X/eth0`); undefined when the plan has none. */
export function planFailures(model: Model, f: FidelityFault): string[] | undefined {
  const isHost = (n: string): boolean => model.hosts.some((h) => h.name === n);
  switch (f.kind) {
    case "host-down":
    case "guest-down":
      return f.targets.map((t) => (isHost(t) ? `host:${t}` : `guest:${t}`));
    case "link-down":
      return f.iface && f.targets.length === 1 && isHost(f.targets[0]!)
        ? [`nic:${f.targets[0]}/${f.iface}`]
        : undefined;
    default:
      return undefined;
  }
}

/** What the plan predicts for each probe (http:<service>, api:write|read, sql:<database>) over a window. */
export function plannedStates(
  model: Model,
  failures: readonly string[],
  probes: readonly string[],
  windowMs: number,
  current: CurrentLeaders = {},
): Map<string, ProbeState> {
  const graph = buildDependencyGraph(model, undefined, current);
  const failed = resolveFailures(model, failures);
  const w = whatIfGraph(model, graph, failed);
  const byService = new Map(w.services.map((s) => [s.name, s]));
  const out = new Map<string, ProbeState>();
  for (const id of probes) {
    const [kind, name] = id.split(":") as [string, string];
    const o =
      kind === "sql"
        ? graph.databases.has(name)
          ? failureOutcome(graph.databases.get(name)!, failed)
          : undefined
        : byService.get(kind === "api" ? "kubernetes-api" : name);
    if (!o) continue;
    out.set(id, inWindow(o.status, o.outageMs, windowMs));
  }
  return out;
}

function inWindow(status: "up" | "fails-over" | "down", ms: number | null, windowMs: number): ProbeState {
  if (status === "up" || ms === 0) return { state: "up" };
  if (status === "down" || ms === null || ms >= windowMs) return { state: "down" };
  return { state: "fails-over", ms };
}

/**
 * What the probes saw during a fault of `durationMs`: nothing longer than two probe intervals is
 * "up" (a lost probe or two is noise); an outage still on when the fault was undone is "down",
 * however late it began (kube-vip keeps its VIP for the renew deadline after etcd loses quorum,
 * then drops it: down, not a failover).
 */
export function measuredState(
  measuredMs: number | null,
  durationMs: number,
  outAtRestore = false,
): ProbeState {
  if (outAtRestore) return { state: "down" };
  if (measuredMs === null || measuredMs <= 2 * PROBE_INTERVAL_MS) return { state: "up" };
  if (measuredMs >= durationMs - 2 * PROBE_INTERVAL_MS) return { state: "down" };
  return { state: "fails-over", ms: measuredMs };
}

/** The lab's leaders before a fault, in the plan's terms (the one holder of each VIP). */
export function leadersOf(snapshot: {
  holders: Record<string, string[]>;
  etcdLeader?: string;
  primaries: Record<string, string | undefined>;
}): CurrentLeaders {
  const vips: Record<string, string | undefined> = {};
  for (const [vip, nodes] of Object.entries(snapshot.holders)) if (nodes.length === 1) vips[vip] = nodes[0];
  return { vips, etcd: snapshot.etcdLeader, databases: { ...snapshot.primaries } };
}

/** `standin`: the lab runs a stand-in on this path, so its time is not the design's: state only. */
export function compareStates(
  target: string,
  planned: ProbeState,
  measured: ProbeState,
  standin?: string,
): FidelityRow {
  const stateMatch = planned.state === measured.state;
  const timeMatch =
    stateMatch &&
    (planned.state !== "fails-over" ||
      standin !== undefined ||
      Math.abs(planned.ms - (measured as { ms: number }).ms) <=
        Math.max(TIME_TOLERANCE * planned.ms, PROBE_INTERVAL_MS));
  return { target, planned, measured, stateMatch, timeMatch, ...(standin ? { note: standin } : {}) };
}

export const stateText = (s: ProbeState): string =>
  s.state === "fails-over"
    ? `fails over ${s.ms < 1000 ? `${Math.round(s.ms)} ms` : `${(s.ms / 1000).toFixed(1)} s`}`
    : s.state;

/** Down in the plan but not in the lab, or the reverse: what the acceptance counts as a mismatch. */
export const downMismatch = (r: FidelityRow): boolean =>
  (r.planned.state === "down") !== (r.measured.state === "down");
