// `hlab plan CURRENT --to NEXT`: the change plan's output (text, --markdown, --json). Loading and
// flag checks stay in plan-command.ts; the planning itself is src/analyze/change.
import { planChange } from "../analyze/change/change-plan.js";
import type { ChangePlan } from "../analyze/change/change-report.js";
import { renderChangeMarkdown, renderChangeText } from "../analyze/change/change-render.js";
import { writeUserFile } from "../emit/write.js";
import type { Model } from "../model/model.js";
import { rollingMaintenance, upgradeK3s, upgradeProblem } from "../analyze/change/maintenance.js";
import { UsageError, type Io } from "./output.js";

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

export function maintenancePlan(
  model: Model,
  file: string,
  flags: { rollingMaintenance?: boolean; upgradeK3s?: string },
): ChangePlan {
  if (flags.rollingMaintenance) return rollingMaintenance(model, file);
  const problem = upgradeProblem(model, flags.upgradeK3s!);
  if (problem) throw new UsageError(`--upgrade-k3s: ${problem}`, "e.g. --upgrade-k3s v1.37.1+k3s1");
  return upgradeK3s(model, flags.upgradeK3s!, file);
}

const RUNBOOK_START = "# Runbook: ";

/**
 * The runbook beside the plan, through src/emit: never through a link, never over a file hlab did
 * not write (an earlier runbook is recognised by its first line) unless --force, never over a spec.
 */
export async function writeRunbook(
  io: Io,
  plan: ChangePlan,
  file: string,
  force: boolean,
  specs: readonly string[],
): Promise<void> {
  const result = await writeUserFile(file, renderChangeMarkdown(plan, { commands: true }), {
    force,
    isOurs: (existing) => existing.subarray(0, RUNBOOK_START.length).toString("utf8") === RUNBOOK_START,
    protect: specs,
    what: "--runbook",
  });
  io.err(`${result === "unchanged" ? "unchanged" : "wrote"} ${file}`);
}
