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

/**
 * The terminal sessions `pid` runs under: `<session>:<tty>` of each ancestor (up to init) that has
 * a controlling terminal. Two commands typed in one shell share its session, also through sudo
 * (which opens a session of its own below it); a daemon, cron or CI job has none.
 */
export async function terminalSessions(pid = process.pid): Promise<string[]> {
  const out = new Set<string>();
  for (let p = pid, hops = 0; p > 1 && hops < 64; hops++) {
    let fields: string[];
    try {
      const text = await readFile(`/proc/${p}/stat`, "utf8");
      fields = text.slice(text.lastIndexOf(")") + 2).split(" ");
    } catch {
      break;
    }
    // After the command name: state, ppid, pgrp, session, tty_nr (proc(5)).
    const [ppid, session, tty] = [Number(fields[1]), fields[3], fields[4]];
    if (tty && tty !== "0") out.add(`${session}:${tty}`);
    p = ppid;
  }
  return [...out].sort();
}
