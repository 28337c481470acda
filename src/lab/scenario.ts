// Scenario files: a YAML schedule of faults, checked like the spec (positioned diagnostics, did-you-
// mean hints) against the lab it will run in. A target may name a host or guest, or what holds
// something at the moment the step runs: `@holder:<VIP or purpose>`, `@etcd-leader`,
// `@primary:<database>` (so "take down whatever holds the VIP" is one line, run after run).
import { z } from "zod";
import {
  diagnosticAt,
  noSource,
  sortDiagnostics,
  type Diagnostic,
  type SourceLocator,
} from "../diagnostic/diagnostic.js";
import { issuesToDiagnostics } from "../spec/schema-issues.js";
import { parseYamlText, readBoundedText } from "../spec/load.js";
import { durationMs } from "../model/units.js";
import { didYouMean } from "../util/suggest.js";
import { checkTarget, FAULT_KINDS, type FaultKind } from "./chaos.js";
import type { LabPlan } from "./lab-plan.js";

const duration = z.union([
  z.number().nonnegative(),
  z.string().regex(/^\d+(\.\d+)?\s*(ms|s|m|min|h)$/, "a duration with a unit, like 500ms or 20s"),
]);

const step = z
  .strictObject({
    at: duration.describe("When the step starts, after the warm-up."),
    fault: z.enum(FAULT_KINDS),
    target: z
      .string()
      .optional()
      .describe("A host or guest, `@holder:<VIP>`, `@etcd-leader` or `@primary:<database>`."),
    groups: z.array(z.array(z.string()).min(1)).length(2).optional().describe("partition: the two sides."),
    process: z
      .string()
      .optional()
      .describe("kill/freeze: the process (etcd, keepalived, haproxy, patroni, postgres...)."),
    iface: z.string().optional().describe("nic-flap/link-down/loss: one NIC of the target."),
    for: duration.optional().describe("Undo the fault after this long; default: at the end of the run."),
    every: duration.optional().describe("nic-flap: how long the NIC stays down, then up."),
    percent: z.number().min(1).max(100).optional().describe("loss: the share of packets dropped."),
    repeat: z.number().int().min(1).max(1000).default(1).describe("Run this step this many times."),
    interval: duration.optional().describe("Between repeats, start to start."),
  })
  .describe("One fault.");

export const scenarioSchema = z.strictObject({
  name: z.string(),
  description: z.string().optional(),
  warmup: duration.default("5s").describe("Probing before the first step (the baseline)."),
  tail: duration.default("15s").describe("Probing after the last fault is undone."),
  steps: z.array(step).min(1),
});

export interface ScenarioEvent {
  /** ms after the warm-up. */
  at: number;
  step: number;
  fault: FaultKind;
  target?: string;
  groups?: [string[], string[]];
  process?: string;
  iface?: string;
  forMs?: number;
  everyMs?: number;
  percent?: number;
}

export interface Scenario {
  name: string;
  description?: string;
  warmupMs: number;
  tailMs: number;
  /** Steps with their repeats unrolled, in time order. */
  events: ScenarioEvent[];
}

export interface ScenarioLoad {
  diagnostics: Diagnostic[];
  scenario?: Scenario;
  source: SourceLocator;
}

const DYNAMIC = /^@(holder:.+|etcd-leader|primary:.+)$/;

export async function loadScenarioFile(path: string, plan: LabPlan): Promise<ScenarioLoad> {
  const read = await readBoundedText(path, "scenario", "check the path");
  if ("problem" in read) return { diagnostics: [read.problem], source: noSource(path) };
  return loadScenarioText(read.text, path, plan);
}

