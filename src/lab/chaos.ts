// Faults, as a homelab meets them: a host that dies (power: its NICs go dark, everything on it stops
// at once), a NIC that flaps (seed 003), a cable pulled, a process killed or frozen (SIGSTOP: a
// hung node whose kernel still answers ARP), a network partition, packet loss. Loss and partitions
// go through nftables inside the lab's namespaces (this kernel has no netem). Every fault records
// how to undo it in the state file before returning, so `chaos restore` and `lab down` can always
// put the lab back, from any process.
import { readdir, readFile, rm } from "node:fs/promises";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { UserError } from "../diagnostic/user-error.js";
import { writeOwnedFile } from "../emit/write.js";
import { signalGroup, signalProcess, startDaemon } from "../process/run.js";
import { didYouMean } from "../util/suggest.js";
import { START_WAVES } from "./daemons/build.js";
import { standinScript } from "./daemons/context.js";
import type { LabLink, LabPlan } from "./lab-plan.js";
import { nodeFor, nodesOn } from "./lab-plan.js";
import { corosyncAnswers, launch, signalRecorded, stop } from "./launcher.js";
import { addressesIn, deleteAddress, execIn, namespacePids, setLink } from "./netns.js";
import { processName, processStart, runningPid, sameProcess } from "./procfs.js";
import { stateDir, updateState, type ActiveFault, type LabState, type UndoStep } from "./state.js";
import type { FlapperConfig } from "./standins/flapper.js";

export const FAULT_KINDS = [
  "host-down",
  "guest-down",
  "nic-flap",
  "link-down",
  "kill",
  "freeze",
  "partition",
  "loss",
] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

/** Processes a fault can kill or freeze, beyond the daemon kinds: PostgreSQL itself. */
export const EXTRA_PROCESSES = ["postgres"];

export interface FaultSpec {
  kind: FaultKind;
  /** The host or guest (or, for a partition, a readable `a,b | c`). */
  target: string;
  process?: string;
  iface?: string;
  groups?: [string[], string[]];
  everyMs?: number;
  forMs?: number;
  percent?: number;
}

export interface AppliedFault {
  id: string;
  kind: FaultKind;
  target: string;
  description: string;
  /** When the fault took effect (ms since the epoch). */
  at: number;
  /** Lab nodes it hit. */
  nodes: string[];
}

/** A fault the lab cannot apply as asked: the user's error (exit 2, or a refusal in the dashboard). */
const faultError = (message: string, hint: string): UserError => new UserError(message, hint, "bad-fault");

const isFaultKind = (k: string): k is FaultKind => (FAULT_KINDS as readonly string[]).includes(k);

/** Names a fault may target: hosts and guests of the spec. */
export function targetNames(plan: LabPlan): string[] {
  return plan.nodes
    .filter((n) => n.kind === "host" || n.kind === "guest")
    .flatMap((n) => [n.name, ...n.guests]);
}

/** Checks one target of a fault; returns a problem (message, hint, the faulty field) or undefined. */
export function checkTarget(
  plan: LabPlan,
  kind: FaultKind,
  target: string,
  process?: string,
): [string, string, ("target" | "process")?] | undefined {
  const names = targetNames(plan);
  if (!names.includes(target))
    return [`unknown host or guest \`${target}\``, didYouMean(target, names, "hosts and guests:")];
  const node = nodeFor(plan, target)!;
  if (kind === "host-down" && node.kind !== "host")
    return [
      `\`${target}\` is a guest, not a host`,
      `use guest-down for one guest, or host-down ${node.host ?? ""}`,
    ];
  if (kind === "guest-down" && node.kind === "host" && !node.guests.includes(target))
    return [`\`${target}\` is a host`, "use host-down for a host"];
  if ((kind === "kill" || (kind === "freeze" && process)) && process) {
    const kinds = [
      ...new Set(plan.daemons.filter((d) => d.node === node.name).map((d) => d.kind as string)),
      ...(plan.daemons.some((d) => d.node === node.name && d.kind === "patroni") ? EXTRA_PROCESSES : []),
    ];
    if (!kinds.includes(process))
      return [`no \`${process}\` runs on ${target}`, didYouMean(process, kinds, "it runs:"), "process"];
  }
  if (kind === "kill" && !process)
    return [`kill needs a process: \`${target}:<process>\``, "e.g. k3s-1:etcd or lb-1:keepalived"];
  return undefined;
}

