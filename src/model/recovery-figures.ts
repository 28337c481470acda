// The default figures the plan's RPO and RTO predictions rest on (src/analyze/recovery.ts). Each says
// where it comes from; "hlab default, replace with measured" marks a guess for home gear that a
// restore drill (`hlab lab drill restore`, bench/) should replace: `hlab plan --measured FILE` reads
// {"recovery": {"<name>": value}} beside the failover timings, and a destination's `throughput` in
// the spec overrides the throughput of its kind.

export type RecoveryUnit = "ms" | "MiB/s" | "MiB" | "MiB/day";

export interface RecoveryFigure {
  value: number;
  unit: RecoveryUnit;
  source: string;
}

const GUESS = "hlab default, replace with measured";

export const RECOVERY_FIGURES = {
  /** archive_command (pgBackRest archive-push, barman-cloud-wal-archive) shipping one closed segment. */
  "archive.push": { value: 10_000, unit: "ms", source: GUESS },
  /** Reading a backup back from an NFS export over 1 GbE (line rate about 112 MiB/s). */
  "restore.throughput.nfs": { value: 80, unit: "MiB/s", source: GUESS },
  /** Reading a backup back from an S3-compatible store (LAN MinIO or a cloud bucket over the uplink). */
  "restore.throughput.s3": { value: 40, unit: "MiB/s", source: GUESS },
  /** WAL one homelab database writes a day: what a restore replays since the last base backup. */
  "wal.perDay": { value: 1024, unit: "MiB/day", source: GUESS },
  /** PostgreSQL replaying archived WAL (fetch + redo). */
  "wal.replay": { value: 50, unit: "MiB/s", source: GUESS },
  /** PostgreSQL starting on restored files until it accepts a write. */
  "postgres.start": { value: 15_000, unit: "ms", source: GUESS },
  /** CloudNativePG bootstrapping a Cluster from a backup: pods scheduled, volumes bound, job started. */
  "cnpg.bootstrap": { value: 60_000, unit: "ms", source: GUESS },
  /**
   * The K3s datastore a snapshot holds. etcd refuses writes past its 2 GiB quota
   * (--quota-backend-bytes); a homelab's is a small part of it.
   */
  "etcd.size": { value: 256, unit: "MiB", source: GUESS },
  /** `k3s server --cluster-reset --cluster-reset-restore-path`, restart, the other servers rejoin. */
  "k3s.clusterReset": { value: 120_000, unit: "ms", source: GUESS },
  /** A Longhorn volume made from a backup attached, and its pod started. */
  "longhorn.restoreStart": { value: 60_000, unit: "ms", source: GUESS },
  /** qmrestore/pct restore finishing and the guest booting until its services answer. */
  "vzdump.restoreStart": { value: 60_000, unit: "ms", source: GUESS },
} as const satisfies Record<string, RecoveryFigure>;

export type RecoveryFigureName = keyof typeof RECOVERY_FIGURES;
export const RECOVERY_FIGURE_NAMES = Object.keys(RECOVERY_FIGURES) as RecoveryFigureName[];

/**
 * PostgreSQL's archive_timeout when a database's backups set none: a WAL segment is closed and
 * archived at least this often, so it bounds the writes an archive can miss. CloudNativePG's own
 * default (cloudnative-pg/cloudnative-pg pkg/postgres/configuration.go, v1.30.0: "5min"); hlab writes
 * the same into Patroni's configuration for pgBackRest, so both engines have one bound.
 */
export const DEFAULT_ARCHIVE_TIMEOUT_MS = 300_000;
