// What the lab looks like right now, asked of the daemons themselves: who holds each VIP (the
// kernel's addresses in every candidate namespace), etcd's leader and quorum (etcdctl), Corosync's
// quorum (corosync-quorumtool inside the host's private mounts), PostgreSQL's primary and replicas
// (Patroni's REST API) and HAProxy's backends (its CLI sockets).
import { connect } from "node:net";
import { run } from "../process/run.js";
import { standinScript } from "./daemons/context.js";
import { haproxyMasterSocket } from "./daemons/haproxy.js";
import { routerStatsSocket } from "./daemons/db-router.js";
import { PATRONI_PORT } from "./daemons/patroni.js";
import { quorateWith } from "../topology/corosync-quorum.js";
import { majority } from "../topology/majority.js";
import { CLIENT_NODE, type LabPlan, type VipMover } from "./lab-plan.js";
import { toolCommand } from "./launcher.js";
import { addressesIn, execIn } from "./netns.js";
import type { LabState } from "./state.js";

export interface VipStatus {
  address: string;
  purposes: string[];
  movedBy: VipMover;
  standin: boolean;
  /** Nodes whose namespace has the address now (more than one: split brain, unless powered off). */
  heldBy: string[];
}

export interface EtcdStatus {
  members: { node: string; healthy: boolean; leader: boolean; raftTerm?: number }[];
  leader?: string;
  healthy: number;
  size: number;
  quorum: boolean;
}

export interface CorosyncStatus {
  node: string;
  quorate?: boolean;
  totalVotes?: number;
  expectedVotes?: number;
  /** Votes corosync says a partition needs ("Quorum:"). */
  quorumVotes?: number;
  /** What the plan's arithmetic (src/topology/corosync-quorum.ts) expects with these hosts powered off. */
  planned?: { quorate: boolean; expectedVotes: number; quorumVotes: number };
  error?: string;
}

export interface DbStatus {
  name: string;
  standin: boolean;
  primary?: string;
  members: { node: string; role: string; state: string; lagBytes?: number }[];
  error?: string;
}

export interface BackendStatus {
  node: string;
  proxy: string;
  server: string;
  status: string;
}

export interface LabStatus {
  id: string;
  model: string;
  phase: string;
  poweredOff: string[];
  /** `endsInMs`: a `--for` fault, undone by its timer that much later. */
  faults: { id: string; kind: string; target: string; detail?: string; sinceMs: number; endsInMs?: number }[];
  vips: VipStatus[];
  etcd?: EtcdStatus;
  corosync: CorosyncStatus[];
  /** What the spec has that this lab does not run ("QDevice not rehearsed: ..."). */
  notRehearsed?: string[];
  databases: DbStatus[];
  backends: BackendStatus[];
  processes: { key: string; label: string; pid: number; alive: boolean }[];
}

const clientNs = (plan: LabPlan): string => plan.nodes.find((n) => n.name === CLIENT_NODE)!.namespace;

/** Runs the lab client (standins/client.js) in the client namespace and parses its JSON answer. */
export async function clientRequest<T>(
  plan: LabPlan,
  args: string[],
  input?: string,
  timeoutMs = 5000,
): Promise<T | { error: string }> {
  const r = await execIn(
    clientNs(plan),
    process.execPath,
    [standinScript("client"), ...args],
    timeoutMs,
    input,
  );
  try {
    return JSON.parse(r.stdout.trim().split("\n").pop() ?? "") as T;
  } catch {
    return { error: (r.stderr || r.stdout || `exit ${r.code}`).trim().slice(0, 200) };
  }
}

export async function vipHolders(plan: LabPlan): Promise<Map<string, string[]>> {
  const candidates = [...new Set(plan.vips.flatMap((v) => v.candidates))];
  const found = await Promise.all(
    candidates.map(async (node) => ({
      node,
      addrs: await addressesIn(plan.nodes.find((n) => n.name === node)!.namespace),
    })),
  );
  const out = new Map<string, string[]>();
  for (const v of plan.vips) {
    out.set(
      v.address,
      found
        .filter((f) => v.candidates.includes(f.node) && f.addrs.some((a) => a.address === v.address))
        .map((f) => f.node),
    );
  }
  return out;
}

