// The backup part of the model: named destinations with the failure domain each shares with the
// data (its host, its guest's host, its gear), and every policy pointing at one by name. The older
// bare URLs (`databases.*.backups.destination`, `storage.longhorn.backupTarget`) keep working: each
// becomes an undeclared destination, which the plan reports as of unknown failure domain.
import type {
  BackupDestination,
  DatabaseBackups,
  Guest,
  Host,
  Model,
  RecoveryTargets,
} from "../model/model.js";
import { DEFAULT_ARCHIVE_TIMEOUT_MS } from "../model/recovery-figures.js";
import { durationMs, sizeBytes } from "../model/units.js";
import type { ParsedSpec } from "./schema.js";

type Targets = { rpo?: string | number; rto?: string | number };

export const targetsOf = (t: Targets | undefined): RecoveryTargets => ({
  ...(t?.rpo !== undefined ? { rpoMs: durationMs(t.rpo) } : {}),
  ...(t?.rto !== undefined ? { rtoMs: durationMs(t.rto) } : {}),
});

/** "100MiB/s" to MiB per second. */
const throughputMiBps = (text: string): number => sizeBytes(text.replace(/\/s$/, "")) / 2 ** 20;

export function backupDestinations(
  spec: ParsedSpec,
  hosts: readonly Host[],
  guests: readonly Guest[],
): BackupDestination[] {
  const out: BackupDestination[] = [];
  for (const [name, d] of Object.entries(spec.backups?.destinations ?? {})) {
    const host = d.host ?? guests.find((g) => g.name === d.guest)?.host;
    const hostGear = hosts.find((h) => h.name === host)?.dependsOn ?? [];
    out.push({
      name,
      kind: d.kind,
      url: d.url,
      endpoint: d.endpoint,
      region: d.region,
      host,
      guest: d.guest,
      dependsOn: [...new Set([...(d.dependsOn ?? []), ...hostGear])].sort(),
      offsite: d.offsite,
      media: d.media ?? (d.offsite ? "cloud" : "disk"),
      throughputMiBps: d.throughput !== undefined ? throughputMiBps(d.throughput) : undefined,
      encryption: d.encryption,
      declared: true,
      path: ["backups", "destinations", name],
    });
  }
  return out;
}

/** An undeclared destination from a bare URL of the older form. */
function urlDestination(name: string, url: string, path: (string | number)[]): BackupDestination {
  return {
    name,
    kind: url.startsWith("nfs://") ? "nfs" : "s3",
    url,
    dependsOn: [],
    offsite: false,
    media: "disk",
    encryption: false,
    declared: false,
    path,
  };
}

const urlOf = (dests: readonly BackupDestination[], to: string | undefined): string | undefined =>
  dests.find((d) => d.name === to)?.url;

/** A database's policy; a bare `destination` URL adds an undeclared destination to `dests`. */
export function databaseBackups(
  db: string,
  b: NonNullable<NonNullable<ParsedSpec["databases"]>[string]["backups"]>,
  dests: BackupDestination[],
): DatabaseBackups {
  let to = b.to;
  if (!to && b.destination) {
    to = `${db}-backups`;
    dests.push(urlDestination(to, b.destination, ["databases", db, "backups", "destination"]));
  }
  return {
    schedule: b.schedule,
    to,
    destination: urlOf(dests, to),
    walArchive: b.walArchive,
    archiveTimeoutMs:
      b.archiveTimeout !== undefined ? durationMs(b.archiveTimeout) : DEFAULT_ARCHIVE_TIMEOUT_MS,
    retention: b.retention,
    ...targetsOf(b),
  };
}

/** Longhorn's backups: `backups.to`, else the older `backupTarget` on the snapshot schedule. */
export function longhornBackups(
  lh: NonNullable<NonNullable<ParsedSpec["storage"]>["longhorn"]> | undefined,
  dests: BackupDestination[],
): { backupTarget?: string; backups?: NonNullable<NonNullable<Model["storage"]["longhorn"]>["backups"]> } {
  if (lh?.backups) {
    const { to, schedule, retain } = lh.backups;
    return { backupTarget: urlOf(dests, to), backups: { to, schedule, retain, ...targetsOf(lh.backups) } };
  }
  if (lh?.backupTarget) {
    const to = "longhorn-backup-target";
    dests.push(urlDestination(to, lh.backupTarget, ["storage", "longhorn", "backupTarget"]));
    return {
      backupTarget: lh.backupTarget,
      backups: { to, schedule: lh.snapshotSchedule ?? "0 3 * * *", retain: 14 },
    };
  }
  return {};
}