/** Reads a fault from command-line words: `host-down pve-01`, `kill lb-1:keepalived`, `partition a,b c`. */
export function parseFaultArgs(
  plan: LabPlan,
  kind: string,
  targets: string[],
  opts: { everyMs?: number; forMs?: number; percent?: number },
): FaultSpec {
  if (!isFaultKind(kind))
    throw faultError(`unknown fault \`${kind}\``, didYouMean(kind, [...FAULT_KINDS, "restore"], "faults:"));
  if (kind === "partition") {
    if (targets.length !== 2)
      throw faultError("a partition needs two groups", "e.g. `partition pve-01 pve-02,pve-03`");
    const groups = targets.map((t) => t.split(",").filter(Boolean)) as [string[], string[]];
    if (groups.some((g) => g.length === 0))
      throw faultError(
        "each side of a partition needs a host or guest",
        "e.g. `partition pve-01 pve-02,pve-03`",
      );
    for (const name of groups.flat()) {
      const p = checkTarget(plan, kind, name);
      if (p) throw faultError(p[0], p[1]);
    }
    // A machine on both sides (named twice, or a guest beside its own host) cuts nothing.
    const sides = groups.map((g) => new Set(g.flatMap((t) => nodesOn(plan, t))));
    const both = [...sides[0]!].filter((n) => sides[1]!.has(n));
    if (both.length)
      throw faultError(
        `${both.map((n) => `\`${n}\``).join(", ")} would be on both sides of the partition`,
        "name each host or guest on one side only (a host takes its metal guests with it)",
      );
    return { kind, target: `${groups[0].join(",")} | ${groups[1].join(",")}`, groups, forMs: opts.forMs };
  }
  if (targets.length !== 1) throw faultError(`${kind} takes one target`, "e.g. `host-down pve-01`");
  const parts = targets[0]!.split(":");
  const [name, detail] = parts;
  const takesProcess = kind === "kill" || kind === "freeze";
  const takesNic = kind === "nic-flap" || kind === "link-down" || kind === "loss";
  if (parts.length > 2 || (detail !== undefined && !takesProcess && !takesNic))
    throw faultError(
      `${kind} takes a host or guest, not \`${targets[0]}\``,
      takesProcess || takesNic
        ? `write \`name:${takesNic ? "nic" : "process"}\``
        : `e.g. \`${kind} ${name}\``,
    );
  const process = takesProcess ? detail : undefined;
  const iface = takesNic ? detail : undefined;
  const p = checkTarget(plan, kind, name!, process);
  if (p) throw faultError(p[0], p[1]);
  if (takesNic) {
    const node = nodeFor(plan, name!)!;
    const links = nicLinks(plan, node.name);
    const nics = [...new Set(links.flatMap((l) => [l.nic ?? l.inner.name, l.inner.name]))].sort();
    if (links.length === 0)
      throw faultError(`${name} has no NIC in the lab`, "pick a host or guest with a network");
    if (iface !== undefined && !nicLinks(plan, node.name, iface).length)
      throw faultError(`${name} has no NIC \`${iface}\``, didYouMean(iface, nics, "its NICs:"));
  }
  if (kind === "loss" && !(opts.percent !== undefined && opts.percent > 0 && opts.percent <= 100))
    throw faultError("loss needs --percent between 1 and 100", "e.g. --percent 30");
  return {
    kind,
    target: name!,
    process,
    iface,
    everyMs: opts.everyMs,
    forMs: opts.forMs,
    percent: opts.percent,
  };
}

/** The cables a node's NICs are: host NICs (at the switch), guest NICs (at the host's bridge). */
function nicLinks(plan: LabPlan, node: string, iface?: string): LabLink[] {
  return plan.links.filter(
    (l) =>
      l.node === node &&
      (l.kind === "host-nic" || l.kind === "guest-nic") &&
      (!iface || l.inner.name === iface || l.nic === iface),
  );
}

