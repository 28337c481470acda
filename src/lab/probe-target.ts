// What the lab probes and how: the shared vocabulary of the prober (which runs inside the client
// namespace), the probe list built from the plan, and the measurement that reads the results.
import { K3S_API_PORT } from "../topology/ports.js";
import type { LabPlan } from "./lab-plan.js";

/** `wal`: the primary's current WAL file and the last one archived (restore drills bound their RPO by it). */
export type ProbeKind = "http" | "api-write" | "api-read" | "sql" | "wal";

export interface ProbeTarget {
  /** Stable id shown in reports: `http:grafana`, `api:write`, `sql:app-db`. */
  id: string;
  kind: ProbeKind;
  address: string;
  port: number;
  /** HTTP: the Host header. */
  host?: string;
  /** The VIP this probe goes through, when it goes through one. */
  vip?: string;
  /** API writes: record each write's number (restore drills; `lab run` does not need them). */
  numbered?: boolean;
  /** Probe every this many ms instead of the prober's interval (the `wal` probe needs less). */
  everyMs?: number;
  /** SQL: credentials (a throwaway password living in the run directory only). */
  sql?: { user: string; password: string; database: string };
}

export interface ProberConfig {
  intervalMs: number;
  timeoutMs: number;
  out: string;
  targets: ProbeTarget[];
}

/** One line of the prober's output: a probe's start, duration, outcome. */
export interface ProbeRecord {
  /** Target index. */
  i: number;
  /** Start, ms since the epoch. */
  s: number;
  /** Duration, ms. */
  d: number;
  ok: 0 | 1;
  /** Error text on failure. */
  e?: string;
  /** SQL and API writes: the sequence number written. */
  q?: number;
  /** `wal`: the primary's current WAL file and the last archived one (pg_stat_archiver). */
  w?: string;
  a?: string;
}

export const PROBE_INTERVAL_MS = 50;
/** A probe that needs more than this has failed: a user would have given up or retried. */
export const PROBE_TIMEOUT_MS = 1000;
export const INGRESS_PORT = 80;
export const PG_PORT = 5432;
export const PROBE_TABLE = "hlab_probe";

/**
 * Where the lab sends its service probes: the spec's ingress address, else the first ingress node
 * of the lab (an ingress on node ports has no address of its own).
 */
export function ingressProbeAddress(plan: LabPlan, address: string | undefined): string | undefined {
  if (address) return address;
  const first = plan.ingress[0];
  return first
    ? plan.nodes
        .find((n) => n.name === first.node)
        ?.ifaces.find((i) => i.address)
        ?.address?.split("/")[0]
    : undefined;
}

/** The probes of a plan: every service through the ingress address, API writes and reads, SQL inserts. */
export function probeTargets(
  plan: LabPlan,
  api: { endpoint?: string },
  ingress: { address?: string },
  dbPassword: (db: string) => string,
): ProbeTarget[] {
  const vipOf = (address: string | undefined): string | undefined =>
    plan.vips.find((v) => v.address === address)?.address;
  const out: ProbeTarget[] = [];
  const services = new Map<string, string>();
  for (const i of plan.ingress) for (const s of i.services) services.set(s.name, s.hostname);
  if (ingress.address) {
    for (const [name, hostname] of [...services.entries()].sort()) {
      out.push({
        id: `http:${name}`,
        kind: "http",
        address: ingress.address,
        port: INGRESS_PORT,
        host: hostname,
        vip: vipOf(ingress.address),
      });
    }
  }
  if (api.endpoint && plan.ingress.some((i) => i.api)) {
    out.push({
      id: "api:write",
      kind: "api-write",
      address: api.endpoint,
      port: K3S_API_PORT,
      vip: vipOf(api.endpoint),
    });
    out.push({
      id: "api:read",
      kind: "api-read",
      address: api.endpoint,
      port: K3S_API_PORT,
      vip: vipOf(api.endpoint),
    });
  }
  for (const db of plan.databases) {
    out.push({
      id: `sql:${db.name}`,
      kind: "sql",
      address: db.address,
      port: PG_PORT,
      vip: db.address,
      sql: { user: "postgres", password: dbPassword(db.name), database: "postgres" },
    });
  }
  return out;
}