export async function etcdStatus(plan: LabPlan): Promise<EtcdStatus | undefined> {
  const etcd = plan.etcd;
  if (!etcd) return undefined;
  const endpoints = etcd.members.map((m) => `http://${m.address}:2379`);
  const r = await execIn(
    clientNs(plan),
    "etcdctl",
    [
      "--endpoints",
      endpoints.join(","),
      "--dial-timeout",
      "500ms",
      "--command-timeout",
      "1s",
      "endpoint",
      "status",
      "-w",
      "json",
    ],
    8000,
  );
  let parsed: {
    Endpoint: string;
    Status: { header: { member_id: number; raft_term: number }; leader: number };
  }[] = [];
  try {
    parsed = JSON.parse(r.stdout || "[]");
  } catch {
    parsed = [];
  }
  const members = etcd.members.map((m) => {
    const s = parsed.find((p) => p.Endpoint === `http://${m.address}:2379`);
    return {
      node: m.node,
      healthy: Boolean(s),
      leader: Boolean(s && s.Status.leader === s.Status.header.member_id),
      raftTerm: s?.Status.header.raft_term,
    };
  });
  const healthy = members.filter((m) => m.healthy).length;
  const leader = members.find((m) => m.leader)?.node;
  return {
    members,
    leader,
    healthy,
    size: members.length,
    quorum: Boolean(leader) && healthy >= majority(members.length),
  };
}

export async function corosyncStatus(state: LabState): Promise<CorosyncStatus[]> {
  const launches = state.launches.filter((l) => l.kind === "corosync");
  const q = state.plan.corosync;
  const off = new Set(state.poweredOff);
  // The QDevice counts only where the lab runs it ("QDevice not rehearsed" otherwise).
  const qnetd = state.launches.find((l) => l.kind === "qnetd");
  const planned = q && {
    quorate: quorateWith(q, (n) => !off.has(n), qnetd !== undefined && !off.has(qnetd.node)),
    expectedVotes: q.expectedVotes,
    quorumVotes: q.quorumVotes,
  };
  return Promise.all(
    launches.map(async (l): Promise<CorosyncStatus> => {
      if (state.poweredOff.includes(l.node)) return { node: l.node, error: "powered off" };
      const { cmd, args } = toolCommand(l.namespace, l.binds, "corosync-quorumtool", ["-s"]);
      const r = await run(cmd, args, { timeoutMs: 5000 });
      const text = r.stdout;
      const num = (label: string): number | undefined => {
        const m = new RegExp(`${label}:\\s+(\\d+)`).exec(text);
        return m ? Number(m[1]) : undefined;
      };
      const q = /Quorate:\s+(Yes|No)/.exec(text);
      if (!q) return { node: l.node, error: (r.stderr || text || "no answer").trim().split("\n")[0] };
      return {
        node: l.node,
        quorate: q[1] === "Yes",
        totalVotes: num("Total votes"),
        expectedVotes: num("Expected votes"),
        quorumVotes: num("Quorum"),
        ...(planned ? { planned } : {}),
      };
    }),
  );
}

export async function dbStatus(plan: LabPlan): Promise<DbStatus[]> {
  return Promise.all(
    plan.databases.map(async (db): Promise<DbStatus> => {
      // Ask each member in turn: any running Patroni knows the whole cluster.
      let error = "no member answered";
      for (const m of db.members) {
        const r = await clientRequest<{ status: number; body: string }>(plan, [
          "http",
          `http://${m.address}:${PATRONI_PORT}/cluster`,
          "1500",
        ]);
        if ("error" in r) {
          error = r.error;
          continue;
        }
        const cluster = JSON.parse(r.body) as {
          members?: { name: string; role: string; state: string; lag?: number | string }[];
        };
        const members = (cluster.members ?? []).map((x) => ({
          node: x.name,
          role: x.role,
          state: x.state,
          lagBytes: typeof x.lag === "number" ? x.lag : undefined,
        }));
        return {
          name: db.name,
          standin: db.engine === "cloudnative-pg",
          primary: members.find((x) => x.role === "leader")?.node,
          members,
        };
      }
      return { name: db.name, standin: db.engine === "cloudnative-pg", members: [], error };
    }),
  );
}

