// The file `hlab plan --measured` reads: {"source": "...", "timings": {"<timing name>": ms}}. Each
// timing is the median of the outages the lab attributed to that component's failover (a probe
// path whose slowest failing component it was), so the plan's availability rests on measurements.
import { percentile } from "./measure.js";
import type { LabReport } from "./runner.js";

export interface MeasuredTimings {
  source: string;
  timings: Record<string, number>;
}

/** The lab runs Patroni for CloudNativePG databases: what it measured is Patroni's failover. */
const MEASURED_AS: Record<string, string> = { "cnpg.failover": "patroni.failover" };

export function measuredSamples(report: LabReport): Record<string, number[]> {
  const samples: Record<string, number[]> = {};
  for (const f of report.faults) {
    for (const row of f.rows) {
      const timing = row.predicted?.timing;
      // A flapping NIC that came back before the failover measured the flap, not the failover.
      if (!timing || row.predicted?.partial || row.predicted?.capped || row.measuredMs === null) continue;
      const name = MEASURED_AS[timing] ?? timing;
      (samples[name] ??= []).push(row.measuredMs);
    }
  }
  return samples;
}

export function measuredTimings(report: LabReport, command: string): MeasuredTimings {
  const samples = measuredSamples(report);
  const timings: Record<string, number> = {};
  const counts: string[] = [];
  for (const [name, values] of Object.entries(samples).sort()) {
    timings[name] = Math.round(
      percentile(
        [...values].sort((a, b) => a - b),
        0.5,
      ),
    );
    counts.push(`${name}: ${values.length}`);
  }
  return {
    source: `${command}, lab ${report.lab}, ${report.startedAt} (median of measured outages; samples ${counts.join(", ") || "none"})`,
    timings,
  };
}
