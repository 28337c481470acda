// What a drill takes from the plan when the command line says nothing (archive_timeout, the etcd
// snapshot interval), and the file it writes for `hlab plan --measured`: the failover file's shape
// ({"source", "timings"}) with the recovery figures beside it ({"recovery": {"<name>": value}},
// named as src/model/recovery-figures.ts names them), each the median over the drills run.
import { cronWorstGapMs } from "../../model/cron.js";
import type { Model } from "../../model/model.js";
import { DEFAULT_ARCHIVE_TIMEOUT_MS } from "../../model/recovery-figures.js";
import { percentile } from "../measure.js";
import type { DrillReport } from "./drill-report.js";

export function drillArchiveTimeoutMs(model: Model, db: string): number {
  return model.databases.find((d) => d.name === db)?.backups?.archiveTimeoutMs ?? DEFAULT_ARCHIVE_TIMEOUT_MS;
}

/** The longest gap of the K3s etcd snapshot schedule (the plan's own cron reading). */
export function drillSnapshotIntervalMs(model: Model): number {
  return cronWorstGapMs(model.kubernetes?.etcdSnapshots.schedule ?? "0 */12 * * *") ?? 86_400_000;
}

export interface DrillMeasuredFile {
  source: string;
  timings: Record<string, number>;
  recovery: Record<string, number>;
}

export function drillMeasuredFile(reports: DrillReport[], command: string): DrillMeasuredFile {
  const samples: Record<string, number[]> = {};
  for (const r of reports) for (const [k, v] of Object.entries(r.measured)) (samples[k] ??= []).push(v);
  const recovery: Record<string, number> = {};
  const counts: string[] = [];
  for (const [k, vs] of Object.entries(samples).sort()) {
    const v = percentile(
      [...vs].sort((a, b) => a - b),
      0.5,
    );
    recovery[k] = k.includes("throughput") ? Math.round(v * 10) / 10 : Math.round(v);
    counts.push(`${k}: ${vs.length}`);
  }
  const first = reports[0];
  return {
    source: `${command}, lab ${first?.lab ?? "?"}, ${new Date(first?.disasterAt ?? Date.now()).toISOString()} (median of drills; samples ${counts.join(", ") || "none"})`,
    timings: {},
    recovery,
  };
}
