// The shapes `hlab plan` returns: plain JSON-serialisable data, so the terminal report, the
// Markdown report, `--json` and the web UI all read the same object. Times are milliseconds unless
// a field says otherwise; probabilities are fractions (0.999, not 99.9).
import type { Diagnostic } from "../diagnostic/diagnostic.js";
import type { RecoveryReport } from "./recovery-findings.js";

/** host:NAME, nic:HOST/NIC, gear:NAME or guest:NAME. */
export type ComponentId = string;
export type ComponentKind = "host" | "nic" | "gear" | "guest";

export interface ComponentInfo {
  id: ComponentId;
  kind: ComponentKind;
  name: string;
  availability: number;
  mtbfHours: number;
  mttrHours: number;
  /** "spec", "spec (plan.defaults)" or "default <figure>" (docs/availability-model.md). */
  source: string;
}

// --- IP plan --------------------------------------------------------------------------------------

export interface IpPlanEntry {
  /** First address (or the only one). */
  address: string;
  /** Last address for a range; equal to address for one address. */
  last: string;
  size: number;
  kind: "network" | "broadcast" | "gateway" | "host" | "guest" | "vip" | "dhcp" | "metallb" | "dns";
  owner: string;
  /** Dotted spec path where it is written, when it is written. */
  path: string;
  /** A guest's MAC on this network (from the spec, or derived from its name). */
  mac?: string;
}

export interface IpPlanNetwork {
  name: string;
  cidr: string;
  vlan?: number;
  bridge: string;
  entries: IpPlanEntry[];
  usableAddresses: number;
  usedAddresses: number;
  free: { first: string; last: string; size: number }[];
}

export interface IpPlan {
  networks: IpPlanNetwork[];
  /** Ranges outside the LAN networks: pod and service CIDRs, the WireGuard tunnel and its peers. */
  other: IpPlanEntry[];
}

// --- capacity -------------------------------------------------------------------------------------

export interface HostCapacity {
  host: string;
  kind: string;
  cpu: { committed: number; available: number };
  memoryMiB: { committed: number; overhead: number; available: number };
  diskGiB: { committed: number; overhead: number; available: number | null };
  guests: string[];
}

export interface HostLossCapacity {
  host: string;
  /** HA guests that must restart elsewhere. */
  haGuests: string[];
  /** Where each one would restart (greedy by free memory). */
  placements: { guest: string; to: string }[];
  /** HA guests that would not fit anywhere. */
  unplaced: string[];
  /** Kubernetes pods evicted from the nodes on this host, by estimated memory. */
  podMemoryMiB: number;
  /** Memory the surviving nodes can still give pods. */
  podMemoryFreeMiB: number;
}

export interface CapacityReport {
  hosts: HostCapacity[];
  /** N+1: what happens to guests and pods when each host fails. */
  hostLoss: HostLossCapacity[];
  nPlusOne: boolean;
}

// --- failure domains ------------------------------------------------------------------------------

export interface LayerReport {
  /** corosync, etcd, load-balancer:<name>, longhorn, database:<name>, service:<name>, gear. */
  layer: string;
  title: string;
  /** Members and the host each one sits on; `votes` when a member casts other than one (a QDevice). */
  members: { name: string; host: string; votes?: number }[];
  /** How many must be up (votes, for Corosync). */
  needed: number;
  distinctHosts: number;
  /** How many host failures it survives (0 when any one host failure can break it). */
  toleratedHostFailures: number;
  /** Hosts whose loss alone breaks the layer. */
  breakingHosts: string[];
  summary: string;
}

// --- availability ---------------------------------------------------------------------------------

export interface Contributor {
  component: ComponentId;
  /** Expected downtime per year this component causes: what the service would gain if it never failed. */
  hoursPerYear: number;
  /** Of it, the part spent in failover transitions. */
  transitionHoursPerYear: number;
}

export interface FailoverStep {
  mechanism: string;
  ms: number;
  /** Timing name from src/model/timings.ts the figure comes from, if any. */
  timing?: string;
}

export interface FailureOutcome {
  failed: ComponentId[];
  /** up: not affected; fails-over: up again after `outageMs`; down: down until repaired. */
  status: "up" | "fails-over" | "down";
  /** null when down until repaired. */
  outageMs: number | null;
  steps: FailoverStep[];
}

export interface ServiceAvailability {
  name: string;
  kind: "service" | "platform";
  /** Dotted spec path of the service (where findings about it point). */
  path: string;
  method: "exact" | "monte-carlo";
  availability: number;
  /** 95 % confidence interval when computed by Monte Carlo. */
  ci?: [number, number];
  /** Steady-state part: the probability the needed components are in a working combination. */
  steadyStateAvailability: number;
  /** Fraction of time lost in failover transitions (VRRP takeover, pod eviction...). */
  transitionUnavailability: number;
  downtimeHoursPerYear: number;
  target?: number;
  meetsTarget?: boolean;
  /** Upper bound of the probability mass the enumeration left out (0 for a full enumeration). */
  truncationBound: number;
  /** Components the service depends on. */
  dependsOn: ComponentId[];
  /** Single failures that take it down until repaired. */
  spofs: ComponentId[];
  /** Pairs of failures (neither fatal alone) that take it down together. */
  fatalPairs: ComponentId[][];
  fatalPairCount: number;
  survivesAnyOneHost: boolean;
  survivesAnyTwoHosts: boolean;
  /** The worst single host failure it survives, with its failover path. */
  hostFailures: FailureOutcome[];
  largestContributor?: Contributor;
  contributors: Contributor[];
  /** Guests assumed to run its replicas (Kubernetes services), in placement order. */
  placement: string[];
  notes: string[];
  /** With --simulate: the simulator's figure for the same service, and whether they agree. */
  check?: { availability: number; ci: [number, number]; agrees: boolean };
}

