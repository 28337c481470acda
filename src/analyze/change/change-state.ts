// The state of the lab during and after one step, read from the plan's own analyses: quorum per
// layer from the failure domains of `planModel`, what a further host failure takes down from its
// summary, and what taking a machine out of service does from `whatIf`. No second predictor: a
// step's effect is the existing failure analysis applied to the intermediate model.
import type { Model } from "../../model/model.js";
import { planModel } from "../plan.js";
import type { LayerReport, PlanReport } from "../plan-report.js";
import { whatIf } from "../what-if.js";
import type { LayerState, ServiceDuringStep } from "./change-report.js";

const plans = new WeakMap<Model, PlanReport>();

/** The plan of an intermediate model, computed once per model object. */
export function planOf(model: Model): PlanReport {
  const hit = plans.get(model);
  if (hit) return hit;
  const report = planModel(model);
  plans.set(model, report);
  return report;
}

/** Layers whose loss stops the cluster deciding anything, as opposed to one replica set. */
export const isQuorumLayer = (layer: string): boolean =>
  layer === "corosync" || layer === "etcd" || layer.startsWith("database:");

/** Whether a member is out when these failure texts (host:NAME, guest:NAME) are out of service. */
function memberOut(m: LayerReport["members"][number], out: readonly string[]): boolean {
  return out.some((o) => o === `host:${m.host}` || o === `guest:${m.name}` || o === `host:${m.name}`);
}

export function layerStates(report: PlanReport, out: readonly string[]): LayerState[] {
  return report.failureDomains
    .filter((l) => l.layer !== "gear")
    .map((l) => {
      const total = l.members.reduce((s, m) => s + (m.votes ?? 1), 0);
      const up = l.members.filter((m) => !memberOut(m, out)).reduce((s, m) => s + (m.votes ?? 1), 0);
      return {
        layer: l.layer,
        title: l.title,
        up,
        total,
        needed: l.needed,
        quorate: up >= l.needed,
        quorum: isQuorumLayer(l.layer),
      };
    });
}

/**
 * What each service goes through while `out` is out of service for `durationMs`: the what-if of
 * those failures on the model, a failover capped by the step (the machine is back by then), a
 * service down until repaired counted as down for the whole step.
 */
export function servicesDuring(
  model: Model,
  out: readonly string[],
  durationMs: number,
): ServiceDuringStep[] {
  const all = planOf(model).availability.services;
  if (!out.length)
    return all.map((s) => ({ name: s.name, kind: s.kind, status: "up" as const, outageMs: 0 }));
  const result = whatIf(model, out);
  return result.services.map((s) => ({
    name: s.name,
    kind: s.kind,
    status: s.status,
    outageMs:
      s.status === "up"
        ? 0
        : s.status === "down"
          ? durationMs
          : Math.min(s.outageMs ?? durationMs, durationMs),
  }));
}
