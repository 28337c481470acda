// The service level objectives of the plan: every service the spec gives a `target` gets one, with the
// availability the plan predicts beside it. What is probed, recorded and alerted on is read from here;
// the series names are src/model/slo.ts's.
import { planModel } from "../../analyze/plan.js";
import type { Model, Service } from "../../model/model.js";
import { serviceUrl } from "./ingress.js";

export interface ServiceSlo {
  service: string;
  /** The spec's target (0.999). */
  target: number;
  /** The plan's availability for the service, with the spec's and the default figures. */
  predicted: number;
  /** What the probes fetch: the URL users open. */
  url: string;
}

// The plan is pure and the same for one model; the generators ask for it more than once per build.
const predictions = new WeakMap<Model, Map<string, number>>();

function predictedAvailability(model: Model): Map<string, number> {
  let hit = predictions.get(model);
  if (!hit) {
    hit = new Map(planModel(model).availability.services.map((s) => [s.name, s.availability]));
    predictions.set(model, hit);
  }
  return hit;
}

const withTarget = (s: Service): s is Service & { target: number } => s.target !== undefined;

/** The SLOs, by service name; none without a monitored cluster to record them. */
export function serviceSlos(model: Model): ServiceSlo[] {
  const candidates = model.services.filter(withTarget);
  if (candidates.length === 0) return [];
  const predicted = predictedAvailability(model);
  return candidates
    .flatMap((s) => {
      const url = serviceUrl(model, s);
      const p = predicted.get(s.name);
      return url && p !== undefined ? [{ service: s.name, target: s.target, predicted: p, url }] : [];
    })
    .sort((a, b) => a.service.localeCompare(b.service));
}
