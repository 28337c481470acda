// `hlab plan CURRENT --to NEXT`: the change plan's output (text, --markdown, --json). Loading and
// flag checks stay in plan-command.ts; the planning itself is src/analyze/change.
import { planChange } from "../analyze/change/change-plan.js";
import type { ChangePlan } from "../analyze/change/change-report.js";
import { renderChangeMarkdown, renderChangeText } from "../analyze/change/change-render.js";
import type { Model } from "../model/model.js";
import type { Io } from "./output.js";

export function printChangePlan(
  io: Io,
  plan: ChangePlan,
  flags: { json?: boolean; markdown?: boolean },
): void {
  if (flags.json) io.out(JSON.stringify(plan, null, 2));
  else if (flags.markdown) io.out(renderChangeMarkdown(plan).trimEnd());
  else io.out(renderChangeText(plan));
}

export function changePlan(current: Model, next: Model, from: string, to: string): ChangePlan {
  return planChange(current, next, { from, to });
}