export interface TimingFigure {
  name: string;
  ms: number;
  source: "default" | "spec" | "measured" | "option";
  /** For measured figures: where the measurement came from. */
  detail?: string;
}

export interface MonteCarloSummary {
  seed: number;
  years: number;
  events: number;
  batches: number;
}

export interface AvailabilityReport {
  services: ServiceAvailability[];
  components: ComponentInfo[];
  timings: TimingFigure[];
  /** Present when a simulation ran (as a cross-check or for topologies too large to enumerate). */
  monteCarlo?: MonteCarloSummary;
  assumptions: string[];
}

// --- the whole report -----------------------------------------------------------------------------

/** What losing one host takes down until it is repaired. */
export interface HostLoss {
  host: string;
  /** Services (not platform rows), in the report's order. */
  down: string[];
  /** Every declared service goes (the verdict says "every service" instead of the list). */
  everyService: boolean;
  kubernetesApi: boolean;
}

export interface PlanSummary {
  /** No finding is an error and every service survives the loss of any one host. */
  sound: boolean;
  /** The sentence every report leads with, word for word: "Not sound: losing pve takes down every service." */
  verdict: string;
  /** Hosts whose loss takes something down, by name. */
  hostLosses: HostLoss[];
  errors: number;
  warnings: number;
  infos: number;
  survivesAnyOneHost: boolean;
  /** Services (not platform rows) that do not survive the loss of some one host. */
  servicesLostWithOneHost: string[];
  lines: string[];
}

// --- exposure -------------------------------------------------------------------------------------

export interface ExposureReport {
  /** Every public, lan and admin segment, and the VPN (`vpn`). */
  clients: { name: string; audience: string; cidr: string }[];
  services: {
    name: string;
    hostname: string;
    admin: boolean;
    audiences: string[];
    /** The address its name resolves to, and the ports open there. */
    address: string;
    ports: number[];
    reach: { side: string; meant: boolean; reachable: boolean; why: string }[];
  }[];
  /** Addresses the VPN routes beyond its exposed networks. */
  vpnRoutes: string[];
}

export interface PlanReport {
  name: string;
  file: string;
  summary: PlanSummary;
  findings: Diagnostic[];
  availability: AvailabilityReport;
  failureDomains: LayerReport[];
  capacity: CapacityReport;
  ipPlan: IpPlan;
  exposure: ExposureReport;
  /** RPO and RTO per data-bearing service, and the 3-2-1 rule (src/analyze/recovery-findings.ts). */
  recovery: RecoveryReport;
}

// --- what-if and comparison -----------------------------------------------------------------------

export interface WhatIfService {
  name: string;
  kind: "service" | "platform";
  status: "up" | "fails-over" | "down";
  /** null when down until repaired. */
  outageMs: number | null;
  steps: FailoverStep[];
}

export interface WhatIfResult {
  failed: ComponentId[];
  /** Guests down with what failed (their host, NIC or gear is gone, or they failed themselves). */
  guestsDown: string[];
  /** Proxmox HA guests restarted on another node, and where. */
  restarted: { guest: string; to: string }[];
  services: WhatIfService[];
  /** Who holds each VIP afterwards (null: nobody), read from the topology's takeover order. */
  vipHolders: { address: string; holder: string | null }[];
  /** If what failed never comes back: each data-bearing service intact, restored (from when) or lost. */
  data?: WhatIfData[];
  lines: string[];
}

export interface WhatIfData {
  name: string;
  status: "intact" | "restored" | "lost";
  mechanism?: string;
  destination?: string;
  rpoMs?: number;
  rtoMs?: number;
}

export interface CompareRow {
  name: string;
  kind: "service" | "platform";
  a?: { availability: number; downtimeHoursPerYear: number; spofs: ComponentId[]; largest?: ComponentId };
  b?: { availability: number; downtimeHoursPerYear: number; spofs: ComponentId[]; largest?: ComponentId };
  /** Why the figures differ, in sentences. */
  why: string[];
}

export interface CompareResult {
  a: { name: string; file: string; errors: number; warnings: number; survivesAnyOneHost: boolean };
  b: { name: string; file: string; errors: number; warnings: number; survivesAnyOneHost: boolean };
  rows: CompareRow[];
  /** Finding codes only one design has. */
  findingsOnlyInA: { code: string; message: string }[];
  findingsOnlyInB: { code: string; message: string }[];
  lines: string[];
}
