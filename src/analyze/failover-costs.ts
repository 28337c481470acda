// What each failover transition costs, and where the figure comes from. Precedence, from strongest:
// a figure measured by `hlab lab` (--measured), a command-line override (--timings), the spec's
// plan.timings, the component's own configuration in the spec (the load balancer's VRRP advert and
// health checks, kube-vip's lease, the eviction toleration), then the documented default
// (src/model/timings.ts, from shared/reference/ha-timings.md).
import type { LoadBalancer, Model } from "../model/model.js";
import { haproxyDetectMs } from "../topology/failover-formulas.js";
import { groupTakeoverMs, lbGroup } from "../topology/vrrp-groups.js";
import { DEFAULT_TIMINGS, TIMING_NAMES, type TimingName } from "../model/timings.js";
import { RECOVERY_FIGURE_NAMES } from "../model/recovery-figures.js";
import type { TimingFigure } from "./plan-report.js";

export interface MeasuredTimings {
  timings: Partial<Record<string, number>>;
  source: string;
  /** Recovery figures a restore drill measured (src/model/recovery-figures.ts names, in their units). */
  recovery?: Partial<Record<string, number>>;
}

export interface TimingOverrides {
  measured?: MeasuredTimings;
  /** --timings name=ms */
  option?: Partial<Record<string, number>>;
}

/** The backup's keepalived priority the takeover formula assumes (seed 003 used 100). */
export const BACKUP_PRIORITY = 100;

export class FailoverCosts {
  readonly figures: TimingFigure[];
  private readonly byName: Map<string, TimingFigure>;

  constructor(
    private readonly model: Model,
    overrides: TimingOverrides = {},
  ) {
    this.figures = TIMING_NAMES.map((name) => {
      const measured = overrides.measured?.timings[name];
      if (measured !== undefined)
        return { name, ms: measured, source: "measured", detail: overrides.measured!.source };
      const option = overrides.option?.[name];
      if (option !== undefined) return { name, ms: option, source: "option" };
      const inSpec = model.source.locate(["plan", "timings", name]);
      const specPos = model.source.locate(["plan", "timings"]);
      const written = inSpec.line > 0 && (inSpec.line !== specPos.line || inSpec.column !== specPos.column);
      const ms = model.timings[name] ?? DEFAULT_TIMINGS[name];
      return { name, ms, source: written || ms !== DEFAULT_TIMINGS[name] ? "spec" : "default" };
    });
    this.byName = new Map(this.figures.map((f) => [f.name, f]));
  }

  /** The figure of a named timing. */
  ms(name: TimingName): number {
    return this.byName.get(name)!.ms;
  }

  /** True when the named figure was set by the user (spec, option or measurement), not defaulted. */
  overridden(name: TimingName): boolean {
    return this.byName.get(name)!.source !== "default";
  }

  /** Keepalived takeover of a pair: the measured or given figure, else its group's Master_Down_Interval. */
  vrrpTakeover(lb: LoadBalancer): number {
    if (this.overridden("vrrp.failover")) return this.ms("vrrp.failover");
    const group = lbGroup(this.model, lb.name);
    return group ? groupTakeoverMs(group) : this.ms("vrrp.failover");
  }

  /** HAProxy noticing a dead backend: inter + (fall - 1) x fastinter. */
  haproxyDetect(lb: LoadBalancer): number {
    if (this.overridden("haproxy.detect")) return this.ms("haproxy.detect");
    return haproxyDetectMs(lb.healthCheck);
  }

  /** kube-vip moving a VIP after its leader dies: about the lease. */
  kubeVip(): number {
    if (this.overridden("kubevip.failover")) return this.ms("kubevip.failover");
    return this.model.kubernetes?.kubeVip.leaseMs ?? this.ms("kubevip.failover");
  }

  /** Time a pod of a lost node waits before it is evicted (the not-ready/unreachable toleration). */
  podEviction(): number {
    if (this.overridden("k8s.podEviction")) return this.ms("k8s.podEviction");
    return this.model.kubernetes?.nodeDownEvictionMs ?? this.ms("k8s.podEviction");
  }

  /** A pod of a lost node running again elsewhere: NotReady, eviction, start, and a Longhorn reattach. */
  reschedule(longhornVolume: boolean): number {
    return (
      this.ms("k8s.nodeNotReady") +
      this.podEviction() +
      this.ms("k8s.podStart") +
      (longhornVolume ? this.ms("longhorn.reattach") : 0)
    );
  }

  /** Proxmox HA bringing a guest up on another node: fencing, recovery, then the guest's boot. */
  haRestart(): number {
    return this.ms("proxmox.haRecovery") + this.ms("guest.boot");
  }
}

/** The `recovery` object of a measured file: figure name to a non-negative number in its unit. */
function parseRecovery(value: unknown): Record<string, number> | string {
  if (value === null || typeof value !== "object" || Array.isArray(value))
    return "`recovery` must be an object of figure name: value";
  const out: Record<string, number> = {};
  for (const [name, v] of Object.entries(value as Record<string, unknown>)) {
    if (!(RECOVERY_FIGURE_NAMES as string[]).includes(name))
      return `unknown recovery figure \`${name}\` (known: ${RECOVERY_FIGURE_NAMES.join(", ")})`;
    if (typeof v !== "number" || !Number.isFinite(v) || v < 0 || (v === 0 && name.includes("throughput")))
      return `recovery figure \`${name}\` must be a positive number in its unit`;
    out[name] = v;
  }
  return out;
}

/**
 * Reads the JSON `hlab lab` writes: {"timings": {"<name>": ms}, "source": "..."}, and from a restore
 * drill {"recovery": {"<figure>": value}} (either or both). Returns the measured figures or a
 * sentence saying what is wrong with the document.
 */
export function parseMeasured(value: unknown): MeasuredTimings | string {
  if (value === null || typeof value !== "object" || Array.isArray(value))
    return "the file must hold a JSON object";
  const doc = value as Record<string, unknown>;
  const recovery = doc.recovery === undefined ? undefined : parseRecovery(doc.recovery);
  if (typeof recovery === "string") return recovery;
  const timings = doc.timings ?? (recovery ? {} : undefined);
  if (timings === null || typeof timings !== "object" || Array.isArray(timings))
    return "`timings` must be an object of name: milliseconds";
  const out: Record<string, number> = {};
  for (const [name, ms] of Object.entries(timings as Record<string, unknown>)) {
    if (!(TIMING_NAMES as string[]).includes(name))
      return `unknown timing \`${name}\` (known: ${TIMING_NAMES.join(", ")})`;
    if (typeof ms !== "number" || !Number.isFinite(ms) || ms < 0)
      return `timing \`${name}\` must be a number of milliseconds`;
    out[name] = ms;
  }
  const source = typeof doc.source === "string" && doc.source ? doc.source : "hlab lab";
  return { timings: out, source, ...(recovery ? { recovery } : {}) };
}

/** Parses `name=ms` overrides (also `name=2s` style durations are refused: milliseconds only). */
export function parseTimingOption(items: readonly string[]): Record<string, number> | string {
  const out: Record<string, number> = {};
  for (const item of items) {
    const m = /^([a-zA-Z0-9.]+)=(\d+(?:\.\d+)?)$/.exec(item.trim());
    if (!m) return `\`${item}\` is not name=milliseconds`;
    if (!(TIMING_NAMES as string[]).includes(m[1]!))
      return `unknown timing \`${m[1]}\` (known: ${TIMING_NAMES.join(", ")})`;
    out[m[1]!] = Number(m[2]);
  }
  return out;
}
