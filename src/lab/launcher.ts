// Starting and stopping the lab's processes. Each daemon runs as
//   ip netns exec NS [unshare --mount --propagation private -- sh -c MOUNTS] [runuser -u USER --] CMD...
// in a process group of its own (startDaemon), so one pid identifies everything it spawned; that
// pid and its start time go into the state file before anything else happens.
import { run, signalGroup, startDaemon } from "../process/run.js";
import { processStart, sameProcess } from "./procfs.js";
import type { LaunchSpec, ProcessRecord } from "./state.js";

/** Bind-mounts its (source, target) argument pairs up to `--`, then execs the rest. */
const MOUNT_SCRIPT =
  'while [ "$1" != "--" ]; do mount --bind "$1" "$2" || exit 111; shift 2; done; shift; exec "$@"';

/** The full command line of a launch: pure, tested without root. */
export function launchCommand(spec: LaunchSpec): { cmd: string; args: string[] } {
  const inner = spec.user
    ? ["runuser", "-u", spec.user, "--", spec.cmd, ...spec.args]
    : [spec.cmd, ...spec.args];
  const mounts = spec.binds.length
    ? [
        "unshare",
        "--mount",
        "--propagation",
        "private",
        "--",
        "sh",
        "-c",
        MOUNT_SCRIPT,
        "hlab-mounts",
        ...spec.binds.flatMap((b) => [b.source, b.target]),
        "--",
      ]
    : [];
  return { cmd: "ip", args: ["netns", "exec", spec.namespace, ...mounts, ...inner] };
}

/** The same wrapping for a one-shot tool that must see a daemon's private mounts (corosync-quorumtool). */
export function toolCommand(
  namespace: string,
  binds: LaunchSpec["binds"],
  cmd: string,
  args: string[],
  user?: string,
): { cmd: string; args: string[] } {
  return launchCommand({
    key: "",
    node: "",
    namespace,
    kind: "",
    label: "",
    standin: false,
    cmd,
    args,
    binds,
    ...(user ? { user } : {}),
    log: "",
  });
}

/**
 * Waits until the corosync seen through these mounts answers on its IPC (corosync-quorumtool): what
 * corosync-qdevice needs at its start, as systemd's After=corosync.service gives it on a node.
 */
export async function corosyncAnswers(
  namespace: string,
  binds: LaunchSpec["binds"],
  timeoutMs: number,
): Promise<boolean> {
  const { cmd, args } = toolCommand(namespace, binds, "corosync-quorumtool", ["-s"]);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const r = await run(cmd, args, { timeoutMs: 5000 });
    if (/Quorate:/.test(r.stdout)) return true;
    if (Date.now() > deadline) return false;
    await new Promise((res) => setTimeout(res, 200));
  }
}

export async function launch(spec: LaunchSpec): Promise<ProcessRecord> {
  const { cmd, args } = launchCommand(spec);
  const pid = startDaemon(cmd, args, { logFile: spec.log });
  // A process that died at once has no start time: record it anyway so the failure is visible.
  const start = (await processStart(pid)) ?? "gone";
  return { pid, start, key: spec.key, label: spec.label };
}

/**
 * Stops a recorded process group, only if the pid is still the process the lab started: resume it
 * (it may be frozen), SIGTERM, then SIGKILL after `graceMs`.
 */
export async function stop(record: Pick<ProcessRecord, "pid" | "start">, graceMs = 2000): Promise<void> {
  if (!(await sameProcess(record.pid, record.start))) return;
  signalGroup(record.pid, "SIGCONT");
  signalGroup(record.pid, "SIGTERM");
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 50));
    if (!(await sameProcess(record.pid, record.start))) return;
  }
  signalGroup(record.pid, "SIGKILL");
}

export async function signalRecorded(
  record: Pick<ProcessRecord, "pid" | "start">,
  signal: NodeJS.Signals,
): Promise<boolean> {
  if (!(await sameProcess(record.pid, record.start))) return false;
  return signalGroup(record.pid, signal);
}