export function loadScenarioText(text: string, file: string, plan: LabPlan): ScenarioLoad {
  const { doc, source, syntax } = parseYamlText(text, file);
  if (syntax.some((d) => d.severity === "error")) return { diagnostics: sortDiagnostics(syntax), source };
  const value: unknown = doc.toJS();
  const parsed = scenarioSchema.safeParse(value);
  if (!parsed.success)
    return {
      diagnostics: sortDiagnostics(issuesToDiagnostics(parsed.error.issues, scenarioSchema, value, source)),
      source,
    };

  const diagnostics: Diagnostic[] = [];
  const problem = (path: (string | number)[], message: string, hint: string): void => {
    diagnostics.push(
      diagnosticAt("HL016", { file, ...source.locate(path), path: path.join(".") }, message, hint),
    );
  };
  const s = parsed.data;
  const events: ScenarioEvent[] = [];
  s.steps.forEach((st, i) => {
    const at = ["steps", i];
    if (st.fault === "partition") {
      if (!st.groups)
        problem(
          [...at, "fault"],
          "a partition needs `groups: [[...], [...]]`",
          "e.g. groups: [[pve-01], [pve-02, pve-03]]",
        );
      st.groups?.forEach((g, gi) =>
        g.forEach((name, ni) => {
          const p = DYNAMIC.test(name) ? checkDynamic(plan, name) : checkTarget(plan, st.fault, name);
          if (p) problem([...at, "groups", gi, ni], p[0], p[1]);
        }),
      );
    } else if (!st.target)
      problem(
        [...at, "fault"],
        `${st.fault} needs a \`target\``,
        "a host or guest, or @holder:<VIP>, @etcd-leader, @primary:<database>",
      );
    else {
      const p = DYNAMIC.test(st.target)
        ? checkDynamic(plan, st.target)
        : checkTarget(plan, st.fault, st.target, st.process);
      if (p) problem([...at, p[2] ?? "target"], p[0], p[1]);
    }
    if (st.fault === "kill" && !st.process)
      problem([...at, "fault"], "kill needs a `process`", "e.g. process: keepalived");
    if (st.fault === "loss" && st.percent === undefined)
      problem([...at, "fault"], "loss needs a `percent`", "e.g. percent: 30");
    const forMs = st.for !== undefined ? durationMs(st.for) : undefined;
    const intervalMs = st.interval !== undefined ? durationMs(st.interval) : undefined;
    if (st.repeat > 1 && intervalMs === undefined)
      problem(
        [...at, "repeat"],
        "a repeated step needs an `interval`",
        "e.g. interval: 60s (start to start)",
      );
    if (st.repeat > 1 && intervalMs !== undefined && forMs !== undefined && intervalMs <= forMs) {
      problem(
        [...at, "interval"],
        "the interval is shorter than the fault lasts: repeats would overlap",
        `give an interval longer than ${st.for}`,
      );
    }
    for (let r = 0; r < st.repeat; r++) {
      events.push({
        at: durationMs(st.at) + r * (intervalMs ?? 0),
        step: i,
        fault: st.fault,
        target: st.target,
        groups: st.groups as [string[], string[]] | undefined,
        process: st.process,
        iface: st.iface,
        forMs,
        everyMs: st.every !== undefined ? durationMs(st.every) : undefined,
        percent: st.percent,
      });
    }
  });
  if (diagnostics.length) return { diagnostics: sortDiagnostics(diagnostics), source };
  events.sort((a, b) => a.at - b.at || a.step - b.step);
  return {
    diagnostics: [],
    source,
    scenario: {
      name: s.name,
      description: s.description,
      warmupMs: durationMs(s.warmup),
      tailMs: durationMs(s.tail),
      events,
    },
  };
}

function checkDynamic(plan: LabPlan, target: string): [string, string] | undefined {
  if (target === "@etcd-leader")
    return plan.etcd ? undefined : ["this lab runs no etcd", "remove the step, or target a host"];
  const [kind, what] = [target.slice(1, target.indexOf(":")), target.slice(target.indexOf(":") + 1)];
  if (kind === "primary") {
    const dbs = plan.databases.map((d) => d.name);
    return dbs.includes(what)
      ? undefined
      : [`no database \`${what}\` in this lab`, didYouMean(what, dbs, "databases:")];
  }
  const vips = plan.vips.flatMap((v) => [v.address, ...v.purposes]);
  return plan.vips.some((v) => v.address === what || v.purposes.includes(what))
    ? undefined
    : [`no VIP \`${what}\` in this lab`, didYouMean(what, vips, "VIPs:")];
}

/**
 * What `lab measure` runs: in turn, the host holding each VIP goes down; the etcd leader is killed;
 * each database's primary host goes down. Each fault lasts long enough for the failover the plan
 * expects, and the lab settles before the next.
 */
export function defaultMeasureScenario(plan: LabPlan, opts: { patroniTtlS?: number } = {}): Scenario {
  const events: ScenarioEvent[] = [];
  let at = 0;
  const settle = 20_000;
  const add = (e: Omit<ScenarioEvent, "at" | "step">, forMs: number): void => {
    events.push({ ...e, at, step: events.length, forMs });
    at += forMs + settle;
  };
  for (const v of plan.vips) {
    if (v.movedBy === "keepalived") add({ fault: "host-down", target: `@holder:${v.address}` }, 10_000);
    if (v.movedBy === "kubevip-standin" && plan.kubeVip)
      add(
        { fault: "host-down", target: `@holder:${v.address}` },
        plan.kubeVip.leaseMs + 3 * plan.kubeVip.retryMs + 5000,
      );
  }
  if (plan.etcd && plan.etcd.members.length > 1)
    add({ fault: "kill", target: "@etcd-leader", process: "etcd" }, 15_000);
  const ttl = (opts.patroniTtlS ?? 30) * 1000;
  for (const db of plan.databases)
    if (db.members.length > 1) add({ fault: "host-down", target: `@primary:${db.name}` }, 2 * ttl + 10_000);
  return {
    name: "measure",
    description: "each VIP holder's host down, the etcd leader killed, each database primary's host down",
    warmupMs: 5000,
    tailMs: 15_000,
    events,
  };
}