const infraPids = (s: LabState): Set<number> =>
  new Set(s.processes.filter((p) => p.key.startsWith("_lab/")).map((p) => p.pid));

async function killAll(s: LabState, namespaces: string[]): Promise<number> {
  const skip = infraPids(s);
  const killed = new Set<number>();
  for (let round = 0; round < 10; round++) {
    const pids = (await Promise.all(namespaces.map(namespacePids))).flat().filter((p) => !skip.has(p));
    if (pids.length === 0) break;
    for (const pid of pids) {
      if (signalProcess(pid, "SIGKILL")) killed.add(pid);
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  return killed.size;
}

async function powerOff(
  s: LabState,
  target: string,
  nodes: string[],
): Promise<{ undo: UndoStep[]; description: string }> {
  const plan = s.plan;
  const fresh = nodes.filter((n) => !s.poweredOff.includes(n));
  // The network sees the machine vanish first, then everything on it stops.
  const cut = fresh.flatMap((n) => nicLinks(plan, n));
  await Promise.all(cut.map((l) => setLink(l.outer.namespace, l.outer.name, false)));
  const killed = await killAll(
    s,
    fresh.map((n) => plan.nodes.find((x) => x.name === n)!.namespace),
  );
  s.poweredOff.push(...fresh);
  return {
    undo: [{ op: "power-on", nodes: fresh }],
    description: `powered off ${fresh.join(", ")} (${cut.length} links cut, ${killed} processes killed)`,
  };
}

async function powerOn(s: LabState, nodes: string[]): Promise<void> {
  const plan = s.plan;
  for (const name of nodes) {
    const node = plan.nodes.find((n) => n.name === name)!;
    // A machine that boots again has only its configured addresses: a VIP it held is gone.
    const planned = new Set(node.ifaces.map((i) => i.address));
    for (const a of await addressesIn(node.namespace)) {
      if (a.iface !== "lo" && !planned.has(`${a.address}/${a.prefix}`))
        await deleteAddress(node.namespace, a.iface, `${a.address}/${a.prefix}`);
    }
  }
  await Promise.all(
    nodes.flatMap((n) => nicLinks(plan, n)).map((l) => setLink(l.outer.namespace, l.outer.name, true)),
  );
  s.poweredOff = s.poweredOff.filter((n) => !nodes.includes(n));
  await restart(
    s,
    s.launches.filter((l) => nodes.includes(l.node)).map((l) => l.key),
  );
}

/** Starts recorded daemons again (stopping what is left of them first), in `lab up`'s order. */
export async function restart(s: LabState, keys: string[]): Promise<void> {
  const launches = s.launches.filter((l) => keys.includes(l.key));
  // In `lab up`'s order: etcd first (the others keep their state in it; no wait: they retry, as
  // after a real boot), corosync-qdevice last, once its corosync answers (it reads its config there).
  const wave = (kind: string): number => START_WAVES.findIndex((w) => (w as string[]).includes(kind));
  launches.sort((a, b) => wave(a.kind) - wave(b.kind));
  for (const l of launches) {
    const old = s.processes.find((p) => p.key === l.key);
    if (old) await stop(old, 200);
    if (l.kind === "qdevice") await corosyncAnswers(l.namespace, l.binds, 10_000);
    for (const b of l.binds.filter((x) => x.target === "/run")) await removeStalePidFiles(b.source);
    const rec = await launch(l);
    s.processes = [...s.processes.filter((p) => p.key !== l.key), rec];
  }
}

/**
 * Pid files whose process is gone. A killed daemon's children stay zombies until this machine's
 * init reaps them, and keepalived then refuses to start ("daemon is already running"): on a real
 * machine the service manager reaps at once (or the reboot empties /run). The lab does that part.
 */
async function removeStalePidFiles(dir: string): Promise<void> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  for (const e of entries) {
    if (!e.isFile() || !e.name.endsWith(".pid")) continue;
    const path = join(e.parentPath, e.name);
    const pid = Number((await readFile(path, "utf8").catch(() => "")).trim());
    if (!Number.isInteger(pid) || pid <= 0 || !(await runningPid(pid))) await rm(path, { force: true });
  }
}

function nftTable(name: string, chains: string[]): string {
  return `table ${name} {\n${chains.join("\n")}\n}\n`;
}

async function nft(namespace: string, script: string): Promise<void> {
  const r = await execIn(namespace, "nft", ["-f", "-"], 5000, script);
  if (r.code !== 0)
    throw faultError(
      `nft in ${namespace}: ${r.stderr.trim()}`,
      "check `hlab lab doctor`: nftables must work inside namespaces",
    );
}

async function partition(s: LabState, groups: [string[], string[]], tableName: string): Promise<UndoStep[]> {
  const plan = s.plan;
  const nodesOf = (g: string[]): string[] => [...new Set(g.flatMap((t) => nodesOn(plan, t)))];
  const sides = groups.map(nodesOf) as [string[], string[]];
  const addrs = (nodes: string[]): string[] =>
    plan.nodes
      .filter((n) => nodes.includes(n.name))
      .flatMap((n) => n.ifaces.flatMap((i) => (i.address ? [i.address.split("/")[0]!] : [])));
  const undo: UndoStep[] = [];
  for (const [mine, theirs] of [
    [sides[0], sides[1]],
    [sides[1], sides[0]],
  ] as const) {
    const set = `{ ${addrs(theirs).join(", ")} }`;
    for (const node of mine) {
      const ns = plan.nodes.find((n) => n.name === node)!.namespace;
      await nft(
        ns,
        nftTable(`inet ${tableName}`, [
          `  chain in {\n    type filter hook input priority -200; policy accept;\n    ip saddr ${set} drop\n  }`,
          `  chain out {\n    type filter hook output priority -200; policy accept;\n    ip daddr ${set} drop\n  }`,
        ]),
      );
      undo.push({ op: "nft-delete", namespace: ns, family: "inet", table: tableName });
    }
  }
  return undo;
}

async function loss(
  s: LabState,
  target: string,
  percent: number,
  iface: string | undefined,
  tableName: string,
): Promise<{ undo: UndoStep[]; ifaces: string[] }> {
  const node = nodeFor(s.plan, target)!;
  const links = nicLinks(s.plan, node.name, iface);
  const chains = links.flatMap((l, i) => [
    `  chain in${i} {\n    type filter hook ingress device "${l.inner.name}" priority 0; policy accept;\n    numgen random mod 100 < ${percent} drop\n  }`,
    `  chain out${i} {\n    type filter hook egress device "${l.inner.name}" priority 0; policy accept;\n    numgen random mod 100 < ${percent} drop\n  }`,
  ]);
  await nft(node.namespace, nftTable(`netdev ${tableName}`, chains));
  return {
    undo: [{ op: "nft-delete", namespace: node.namespace, family: "netdev", table: tableName }],
    ifaces: links.map((l) => l.inner.name),
  };
}

async function freeze(
  s: LabState,
  target: string,
  proc: string | undefined,
): Promise<{ undo: UndoStep[]; description: string }> {
  const node = nodeFor(s.plan, target)!;
  if (proc) {
    const recs = await processesOf(s, node.name, proc);
    for (const r of recs) if (r.group) await signalRecorded(r, "SIGSTOP");
    for (const r of recs) if (!r.group) signalProcess(r.pid, "SIGSTOP");
    return {
      undo: [{ op: "resume", pids: recs.map((r) => ({ pid: r.pid, start: r.start })) }],
      description: `froze ${proc} on ${node.name} (${recs.length} process groups)`,
    };
  }
  const skip = infraPids(s);
  const namespaces = nodesOn(s.plan, node.name).map((n) => s.plan.nodes.find((x) => x.name === n)!.namespace);
  const pids = (await Promise.all(namespaces.map(namespacePids))).flat().filter((p) => !skip.has(p));
  const frozen: { pid: number; start: string }[] = [];
  for (const pid of pids) {
    const start = await processStart(pid);
    if (!start) continue;
    if (signalProcess(pid, "SIGSTOP")) frozen.push({ pid, start });
  }
  return {
    undo: [{ op: "resume", pids: frozen }],
    description: `froze every process on ${nodesOn(s.plan, node.name).join(", ")} (${frozen.length}); the kernel still answers`,
  };
}

/** Recorded daemons of a kind on a node (process groups), or PostgreSQL's processes (single pids). */
async function processesOf(
  s: LabState,
  node: string,
  proc: string,
): Promise<{ pid: number; start: string; group: boolean }[]> {
  if (proc === "postgres") {
    const ns = s.plan.nodes.find((n) => n.name === node)!.namespace;
    const out: { pid: number; start: string; group: boolean }[] = [];
    for (const pid of await namespacePids(ns)) {
      if ((await processName(pid)) !== "postgres") continue;
      const start = await processStart(pid);
      if (start) out.push({ pid, start, group: false });
    }
    return out;
  }
  const keys = s.launches.filter((l) => l.node === node && l.kind === proc).map((l) => l.key);
  return s.processes
    .filter((p) => keys.includes(p.key))
    .map((p) => ({ pid: p.pid, start: p.start, group: true }));
}

export async function applyFault(id: string, spec: FaultSpec): Promise<AppliedFault> {
  let applied: AppliedFault | undefined;
  await updateState(id, async (s) => {
    const faultId = `f${nextFaultNumber(s)}`;
    const table = `hlab_${faultId}`;
    const plan = s.plan;
    const node = spec.kind === "partition" ? undefined : nodeFor(plan, spec.target);
    let undo: UndoStep[] = [];
    let description = "";
    let nodes: string[] = node ? nodesOn(plan, node.name) : [];
    let driver: { pid: number; start: string } | undefined;
    switch (spec.kind) {
      case "host-down":
      case "guest-down": {
        const r = await powerOff(s, spec.target, nodes);
        ({ undo, description } = r);
        break;
      }
      case "link-down": {
        const links = nicLinks(plan, node!.name, spec.iface);
        await Promise.all(links.map((l) => setLink(l.outer.namespace, l.outer.name, false)));
        undo = links.map((l) => ({ op: "link-up", namespace: l.outer.namespace, link: l.outer.name }));
        description = `unplugged ${links.map((l) => l.id).join(", ")}`;
        break;
      }
      case "nic-flap": {
        const links = nicLinks(plan, node!.name, spec.iface);
        const every = spec.everyMs ?? 2000;
        const cfg: FlapperConfig = {
          links: links.map((l) => ({ namespace: l.outer.namespace, name: l.outer.name })),
          downMs: every,
          upMs: every,
        };
        const cfgPath = join(s.runDir, "faults", `${faultId}.json`);
        await writeOwnedFile(cfgPath, JSON.stringify(cfg));
        const pid = startDaemon(process.execPath, [standinScript("flapper"), cfgPath], {
          logFile: flapLog(s, faultId),
        });
        driver = { pid, start: (await processStart(pid)) ?? "gone" };
        undo = links.map((l) => ({ op: "link-up", namespace: l.outer.namespace, link: l.outer.name }));
        description = `flapping ${links.map((l) => l.id).join(", ")}: down ${every / 1000} s, up ${every / 1000} s`;
        break;
      }
      case "kill": {
        const recs = await processesOf(s, node!.name, spec.process!);
        for (const r of recs) {
          if (r.group) await signalRecorded(r, "SIGKILL");
          else if (await sameProcess(r.pid, r.start)) signalProcess(r.pid, "SIGKILL");
        }
        const keys = s.launches
          .filter((l) => l.node === node!.name && l.kind === spec.process)
          .map((l) => l.key);
        undo = keys.length ? [{ op: "restart", keys }] : [];
        description = `killed ${spec.process} on ${node!.name} (SIGKILL, ${recs.length})${keys.length ? "" : "; Patroni restarts it"}`;
        nodes = [node!.name];
        break;
      }
      case "freeze": {
        ({ undo, description } = await freeze(s, spec.target, spec.process));
        if (spec.process) nodes = [node!.name];
        break;
      }
      case "partition": {
        undo = await partition(s, spec.groups!, table);
        nodes = [...new Set(spec.groups!.flat().flatMap((t) => nodesOn(plan, t)))];
        description = `partitioned ${spec.groups![0].join(",")} from ${spec.groups![1].join(",")} (nftables, both ways)`;
        break;
      }
      case "loss": {
        const r = await loss(s, spec.target, spec.percent!, spec.iface, table);
        undo = r.undo;
        description = `dropping ${spec.percent}% of packets both ways on ${node!.name}:${r.ifaces.join(",")} (nftables)`;
        break;
      }
    }
    const at = Date.now();
    const fault: ActiveFault = {
      id: faultId,
      kind: spec.kind,
      target: spec.target,
      detail: spec.process ?? spec.iface,
      undo,
      since: at,
      driverPid: driver?.pid,
      driverStart: driver?.start,
    };
    s.faults.push(fault);
    applied = { id: faultId, kind: spec.kind, target: spec.target, description, at, nodes };
  });
  return applied!;
}

const TIMER_SCRIPT = fileURLToPath(new URL("./fault-timer.js", import.meta.url));

/**
 * Has fault `faultId` undone `forMs` from now by a detached timer process, whatever becomes of the
 * command that injected it; the end time and the timer go on the fault (`lab status` shows them).
 */
export async function scheduleRestore(id: string, faultId: string, forMs: number): Promise<number> {
  const until = Date.now() + forMs;
  await updateState(id, async (s) => {
    const f = s.faults.find((x) => x.id === faultId);
    if (!f) throw faultError(`no active fault ${faultId} in lab ${id}`, "it was restored already");
    const pid = startDaemon(process.execPath, [TIMER_SCRIPT, id, faultId, String(until)], {
      logFile: flapLog(s, `${faultId}-timer`),
      env: { ...process.env, HLAB_LAB_STATE_DIR: resolve(stateDir()) },
    });
    f.until = until;
    f.timerPid = pid;
    f.timerStart = (await processStart(pid)) ?? "gone";
  });
  return until;
}

export const flapLog = (s: Pick<LabState, "runDir">, faultId: string): string =>
  join(s.runDir, "logs", `fault-${faultId}.log`);

function nextFaultNumber(s: LabState): number {
  s.faultCounter = (s.faultCounter ?? 0) + 1;
  return s.faultCounter;
}

async function undoStep(s: LabState, step: UndoStep): Promise<void> {
  switch (step.op) {
    case "link-up":
      await setLink(step.namespace, step.link, true).catch(() => undefined);
      return;
    case "resume":
      for (const p of step.pids) {
        if (!(await sameProcess(p.pid, p.start))) continue;
        // Both: the group when it leads one, and the process itself when it does not.
        signalGroup(p.pid, "SIGCONT");
        signalProcess(p.pid, "SIGCONT");
      }
      return;
    case "nft-delete":
      await execIn(step.namespace, "nft", ["delete", "table", step.family, step.table]);
      return;
    case "restart":
      await restart(s, step.keys);
      return;
    case "power-on":
      await powerOn(s, step.nodes);
      return;
  }
}

/** Undoes active faults (all, or those whose id is listed), newest first. Returns the ids undone. */
export async function restoreFaults(id: string, ids?: string[]): Promise<string[]> {
  const done: string[] = [];
  await updateState(id, async (s) => {
    const chosen = s.faults.filter((f) => !ids || ids.includes(f.id)).reverse();
    for (const f of chosen) {
      // Its timer is done with once the fault is (unless the timer is what is restoring it).
      if (f.timerPid && f.timerPid !== process.pid)
        await stop({ pid: f.timerPid, start: f.timerStart ?? "" }, 500);
      if (f.driverPid) await stop({ pid: f.driverPid, start: f.driverStart ?? "" }, 1000);
      for (const step of f.undo) await undoStep(s, step);
      done.push(f.id);
    }
    s.faults = s.faults.filter((f) => !done.includes(f.id));
  });
  return done;
}
