// A prediction for what a drill restores when the plan makes none (the spec sets no backup policy
// for it, so src/analyze/recovery.ts has no copy to predict from): the same default figures
// (src/model/recovery-figures.ts) applied to the lab's backup, WAL and archive_timeout, labelled as
// the lab's fallback. With a policy in the spec the drill uses the plan's own terms (plan-prediction.ts).
import { RECOVERY_FIGURES } from "../../model/recovery-figures.js";

export interface RestorePrediction {
  rpoMs: number;
  rtoMs: number;
  /** How each figure was made, term by term. */
  basis: string[];
  source: string;
}

/** The plan's default figures the fallback uses (ms, MiB/s). */
export const INTERIM_FIGURES = {
  "archive.push": RECOVERY_FIGURES["archive.push"].value,
  "restore.throughput.nfs": RECOVERY_FIGURES["restore.throughput.nfs"].value,
  "wal.replay": RECOVERY_FIGURES["wal.replay"].value,
  "postgres.start": RECOVERY_FIGURES["postgres.start"].value,
  "k3s.clusterReset": RECOVERY_FIGURES["k3s.clusterReset"].value,
} as Record<
  "archive.push" | "restore.throughput.nfs" | "wal.replay" | "postgres.start" | "k3s.clusterReset",
  number
>;

export type InterimFigure = keyof typeof INTERIM_FIGURES;

const MiB = 1024 * 1024;

export function predictDatabaseRestore(input: {
  archiveTimeoutMs: number;
  backupBytes: number;
  walBytes: number;
  figures?: Readonly<Record<string, number>>;
}): RestorePrediction {
  const f: typeof INTERIM_FIGURES = { ...INTERIM_FIGURES, ...pick(input.figures) };
  const transfer = (input.backupBytes / MiB / f["restore.throughput.nfs"]) * 1000;
  const replay = (input.walBytes / MiB / f["wal.replay"]) * 1000;
  return {
    rpoMs: input.archiveTimeoutMs + f["archive.push"],
    rtoMs: Math.round(transfer + replay + f["postgres.start"]),
    basis: [
      `RPO: archive_timeout ${input.archiveTimeoutMs} ms + archive push ${f["archive.push"]} ms`,
      `RTO: backup ${(input.backupBytes / MiB).toFixed(1)} MiB at ${f["restore.throughput.nfs"]} MiB/s + WAL ${(input.walBytes / MiB).toFixed(1)} MiB at ${f["wal.replay"]} MiB/s + start ${f["postgres.start"]} ms`,
    ],
    source:
      "no backup policy in the spec, so no plan prediction: the lab's fallback on the plan's default figures (src/lab/drill/prediction.ts)",
  };
}

export function predictEtcdRestore(input: {
  snapshotIntervalMs: number;
  figures?: Readonly<Record<string, number>>;
}): RestorePrediction {
  const f: typeof INTERIM_FIGURES = { ...INTERIM_FIGURES, ...pick(input.figures) };
  return {
    rpoMs: input.snapshotIntervalMs,
    rtoMs: f["k3s.clusterReset"],
    basis: [
      `RPO: snapshot interval ${input.snapshotIntervalMs} ms`,
      `RTO: the datastore restored and restarted (k3s.clusterReset) ${f["k3s.clusterReset"]} ms`,
    ],
    source:
      "no backup policy in the spec, so no plan prediction: the lab's fallback on the plan's default figures (src/lab/drill/prediction.ts)",
  };
}

/** The figures among `given` that this prediction uses (a measured file may hold others). */
function pick(given: Readonly<Record<string, number>> | undefined): Partial<typeof INTERIM_FIGURES> {
  const out: Partial<Record<InterimFigure, number>> = {};
  for (const k of Object.keys(INTERIM_FIGURES) as InterimFigure[])
    if (given?.[k] !== undefined) out[k] = given[k];
  return out;
}
