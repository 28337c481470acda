// Runs the fidelity comparison on a lab that is up: each fault in turn for the same window, the
// lab settled (ready again) before the next, and every probe's measured state set beside the
// plan's (see fidelity.ts).
import type { Model } from "../model/model.js";
import {
  compareStates,
  leadersOf,
  measuredState,
  planFailures,
  plannedStates,
  type FidelityFault,
  type FidelityRow,
} from "./fidelity.js";
import { waitReady } from "./lifecycle.js";
import { runScenario, type LabReport } from "./runner.js";
import type { Scenario } from "./scenario.js";
import { readState, type LabState } from "./state.js";

export interface FidelityResult {
  fault: FidelityFault;
  label: string;
  /** undefined: the plan has no words for this fault, nothing compared. */
  rows?: FidelityRow[];
  windowMs: number;
  /** Why the run could not be compared (the lab did not settle, the fault was refused...). */
  problem?: string;
}

export interface FidelityOptions {
  windowMs: number;
  settleTimeoutMs?: number;
  progress?: (line: string) => void;
}

export const faultLabel = (f: FidelityFault): string =>
  `${f.kind} ${f.targets.join(" + ")}${f.iface ? `:${f.iface}` : ""}`;

function scenarioOf(f: FidelityFault, windowMs: number): Scenario {
  return {
    name: `fidelity ${faultLabel(f)}`,
    warmupMs: 3000,
    tailMs: 5000,
    events: f.targets.map((target, step) => ({
      at: 0,
      step,
      fault: f.kind,
      target,
      ...(f.iface ? { iface: f.iface } : {}),
      forMs: windowMs,
    })),
  };
}

interface Measured {
  /** The longest outage while the fault was on, over every step of the scenario. */
  ms: number | null;
  /** Still failing when a step of the fault was undone. */
  outAtRestore: boolean;
}

function measuredByTarget(report: LabReport): Map<string, Measured> {
  const out = new Map<string, Measured>(report.targets.map((t) => [t.id, { ms: null, outAtRestore: false }]));
  for (const f of report.faults)
    for (const r of f.rows) {
      const m = out.get(r.target)!;
      if (r.measuredMs !== null) m.ms = Math.max(m.ms ?? 0, r.measuredMs);
      m.outAtRestore ||= r.outAtRestore;
    }
  return out;
}

export async function runFidelity(
  state: LabState,
  model: Model,
  faults: readonly FidelityFault[],
  opts: FidelityOptions,
): Promise<FidelityResult[]> {
  const say = opts.progress ?? ((): void => undefined);
  const out: FidelityResult[] = [];
  for (const fault of faults) {
    const label = faultLabel(fault);
    const failures = planFailures(model, fault);
    if (!failures) {
      out.push({ fault, label, windowMs: opts.windowMs });
      continue;
    }
    const current = (await readState(state.id)) ?? state;
    const settled = await waitReady(current, opts.settleTimeoutMs ?? 120_000);
    if (!settled.ready) {
      out.push({
        fault,
        label,
        windowMs: opts.windowMs,
        problem: `lab not settled: ${settled.waitingFor.join(", ")}`,
      });
      continue;
    }
    say(`${label} for ${opts.windowMs / 1000} s`);
    const report = await runScenario(current, model, scenarioOf(fault, opts.windowMs), { progress: say });
    const measured = measuredByTarget(report);
    // The plan starts from the leaders the lab had when the fault struck, not the first candidates.
    const before = report.faults[0]?.before;
    const leaders = before ? leadersOf(before) : {};
    const planned = plannedStates(model, failures, [...measured.keys()], opts.windowMs, leaders);
    const standin = (id: string): string | undefined =>
      id.startsWith("sql:") &&
      model.databases.find((d) => `sql:${d.name}` === id)?.engine === "cloudnative-pg"
        ? "Patroni stands in for CloudNativePG: state compared, time not"
        : undefined;
    const rows = [...measured.entries()].flatMap(([id, m]) => {
      const p = planned.get(id);
      if (!p) return [];
      return [compareStates(id, p, measuredState(m.ms, opts.windowMs, m.outAtRestore), standin(id))];
    });
    out.push({ fault, label, rows, windowMs: opts.windowMs });
  }
  return out;
}

/** Every single fault the plan can name (each host, each guest, each host NIC) and each pair of hosts. */
export function fidelityFaults(
  model: Model,
  opts: { pairs: boolean; nics: boolean; guests: boolean },
): FidelityFault[] {
  const out: FidelityFault[] = model.hosts.map((h) => ({ kind: "host-down", targets: [h.name] }));
  if (opts.guests)
    for (const g of model.guests.filter((x) => x.kind !== "metal"))
      out.push({ kind: "guest-down", targets: [g.name] });
  if (opts.nics)
    for (const h of model.hosts)
      for (const n of h.nics) out.push({ kind: "link-down", targets: [h.name], iface: n.name });
  if (opts.pairs)
    for (let i = 0; i < model.hosts.length; i++)
      for (let j = i + 1; j < model.hosts.length; j++)
        out.push({ kind: "host-down", targets: [model.hosts[i]!.name, model.hosts[j]!.name] });
  return out;
}
