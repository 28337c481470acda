// What a drill takes from the plan when the command line says nothing (archive_timeout, the etcd
// snapshot interval), and the file it writes for `hlab plan --measured`: the failover file's shape
// ({"source", "timings"}) with the recovery figures beside it ({"recovery": {"<name>": value}},
// named as src/model/recovery-figures.ts names them), each the median over the drills run.
import type { Model } from "../../model/model.js";
import { percentile } from "../measure.js";
import type { DrillReport } from "./drill-report.js";

/** CloudNativePG's default archive_timeout (5min), which hlab also writes for Patroni. */
export const DEFAULT_ARCHIVE_TIMEOUT_MS = 300_000;

export function drillArchiveTimeoutMs(model: Model, db: string): number {
  const backups = model.databases.find((d) => d.name === db)?.backups as
    { archiveTimeoutMs?: number } | undefined;
  return backups?.archiveTimeoutMs ?? DEFAULT_ARCHIVE_TIMEOUT_MS;
}

/**
 * The interval of the K3s etcd snapshot schedule (five-field cron): `*\/N` in the hour or minute
 * field, a list of hours, else once a day. K3s's default `0 *\/12 * * *` is 12 h.
 */
export function drillSnapshotIntervalMs(model: Model): number {
  const schedule = model.kubernetes?.etcdSnapshots.schedule ?? "0 */12 * * *";
  const [minute = "", hour = ""] = schedule.trim().split(/\s+/);
  const step = (f: string): number | undefined => {
    const m = /^\*\/(\d+)$/.exec(f);
    return m ? Number(m[1]) : f === "*" ? 1 : undefined;
  };
  const everyMinutes = step(minute);
  if (everyMinutes !== undefined && hour === "*") return everyMinutes * 60_000;
  const everyHours = step(hour);
  if (everyHours !== undefined) return everyHours * 3_600_000;
  const hours = hour.split(",").filter((h) => /^\d+$/.test(h)).length;
  return hours > 1 ? Math.round(24 / hours) * 3_600_000 : 86_400_000;
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