/** `show stat` over an HAProxy CLI socket; through the master CLI the command goes to worker 1. */
export function haproxyStat(
  socket: string,
  master: boolean,
): Promise<{ proxy: string; server: string; status: string }[]> {
  return new Promise((resolve) => {
    const s = connect(socket);
    let text = "";
    const timer = setTimeout(() => s.destroy(), 1000);
    // The master CLI keeps the connection open after a command routed to a worker; `quit` ends it
    // at once instead of at the timer.
    s.on("connect", () => s.write(master ? "@1 show stat; quit\n" : "show stat\n"));
    s.on("data", (b) => (text += b.toString()));
    s.on("error", () => resolve([]));
    s.on("close", () => {
      clearTimeout(timer);
      const lines = text.split("\n");
      const header =
        lines
          .find((l) => l.startsWith("# "))
          ?.slice(2)
          .split(",") ?? [];
      const col = (name: string): number => header.indexOf(name);
      resolve(
        lines
          .filter((l) => l && !l.startsWith("#"))
          .map((l) => l.split(","))
          .filter((f) => f[col("svname")] !== "FRONTEND" && f[col("svname")] !== "BACKEND" && f.length > 3)
          .map((f) => ({
            proxy: f[col("pxname")] ?? "",
            server: f[col("svname")] ?? "",
            status: f[col("status")] ?? "",
          })),
      );
    });
  });
}

export async function backendStatus(state: LabState): Promise<BackendStatus[]> {
  const asks = state.plan.daemons
    .filter((d) => !state.poweredOff.includes(d.node) && (d.kind === "haproxy" || d.kind === "db-router"))
    .filter((d) => state.launches.some((l) => l.node === d.node && l.kind === d.kind))
    .map(async (d) => {
      const rows =
        d.kind === "haproxy"
          ? await haproxyStat(haproxyMasterSocket(state, d.node, d.instance ?? "lb"), true)
          : await haproxyStat(routerStatsSocket(state, d.node), false);
      return rows.map((r) => ({ node: d.node, ...r }));
    });
  return (await Promise.all(asks)).flat();
}

export async function labStatus(
  state: LabState,
  isAlive: (pid: number, start: string) => Promise<boolean>,
): Promise<LabStatus> {
  const plan = state.plan;
  const [holders, etcd, corosync, databases, backends] = await Promise.all([
    vipHolders(plan),
    etcdStatus(plan),
    corosyncStatus(state),
    dbStatus(plan),
    backendStatus(state),
  ]);
  const processes = await Promise.all(
    state.processes.map(async (p) => ({
      key: p.key,
      label: p.label,
      pid: p.pid,
      alive: await isAlive(p.pid, p.start),
    })),
  );
  const now = Date.now();
  return {
    id: state.id,
    model: plan.model,
    phase: state.phase,
    poweredOff: state.poweredOff,
    notRehearsed: state.notRehearsed ?? [],
    faults: state.faults.map((f) => ({
      id: f.id,
      kind: f.kind,
      target: f.target,
      ...(f.detail ? { detail: f.detail } : {}),
      sinceMs: now - f.since,
      ...(f.until !== undefined ? { endsInMs: Math.max(0, f.until - now) } : {}),
    })),
    vips: plan.vips.map((v) => ({
      address: v.address,
      purposes: v.purposes,
      movedBy: v.movedBy,
      standin: v.standin,
      heldBy: holders.get(v.address) ?? [],
    })),
    etcd,
    corosync,
    databases,
    backends,
    processes,
  };
}
