// The shape of a change plan (`hlab plan CURRENT --to NEXT`, `--rolling-maintenance`,
// `--upgrade-k3s`): ordered steps, each an action on one machine, with the state during and after
// it. JSON-serialisable: `--json` prints it as is, the text and Markdown renderings read only this.
import type { HostLoss } from "../plan-report.js";

export type ChangeActionKind =
  | "add-host"
  | "remove-host"
  | "reinstall-host"
  | "create-proxmox-cluster"
  | "add-proxmox-node"
  | "remove-proxmox-node"
  | "add-qdevice"
  | "remove-qdevice"
  | "add-guest"
  | "remove-guest"
  | "move-guest"
  | "resize-guest"
  | "add-k3s-server"
  | "remove-k3s-server"
  | "add-k3s-agent"
  | "remove-k3s-agent"
  | "reconfigure-k3s-server"
  | "switch-api-endpoint"
  | "change-ingress"
  | "change-load-balancer"
  | "add-load-balancer"
  | "remove-load-balancer"
  | "change-storage"
  | "change-database"
  | "add-service"
  | "remove-service"
  | "change-replicas"
  | "update-service"
  | "etcd-snapshot"
  | "upgrade-k3s-server"
  | "upgrade-k3s-agent"
  | "reboot-host"
  | "reconfigure";

/** One layer that needs some of its members up (corosync, etcd, databases, LB pairs, replicas). */
export interface LayerState {
  layer: string;
  title: string;
  /** Votes (members) up, and how many are needed. */
  up: number;
  total: number;
  needed: number;
  quorate: boolean;
  /** A layer whose loss stops writes (corosync, etcd, a database), not just one replica set. */
  quorum: boolean;
}

export interface ServiceDuringStep {
  name: string;
  kind: "service" | "platform";
  /** up: no interruption; fails-over: back after outageMs; down: down for the whole step. */
  status: "up" | "fails-over" | "down";
  /** Expected interruption during the step (0 when up). */
  outageMs: number;
}

export interface ChangeStep {
  /** 1-based, in order. */
  index: number;
  kind: ChangeActionKind;
  /** The one machine acted on (a host, a guest, or the QDevice's machine). */
  machine: string;
  title: string;
  /** Why this step sits where it does, or what makes it safe. */
  why?: string;
  /** Estimated duration of the step. */
  durationMs: number;
  /** What is out of service while the step runs (failure texts: host:NAME, guest:NAME). */
  outOfService: string[];
  during: { layers: LayerState[]; services: ServiceDuringStep[] };
  after: {
    layers: LayerState[];
    /** What a further single host failure would take down, host by host (from the plan). */
    furtherFailure: HostLoss[];
    verdict: string;
  };
  /** Set when the step cannot be made without an outage: why, and for how long. */
  outage?: { reason: string; services: string[]; ms: number };
  /** The concrete commands, in order, where they run. */
  commands: { on: string; run: string }[];
}

export interface ChangePlan {
  /** What the plan takes from and to (spec files, or "rolling maintenance of X"). */
  title: string;
  from: { name: string; file: string };
  to: { name: string; file: string };
  steps: ChangeStep[];
  /** Total of the step estimates: the maintenance window. */
  totalMs: number;
  /** Sum over steps of each service's expected outage. */
  outageByService: { name: string; kind: "service" | "platform"; ms: number }[];
  /** Differences the planner applies only as a final rebuild (not analysed step by step). */
  residual: string[];
  lines: string[];
}
