// The lab's memory of everything it created: namespaces, root-namespace links, processes (by pid and
// start time), active faults. Written atomically after every step and BEFORE each creation, so a
// crash at any point leaves a file that `hlab lab down` can undo completely, and nothing else.
// It lives under /run: like network namespaces, it does not survive a reboot.
import { UserError } from "../diagnostic/user-error.js";
import { mkdir, open, readdir, readFile, rename, rm, stat } from "node:fs/promises";
import { join } from "node:path";
import { writeOwnedFile } from "../emit/write.js";
import { isAlive } from "../process/run.js";
import type { LabPlan } from "./lab-plan.js";
import { isLabId, type LabId } from "./names.js";

export interface LaunchSpec {
  /** `<node>/<kind>[/<instance>]`: one per daemon, used to restart it after a fault. */
  key: string;
  node: string;
  namespace: string;
  kind: string;
  label: string;
  standin: boolean;
  cmd: string;
  args: string[];
  /** Private mount namespace: each source directory/file is bind-mounted over its target. */
  binds: { source: string; target: string }[];
  /** Run as this user (PostgreSQL refuses root). */
  user?: string;
  log: string;
}

export interface ProcessRecord {
  pid: number;
  /** Start time from /proc/<pid>/stat: a recycled pid never matches it, so it is never signalled. */
  start: string;
  key: string;
  label: string;
}

export interface ActiveFault {
  id: string;
  kind: string;
  target: string;
  /** The process or NIC the fault names (`kill k3s-1:etcd`, `nic-flap p1:eth0`), if any. */
  detail?: string;
  /** What to undo, in order. */
  undo: UndoStep[];
  since: number;
  /** A background process driving the fault (NIC flapping), stopped on restore. */
  driverPid?: number;
  driverStart?: string;
  /** When a `--for` fault is undone (epoch ms), and the detached timer that will undo it (fault-timer.ts). */
  until?: number;
  timerPid?: number;
  timerStart?: string;
}

export type UndoStep =
  | { op: "link-up"; namespace?: string; link: string }
  | { op: "resume"; pids: { pid: number; start: string }[] }
  | { op: "nft-delete"; namespace: string; family: string; table: string }
  | { op: "restart"; keys: string[] }
  | { op: "power-on"; nodes: string[] };

export interface LabState {
  version: 1;
  id: LabId;
  spec: string;
  createdAt: string;
  /** The terminal sessions `lab up` ran under (procfs.ts): `down --all` asks before removing others' labs. */
  startedFrom?: string[];
  runDir: string;
  /** True when the lab created the run directory (and so may delete it). */
  ownsRunDir: boolean;
  keepLogs: boolean;
  phase: "creating" | "up" | "stopping";
  namespaces: string[];
  rootLinks: string[];
  processes: ProcessRecord[];
  launches: LaunchSpec[];
  faults: ActiveFault[];
  faultCounter?: number;
  /** Nodes currently powered off by a host-down fault. */
  poweredOff: string[];
  /** Everything the lab changed to run a generated config in a namespace. */
  adjustments: string[];
  /** What the spec has that this lab does not run ("QDevice not rehearsed: ..."). */
  notRehearsed?: string[];
  /** Patroni's timings in seconds, as the lab started it (scenarios size database faults by them). */
  patroni?: { ttl: number; loopWait: number; retryTimeout: number };
  plan: LabPlan;
}

export const stateDir = (): string => process.env.HLAB_LAB_STATE_DIR ?? "/run/hlab/labs";
export const statePath = (id: LabId): string => join(stateDir(), `${id}.json`);

export async function readState(id: LabId): Promise<LabState | undefined> {
  try {
    return JSON.parse(await readFile(statePath(id), "utf8")) as LabState;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw err;
  }
}

/** Write to a temporary file, then rename: a reader sees the old state or the new one, never half. */
export async function writeState(state: LabState): Promise<void> {
  const path = statePath(state.id);
  const tmp = `${path}.${process.pid}.tmp`;
  await writeOwnedFile(tmp, JSON.stringify(state, null, 1) + "\n", 0o600);
  await rename(tmp, path);
}

export async function removeState(id: LabId): Promise<void> {
  await rm(statePath(id), { force: true });
  await rm(`${statePath(id)}.lock`, { force: true });
}

export async function listLabs(): Promise<LabId[]> {
  try {
    const names = await readdir(stateDir());
    return names
      .filter((n) => n.endsWith(".json"))
      .map((n) => n.slice(0, -5))
      .filter(isLabId)
      .sort();
  } catch {
    return [];
  }
}

/**
 * Serialises read-modify-write of one lab's state across processes (`lab run` and `lab chaos` may
 * run at once). The lock file holds the owner's pid; a lock whose owner died is taken over.
 */
export async function updateState(
  id: LabId,
  change: (s: LabState) => void | Promise<void>,
): Promise<LabState> {
  const lock = `${statePath(id)}.lock`;
  await mkdir(stateDir(), { recursive: true });
  const deadline = Date.now() + 10_000;
  for (;;) {
    try {
      const h = await open(lock, "wx");
      await h.writeFile(String(process.pid));
      await h.close();
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
      const owner = Number(await readFile(lock, "utf8").catch(() => "0"));
      const age = await stat(lock).then(
        (s) => Date.now() - s.mtimeMs,
        () => 0,
      );
      if (!owner ? age > 2000 : !isAlive(owner)) await rm(lock, { force: true });
      else if (Date.now() > deadline)
        throw new UserError(
          `lab ${id} is locked by process ${owner}`,
          "another hlab command is working on this lab: wait for it, or stop that process",
          "lab-locked",
        );
      else await new Promise((r) => setTimeout(r, 20));
    }
  }
  try {
    const state = await readState(id);
    if (!state)
      throw new UserError(`no lab ${id}`, "`hlab lab status` lists the labs that are up", "lab-missing");
    await change(state);
    await writeState(state);
    return state;
  } finally {
    await rm(lock, { force: true });
  }
}
