// The plan's RPO and RTO for what a drill restores, as the drill prints them beside its measurement.
//
// INTERIM (lab-local, until src/analyze/recovery.ts lands on main): the smallest prediction the
// drills need, built from the same default figures src/model/recovery-figures.ts will hold
// (archive push, restore throughput, WAL replay, PostgreSQL start; etcd snapshot restore) so that
// replacing this with the plan's own function changes no number a drill compares with.
export interface RestorePrediction {
  rpoMs: number;
  rtoMs: number;
  /** How each figure was made, term by term. */
  basis: string[];
  source: string;
}

/** Default figures (ms, MiB/s): the lab replaces them with measured ones (`--measured`). */
export const INTERIM_FIGURES = {
  "archive.push": 10_000,
  "restore.throughput.nfs": 80,
  "wal.replay": 50,
  "postgres.start": 15_000,
  "etcd.restore": 10_000,
};

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
    source: "interim lab prediction (src/lab/drill/prediction.ts)",
  };
}

export function predictEtcdRestore(input: {
  snapshotIntervalMs: number;
  figures?: Readonly<Record<string, number>>;
}): RestorePrediction {
  const f: typeof INTERIM_FIGURES = { ...INTERIM_FIGURES, ...pick(input.figures) };
  return {
    rpoMs: input.snapshotIntervalMs,
    rtoMs: f["etcd.restore"],
    basis: [
      `RPO: snapshot interval ${input.snapshotIntervalMs} ms`,
      `RTO: etcd snapshot restore and restart ${f["etcd.restore"]} ms`,
    ],
    source: "interim lab prediction (src/lab/drill/prediction.ts)",
  };
}

/** The figures among `given` that this prediction uses (a measured file may hold others). */
function pick(given: Readonly<Record<string, number>> | undefined): Partial<typeof INTERIM_FIGURES> {
  const out: Partial<Record<InterimFigure, number>> = {};
  for (const k of Object.keys(INTERIM_FIGURES) as InterimFigure[])
    if (given?.[k] !== undefined) out[k] = given[k];
  return out;
}
