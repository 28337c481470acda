// What the dashboard asks of the plan and of the lab. The server takes these as arguments instead of
// importing the analyzers and the lab itself, so it can be tested with stand-ins and a failure in
// either one leaves the topology view working.
import type { PlanReport, WhatIfResult } from "../analyze/plan-report.js";
import type { Model } from "../model/model.js";
import type { ActionResponse, LabResponse } from "./api-types.js";

export interface PlanBackend {
  plan(model: Model): PlanReport | Promise<PlanReport>;
  whatIf(model: Model, failures: string[]): WhatIfResult | Promise<WhatIfResult>;
}

export interface LabBackend {
  /** The lab's state for the current model; `running: false` when no lab of it is up. */
  status(model: Model): Promise<LabResponse>;
  fault(model: Model, fault: string): Promise<ActionResponse>;
  /** Undoes one fault (a button id), or all of them. */
  restore(model: Model, fault?: string): Promise<ActionResponse>;
}

export interface UiBackends {
  plan?: PlanBackend;
  lab?: LabBackend;
}
