// The JSON the dashboard's server sends to its page. Types only: the page imports them with
// `import type`, so nothing here may need Node at run time.
import type { PlanReport, WhatIfResult } from "../analyze/plan-report.js";
import type { Diagnostic } from "../diagnostic/diagnostic.js";

export type { PlanReport, WhatIfResult };

/** A part of the lab the user may fail in a what-if, as the plan names it (`host:pve-01`). */
export interface FailTarget {
  id: string;
  kind: "host" | "nic" | "gear" | "guest";
  label: string;
}

/** A service of the spec and where users reach it (src/ui/service-links.ts). */
export interface ServiceLink {
  name: string;
  url?: string;
  hostname?: string;
  /** What its DNS record answers. */
  address?: string;
  target?: number;
}

/** GET /api/model: the spec as last loaded. */
export interface ModelResponse {
  /** Increases on every reload, so the page can drop answers to older versions. */
  version: number;
  file: string;
  /** Present when the spec loads; otherwise the diagnostics say why and `svg` is the last good one. */
  name?: string;
  ok: boolean;
  diagnostics: Diagnostic[];
  /** Inline SVG of the topology (the last good one when the current spec has errors). */
  svg?: string;
  /** The spec's lines, so findings can show the line they point at. */
  lines: string[];
  targets: FailTarget[];
  /** The spec's services with their URLs (of the last good spec). */
  services: ServiceLink[];
}

export type PlanResponse =
  { available: true; version: number; report: PlanReport } | { available: false; reason: string };

export interface WhatIfRequest {
  failures: string[];
}

export type WhatIfResponse = { available: true; result: WhatIfResult } | { available: false; reason: string };

/** One row of the lab's state as the dashboard shows it. */
export interface LabVipView {
  address: string;
  purposes: string[];
  /** The guest (or host, for bare metal) holding it now; undefined when nobody does. */
  holder?: string;
  /** Every node that claims it: more than one is a split brain. */
  claimedBy: string[];
}

export interface LabCheck {
  name: string;
  ok: boolean;
  detail: string;
}

/** A fault button: `id` is what /api/lab/fault takes, e.g. `host-down pve-01` or `kill lb-1:keepalived`. */
export interface LabFault {
  id: string;
  /** The host or guest it hits: the buttons are grouped by it. */
  target: string;
  label: string;
  active: boolean;
}

export interface LabProbePoint {
  /** ms since the epoch. */
  at: number;
  ok: boolean;
}

/** A service's health from the lab's own probe of it (`http:<name>` through the ingress). */
export interface LabServiceHealth {
  /** The service's name in the spec (the tile's). */
  name: string;
  ok: boolean;
  /** `HTTP 200`, `HTTP 502`, `timeout`... */
  detail: string;
}

export interface LabView {
  id: string;
  /** ms since the epoch when the status was read. */
  at: number;
  vips: LabVipView[];
  /** etcd quorum and leader, corosync quorum... */
  checks: LabCheck[];
  databases: { name: string; primary?: string; detail: string }[];
  backends: { balancer: string; server: string; up: boolean }[];
  faults: LabFault[];
  /** What the active faults broke, in the topology's ids, to mark it on the drawing. */
  marks: {
    /** `host:NAME`, `nic:HOST/NIC`, `guest:NAME` (the what-if vocabulary). */
    failed: string[];
    /** Daemon chips, e.g. `keepalived@lb-1`. */
    components: string[];
    guestsDown: string[];
  };
  /** Each probed service's health at this status, read in the same poll. */
  services: LabServiceHealth[];
  /** Probe results per target (VIP address or service), oldest first, for the timeline. */
  probes: Record<string, LabProbePoint[]>;
  notes: string[];
}

export type LabResponse =
  | { available: false; reason: string }
  | { available: true; running: false; reason: string }
  | { available: true; running: true; view: LabView };

export interface LabFaultRequest {
  fault: string;
}

/** POST /api/lab/restore: one fault (its button id), or every active fault when absent. */
export interface LabRestoreRequest {
  fault?: string;
}

export interface ActionResponse {
  ok: boolean;
  message: string;
}

/** Server-sent events on /api/events. */
export type UiEvent = { type: "spec"; version: number } | { type: "lab"; lab: LabResponse };
