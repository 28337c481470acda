// What both restore drills share: the numbered writes (the lab's prober in the client namespace,
// recorded in the state file like every process the lab starts, so `lab down` stops it whatever
// happens here), one-shot tools run as a node would run them, and SQL through the service address.
import { mkdir, readFile } from "node:fs/promises";
import { UserError } from "../../diagnostic/user-error.js";
import { run, type RunResult } from "../../process/run.js";
import type { LabPlan } from "../lab-plan.js";
import { stop, toolCommand } from "../launcher.js";
import { launchProber } from "../prober-launch.js";
import { parseProbeLog } from "../measure.js";
import { PG_PORT, type ProbeTarget } from "../probe-target.js";
import { clientRequest } from "../status.js";
import { updateState, type LabState, type LaunchSpec, type ProcessRecord } from "../state.js";
import type { ProbeRecord } from "../probe-target.js";

/** A drill that cannot go on (a missing tool, a lab not ready, a step that failed): said with a hint. */
export class DrillError extends UserError {
  constructor(message: string, hint: string) {
    super(message, hint, "usage");
  }
}

export interface Writer {
  targets: ProbeTarget[];
  /** Every probe so far, per target index. */
  records(): Promise<ProbeRecord[][]>;
  stop(): Promise<void>;
}

/** Starts the prober on `targets` from the client namespace; its records go to `dir`. */
export async function startWriter(state: LabState, dir: string, targets: ProbeTarget[]): Promise<Writer> {
  await mkdir(dir, { recursive: true });
  const { record: rec, out } = await launchProber(state.plan, dir, targets, {
    key: "_lab/drill-prober",
    label: "prober (restore drill)",
  });
  await updateState(state.id, (s) => {
    s.processes.push(rec);
  });
  const records = async (): Promise<ProbeRecord[][]> => {
    const all = parseProbeLog(await readFile(out, "utf8").catch(() => ""));
    return targets.map((_, i) => all.filter((r) => r.i === i));
  };
  return {
    targets,
    records,
    stop: async () => {
      await stop(rec, 1000);
      await updateState(state.id, (s) => {
        s.processes = s.processes.filter((p) => p.pid !== rec.pid);
      });
    },
  };
}

/** A one-shot command inside a node, with the mounts and user a daemon of that node would have. */
export function nodeTool(
  namespace: string,
  binds: LaunchSpec["binds"],
  user: string | undefined,
  cmd: string,
  args: string[],
  timeoutMs = 120_000,
): Promise<RunResult> {
  const c = toolCommand(namespace, binds, cmd, args, user);
  return run(c.cmd, c.args, { timeoutMs });
}

export function mustSucceed(r: RunResult, what: string, hint: string): RunResult {
  if (r.code !== 0)
    throw new DrillError(
      `${what} failed (exit ${r.code}): ${(r.stderr || r.stdout).trim().slice(-600)}`,
      hint,
    );
  return r;
}

/** One SQL statement through the database's service address, from the client namespace. */
export async function sqlThroughService(
  plan: LabPlan,
  address: string,
  password: string,
  sql: string,
  timeoutMs = 5000,
): Promise<{ rows?: (string | null)[][]; error?: string }> {
  const r = await clientRequest<{ rows: (string | null)[][] }>(
    plan,
    ["sql"],
    JSON.stringify({
      conn: { host: address, port: PG_PORT, user: "postgres", password, database: "postgres", timeoutMs },
      sql,
    }),
    timeoutMs + 3000,
  );
  return "error" in r ? { error: r.error } : { rows: r.rows };
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Records a process the drill started, so `lab down` stops it. */
export async function recordProcess(state: LabState, spec: LaunchSpec, rec: ProcessRecord): Promise<void> {
  await updateState(state.id, (s) => {
    s.launches = [...s.launches.filter((l) => l.key !== spec.key), spec];
    s.processes = [...s.processes.filter((p) => p.key !== spec.key), rec];
  });
}
