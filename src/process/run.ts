// The only module that starts processes or signals them. Tool checks (haproxy -c, keepalived -t...)
// and the lab's daemons both go through here, so every child is awaited or its pid is handed back to
// be tracked, and every signal sent is one of these few calls (ESLint forbids `.kill` elsewhere).
import { spawn } from "node:child_process";
import { openSync, closeSync } from "node:fs";

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
  /** True when the command was killed for running past its timeout. */
  timedOut: boolean;
  /** True when the command was killed for writing more than `maxOutputBytes`. */
  overflowed: boolean;
}

export interface RunOptions {
  input?: string;
  timeoutMs?: number;
  /** Kill the command once stdout and stderr together pass this many bytes (default: unbounded). */
  maxOutputBytes?: number;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
}

/** Runs a command to completion and captures its output; never throws for a non-zero exit. */
export function run(cmd: string, args: readonly string[], opts: RunOptions = {}): Promise<RunResult> {
  return new Promise((resolvePromise) => {
    const child = spawn(cmd, args, {
      cwd: opts.cwd,
      env: opts.env ?? process.env,
      stdio: ["pipe", "pipe", "pipe"],
    });
    // Buffers, decoded once at the end: a character split across two chunks stays whole.
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    const text = (bs: Buffer[]): string => Buffer.concat(bs).toString();
    let timedOut = false;
    let overflowed = false;
    let bytes = 0;
    let done = false;
    const finish = (code: number, extra = ""): void => {
      if (done) return;
      done = true;
      if (timer) clearTimeout(timer);
      resolvePromise({ code, stdout: text(out), stderr: text(err) + extra, timedOut, overflowed });
    };
    const timer =
      opts.timeoutMs !== undefined
        ? setTimeout(() => {
            timedOut = true;
            child.kill("SIGKILL");
          }, opts.timeoutMs)
        : undefined;
    // Stops reading once over the limit: what was read is kept, the rest is never buffered.
    const take = (into: Buffer[], b: Buffer): void => {
      if (overflowed) return;
      bytes += b.length;
      if (opts.maxOutputBytes !== undefined && bytes > opts.maxOutputBytes) {
        overflowed = true;
        child.kill("SIGKILL");
        return;
      }
      into.push(b);
    };
    child.stdout.on("data", (b: Buffer) => take(out, b));
    child.stderr.on("data", (b: Buffer) => take(err, b));
    child.on("error", (e) => finish(127, String(e.message)));
    child.on("close", (code, signal) => finish(code ?? (signal ? 128 : 1)));
    // A process it left behind may hold the pipes open: once the command itself has exited, its
    // output is whatever arrived within a second.
    child.on("exit", (code, signal) => {
      setTimeout(() => {
        child.stdout.destroy();
        child.stderr.destroy();
        finish(code ?? (signal ? 128 : 1));
      }, 1000).unref();
    });
    child.stdin.on("error", () => undefined);
    child.stdin.end(opts.input ?? "");
  });
}

export interface DaemonOptions {
  /** Output goes to this file (appended), so a crashed daemon leaves its last words behind. */
  logFile: string;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
}

/**
 * Starts a long-running process in its own process group and returns its pid without waiting.
 * The caller records the pid and later stops it with `stopProcessGroup`.
 */
export function startDaemon(cmd: string, args: readonly string[], opts: DaemonOptions): number {
  const fd = openSync(opts.logFile, "a");
  try {
    const child = spawn(cmd, args, {
      cwd: opts.cwd,
      env: opts.env ?? process.env,
      stdio: ["ignore", fd, fd],
      detached: true,
    });
    child.on("error", () => undefined);
    child.unref();
    if (child.pid === undefined) throw new Error(`could not start ${cmd}`);
    return child.pid;
  } finally {
    closeSync(fd);
  }
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Signals one process; false when it is gone (or not ours to signal). */
export function signalProcess(pid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(pid, signal);
    return true;
  } catch {
    return false;
  }
}

/** Signals the process group led by `pid` (falls back to the pid alone). */
export function signalGroup(pid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(-pid, signal);
    return true;
  } catch {
    try {
      process.kill(pid, signal);
      return true;
    } catch {
      return false;
    }
  }
}

/** SIGTERM, then SIGKILL after `graceMs` if the group is still there. Resumes a frozen group first. */
export async function stopProcessGroup(pid: number, graceMs = 2000): Promise<void> {
  if (!isAlive(pid)) return;
  signalGroup(pid, "SIGCONT");
  signalGroup(pid, "SIGTERM");
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline) {
    if (!isAlive(pid)) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  signalGroup(pid, "SIGKILL");
}

/** Whether an executable is on PATH (or at an absolute path). */
export async function hasCommand(cmd: string): Promise<boolean> {
  const r = await run("sh", ["-c", `command -v "$1"`, "sh", cmd]);
  return r.code === 0;
}
