// Polls the lab while someone watches the page and keeps a short probe history per target, so the
// timeline survives a page reload and the lab itself only has to report its latest probes.
import type { Model } from "../model/model.js";
import type { LabProbePoint, LabResponse } from "./api-types.js";
import type { LabBackend } from "./backends.js";

/** How much probe history the timeline shows. */
export const HISTORY_MS = 120_000;

export class LabMonitor {
  private last?: LabResponse;
  private readonly history = new Map<string, LabProbePoint[]>();
  private timer?: NodeJS.Timeout;
  private polling?: Promise<LabResponse>;

  constructor(
    private readonly backend: LabBackend,
    private readonly model: () => Model | undefined,
    private readonly publish: (lab: LabResponse) => void,
    private readonly intervalMs: number,
  ) {}

  /** Polls now (or joins the poll under way) and publishes the result. */
  poll(): Promise<LabResponse> {
    this.polling ??= this.read().finally(() => {
      this.polling = undefined;
    });
    return this.polling;
  }

  latest(): Promise<LabResponse> {
    return this.last ? Promise.resolve(this.last) : this.poll();
  }

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.poll(), this.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Forgets the history (a new spec, or a lab brought down and up again). */
  reset(): void {
    this.history.clear();
    this.last = undefined;
  }

  private async read(): Promise<LabResponse> {
    const model = this.model();
    let r: LabResponse;
    if (!model) r = { available: true, running: false, reason: "the spec has errors" };
    else {
      try {
        r = await this.backend.status(model);
      } catch (err) {
        r = {
          available: true,
          running: false,
          reason: `reading the lab's status failed: ${(err as Error).message}`,
        };
      }
    }
    if (r.available && r.running)
      r = { ...r, view: { ...r.view, probes: this.merge(r.view.probes, r.view.at) } };
    this.last = r;
    this.publish(r);
    return r;
  }

  private merge(fresh: Record<string, LabProbePoint[]>, now: number): Record<string, LabProbePoint[]> {
    for (const [target, points] of Object.entries(fresh)) {
      const kept = this.history.get(target) ?? [];
      const newest = kept.length > 0 ? kept[kept.length - 1]!.at : -Infinity;
      kept.push(...points.filter((p) => p.at > newest).sort((a, b) => a.at - b.at));
      this.history.set(target, kept);
    }
    const out: Record<string, LabProbePoint[]> = {};
    for (const [target, points] of [...this.history.entries()].sort(([a], [b]) => a.localeCompare(b))) {
      const recent = points.filter((p) => p.at >= now - HISTORY_MS);
      this.history.set(target, recent);
      out[target] = recent;
    }
    return out;
  }
}
