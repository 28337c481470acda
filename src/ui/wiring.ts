// The dashboard's real backends: the plan's analyzers and the lab. Kept apart from the server so the
// server stays testable with stand-ins.
import { planModel } from "../analyze/plan.js";
import { whatIf } from "../analyze/what-if.js";
import type { PlanBackend, UiBackends } from "./backends.js";
import { labBackend } from "./lab-backend.js";

export interface WiringOptions {
  spec: string;
  /** Follow this lab instead of the one running the spec. */
  labId?: string;
}

export const planBackend: PlanBackend = {
  plan: (model) => planModel(model),
  whatIf: (model, failures) => whatIf(model, failures),
};

export function uiBackends(opts: WiringOptions): UiBackends {
  return { plan: planBackend, lab: labBackend({ spec: opts.spec, labId: opts.labId }) };
}
