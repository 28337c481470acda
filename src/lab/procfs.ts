// What /proc says about a process: its start time (so a recycled pid is never mistaken for ours)
// and its command name (to find postgres, which Patroni starts in a session of its own).
import { readFile } from "node:fs/promises";

/** Field 22 of /proc/<pid>/stat (clock ticks since boot); undefined when the process is gone. */
export async function processStart(pid: number): Promise<string | undefined> {
  try {
    const text = await readFile(`/proc/${pid}/stat`, "utf8");
    // The command name may contain spaces and parentheses: count fields after the last ')'.
    const rest = text.slice(text.lastIndexOf(")") + 2).split(" ");
    return rest[19];
  } catch {
    return undefined;
  }
}

export async function processName(pid: number): Promise<string | undefined> {
  try {
    return (await readFile(`/proc/${pid}/comm`, "utf8")).trim();
  } catch {
    return undefined;
  }
}

/** True when `pid` is still the (running, not zombie) process that was started at `start`. */
export async function sameProcess(pid: number, start: string): Promise<boolean> {
  try {
    const text = await readFile(`/proc/${pid}/stat`, "utf8");
    const rest = text.slice(text.lastIndexOf(")") + 2).split(" ");
    // A zombie waits for a reaper that may be slow (PID 1 of a container): it is already dead.
    return rest[0] !== "Z" && rest[19] === start;
  } catch {
    return false;
  }
}

/** Whether `pid` is a live process (a zombie is not). */
export async function runningPid(pid: number): Promise<boolean> {
  try {
    const text = await readFile(`/proc/${pid}/stat`, "utf8");
    return text.slice(text.lastIndexOf(")") + 2)[0] !== "Z";
  } catch {
    return false;
  }
}
