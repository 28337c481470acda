// RPO and RTO of every service holding data: how much a restore loses, and how long until it serves.
//
// Exported (pure, for the plan, the what-if and the lab's restore drill):
//   dataServices(model): string[]                      names: "kubernetes-datastore", each database,
//                                                      each service with a Longhorn volume
//   predictRecovery(model, name, overrides?): RecoveryPrediction | undefined
//   recoveryPredictions(model, overrides?): RecoveryPrediction[]   one per data-bearing service
//   copyAfter(prediction, lost): RecoveryCopy | undefined          the best copy that survives a loss
// A RecoveryPrediction has `copies` (each backup that holds the data: mechanism, destination, where
// it lives, rpoMs/rpoTerms, rtoMs/rtoTerms) and `best` (the copy with the smallest RPO, then RTO);
// `rpoMs`/`rtoMs` are best's, null when nothing backs the data up. Every term names the figures it
// used (src/model/recovery-figures.ts) and their source; `overrides.measured.figures` replaces them
// the way `hlab plan --measured` replaces failover timings ({"recovery": {"<figure>": value}}).
import { cronWorstGapMs } from "../model/cron.js";
import type { MeasuredTimings } from "./failover-costs.js";
import type { BackupDestination, Model, RecoveryTargets } from "../model/model.js";
import { RECOVERY_FIGURES, type RecoveryFigureName } from "../model/recovery-figures.js";

export const KUBERNETES_DATASTORE = "kubernetes-datastore";

export type RecoveryMechanism =
  "etcd-snapshot" | "cnpg-barman-cloud" | "pgbackrest" | "longhorn-backup" | "vzdump";

export interface MeasuredRecovery {
  figures: Partial<Record<string, number>>;
  source: string;
}

export interface RecoveryOverrides {
  measured?: MeasuredRecovery;
}

/** One figure as used: its value in its unit, and whether it is the default, the spec's or measured. */
export interface RecoveryFigureUse {
  name: string;
  value: number;
  unit: string;
  source: string;
}

export interface RecoveryTerm {
  /** What the time is spent on: "interval", "archive", "restore", "replay", "start". */
  name: string;
  ms: number;
  detail: string;
  figures: RecoveryFigureUse[];
}

export interface RecoveryCopy {
  mechanism: RecoveryMechanism;
  /** The destination it is written to; undefined for snapshots kept on the data's own machines. */
  destination?: string;
  /** Physical hosts the copy sits on (none for a gear-only, undeclared or offsite destination). */
  hosts: string[];
  gear: string[];
  offsite: boolean;
  media: string;
  /** False when the destination is a bare URL of the older form: where it lives is unknown. */
  locationKnown: boolean;
  encrypted: boolean;
  rpoMs: number;
  rpoTerms: RecoveryTerm[];
  rtoMs: number;
  rtoTerms: RecoveryTerm[];
  /** The spec path of the policy that makes the copy (findings point there). */
  path: (string | number)[];
}

export interface RecoveryPrediction {
  name: string;
  kind: "datastore" | "database" | "volume";
  /** Size a restore reads (MiB): the volume, an upper bound, or the datastore figure. */
  sizeMiB: number;
  /** Physical hosts the live data sits on. */
  hosts: string[];
  copies: RecoveryCopy[];
  best?: RecoveryCopy;
  rpoMs: number | null;
  rtoMs: number | null;
  targets: RecoveryTargets;
  /** The spec path of the data (the database, the service, kubernetes). */
  path: (string | number)[];
}

/** What a failure destroyed: hosts, gear, or the whole site (everything not offsite). */
export interface DataLoss {
  hosts: ReadonlySet<string>;
  gear: ReadonlySet<string>;
  site: boolean;
}

class Figures {
  constructor(private readonly overrides: RecoveryOverrides) {}
  use(name: RecoveryFigureName): RecoveryFigureUse {
    const f = RECOVERY_FIGURES[name];
    const m = this.overrides.measured?.figures[name];
    return m !== undefined
      ? { name, value: m, unit: f.unit, source: `measured (${this.overrides.measured!.source})` }
      : { name, value: f.value, unit: f.unit, source: f.source };
  }
  /** The destination's restore throughput: measured for its kind, else the spec's, else the default. */
  throughput(d: BackupDestination | undefined): RecoveryFigureUse {
    const name: RecoveryFigureName = d?.kind === "nfs" ? "restore.throughput.nfs" : "restore.throughput.s3";
    const def = this.use(name);
    if (def.source.startsWith("measured") || d?.throughputMiBps === undefined) return def;
    return {
      name: `backups.destinations.${d.name}.throughput`,
      value: d.throughputMiBps,
      unit: "MiB/s",
      source: "spec",
    };
  }
}

const sum = (terms: readonly RecoveryTerm[]): number => terms.reduce((a, t) => a + t.ms, 0);
const mib = (n: number): string =>
  n >= 1024 ? `${Math.round((n / 1024) * 10) / 10} GiB` : `${Math.round(n)} MiB`;

function intervalTerm(schedule: string, what: string): RecoveryTerm {
  const ms = cronWorstGapMs(schedule) ?? 86_400_000;
  return {
    name: "interval",
    ms,
    detail: `${what} on "${schedule}": at most this long since the last`,
    figures: [],
  };
}

function readTerm(sizeMiB: number, tp: RecoveryFigureUse, what: string): RecoveryTerm {
  return {
    name: "restore",
    ms: Math.round((sizeMiB / tp.value) * 1000),
    detail: `${what}: ${mib(sizeMiB)} at ${tp.value} MiB/s`,
    figures: [tp],
  };
}

const startTerm = (f: RecoveryFigureUse, detail: string): RecoveryTerm => ({
  name: "start",
  ms: f.value,
  detail,
  figures: [f],
});

interface Where {
  hosts: string[];
  gear: string[];
  offsite: boolean;
  media: string;
  locationKnown: boolean;
  encrypted: boolean;
}

function whereDestination(model: Model, d: BackupDestination): Where {
  return {
    hosts: d.host && !d.offsite ? [d.host] : [],
    gear: d.offsite ? [] : d.dependsOn,
    offsite: d.offsite,
    media: d.media,
    locationKnown: d.declared,
    encrypted: d.encryption,
  };
}

const hostsOfGuests = (model: Model, guests: readonly string[]): string[] =>
  [...new Set(guests.map((g) => model.guests.find((x) => x.name === g)?.host ?? ""))].filter(Boolean).sort();
const gearOfHosts = (model: Model, hosts: readonly string[]): string[] =>
  [...new Set(hosts.flatMap((h) => model.hosts.find((x) => x.name === h)?.dependsOn ?? []))].sort();
const k8sGuests = (model: Model): string[] =>
  model.kubernetes ? [...model.kubernetes.servers, ...model.kubernetes.agents] : [];

/** A vzdump copy of the guests holding the data, when the Proxmox job covers all of them. */
function vzdumpCopy(model: Model, guests: readonly string[], figures: Figures): RecoveryCopy | undefined {
  const job = model.proxmox?.backups;
  if (!job || guests.length === 0 || !guests.every((g) => job.guests.includes(g))) return undefined;
  const dest = model.backups.destinations.find((d) => d.name === job.to);
  if (!dest) return undefined;
  // Every guest is restored from the same storage in turn: the largest bounds one, the sum all.
  const diskMiB = guests.reduce(
    (a, g) => a + (model.guests.find((x) => x.name === g)?.diskGiB ?? 0) * 1024,
    0,
  );
  const rpoTerms = [intervalTerm(job.schedule, "vzdump")];
  const rtoTerms = [
    readTerm(diskMiB, figures.throughput(dest), `guest disks of ${guests.join(", ")}`),
    startTerm(figures.use("vzdump.restoreStart"), "restore finished and guests booted"),
  ];
  return {
    mechanism: "vzdump",
    destination: dest.name,
    ...whereDestination(model, dest),
    rpoMs: sum(rpoTerms),
    rpoTerms,
    rtoMs: sum(rtoTerms),
    rtoTerms,
    path: ["proxmox", "backups"],
  };
}

function datastore(model: Model, figures: Figures): RecoveryPrediction | undefined {
  const k8s = model.kubernetes;
  if (!k8s || k8s.servers.length === 0) return undefined;
  const hosts = hostsOfGuests(model, k8s.servers);
  const size = figures.use("etcd.size");
  const snap = k8s.etcdSnapshots;
  const copies: RecoveryCopy[] = [];
  const reset = startTerm(
    figures.use("k3s.clusterReset"),
    "k3s --cluster-reset from the snapshot, the other servers rejoin",
  );
  if (k8s.datastore === "embedded-etcd") {
    const rpoTerms = [intervalTerm(snap.schedule, "etcd snapshots")];
    // K3s keeps every snapshot on each server's own disk (--etcd-snapshot-dir): a copy per host.
    for (const host of hosts)
      copies.push({
        mechanism: "etcd-snapshot",
        hosts: [host],
        gear: gearOfHosts(model, [host]),
        offsite: false,
        media: "disk",
        locationKnown: true,
        encrypted: false,
        rpoMs: sum(rpoTerms),
        rpoTerms,
        rtoMs: reset.ms,
        rtoTerms: [
          { name: "restore", ms: 0, detail: "the snapshot is on the server's own disk", figures: [size] },
          reset,
        ],
        path: ["kubernetes", "etcdSnapshots"],
      });
    const dest = model.backups.destinations.find((d) => d.name === snap.to);
    if (dest) {
      const rtoTerms = [readTerm(size.value, figures.throughput(dest), "etcd snapshot"), reset];
      copies.push({
        mechanism: "etcd-snapshot",
        destination: dest.name,
        ...whereDestination(model, dest),
        rpoMs: sum(rpoTerms),
        rpoTerms,
        rtoMs: sum(rtoTerms),
        rtoTerms,
        path: ["kubernetes", "etcdSnapshots", "to"],
      });
    }
  }
  const vz = vzdumpCopy(model, k8s.servers, figures);
  if (vz) copies.push(vz);
  return prediction(model, {
    name: KUBERNETES_DATASTORE,
    kind: "datastore",
    sizeMiB: size.value,
    hosts,
    copies,
    targets: { ...model.backups.targets, ...pickTargets(snap) },
    path: ["kubernetes"],
  });
}

const pickTargets = (t: RecoveryTargets | undefined): RecoveryTargets => ({
  ...(t?.rpoMs !== undefined ? { rpoMs: t.rpoMs } : {}),
  ...(t?.rtoMs !== undefined ? { rtoMs: t.rtoMs } : {}),
});

function database(model: Model, name: string, figures: Figures): RecoveryPrediction | undefined {
  const db = model.databases.find((d) => d.name === name);
  if (!db) return undefined;
  const guests = db.engine === "patroni" ? db.guests : k8sGuests(model);
  const hosts = hostsOfGuests(model, guests);
  const sizeMiB = db.storageGiB * 1024;
  const copies: RecoveryCopy[] = [];
  const b = db.backups;
  const dest = model.backups.destinations.find((d) => d.name === b?.to);
  if (b && dest) {
    const archive = figures.use("archive.push");
    const rpoTerms: RecoveryTerm[] = b.walArchive
      ? [
          {
            name: "archive",
            ms: b.archiveTimeoutMs,
            detail: "archive_timeout: a WAL segment is archived at least this often",
            figures: [],
          },
          {
            name: "archive",
            ms: archive.value,
            detail: "archive_command shipping the segment",
            figures: [archive],
          },
        ]
      : [intervalTerm(b.schedule, "base backups")];
    const baseGap = cronWorstGapMs(b.schedule) ?? 86_400_000;
    const walMiB = (figures.use("wal.perDay").value * baseGap) / 86_400_000;
    const replay = figures.use("wal.replay");
    const rtoTerms: RecoveryTerm[] = [
      readTerm(sizeMiB, figures.throughput(dest), "base backup"),
      ...(b.walArchive
        ? [
            {
              name: "replay",
              ms: Math.round((walMiB / replay.value) * 1000),
              detail: `WAL since the last base backup: ${mib(walMiB)} at ${replay.value} MiB/s`,
              figures: [figures.use("wal.perDay"), replay],
            },
          ]
        : []),
      ...(db.engine === "cloudnative-pg"
        ? [startTerm(figures.use("cnpg.bootstrap"), "CloudNativePG bootstraps the Cluster from the backup")]
        : []),
      startTerm(figures.use("postgres.start"), "PostgreSQL starts and accepts writes"),
    ];
    copies.push({
      mechanism: db.engine === "patroni" ? "pgbackrest" : "cnpg-barman-cloud",
      destination: dest.name,
      ...whereDestination(model, dest),
      rpoMs: sum(rpoTerms),
      rpoTerms,
      rtoMs: sum(rtoTerms),
      rtoTerms,
      path: ["databases", db.name, "backups", b.destination && !dest.declared ? "destination" : "to"],
    });
  }
  if (db.engine === "patroni") {
    const vz = vzdumpCopy(model, db.guests, figures);
    if (vz) copies.push(vz);
  }
  return prediction(model, {
    name: db.name,
    kind: "database",
    sizeMiB,
    hosts,
    copies,
    targets: { ...model.backups.targets, ...pickTargets(b) },
    path: ["databases", db.name],
  });
}

function volume(model: Model, name: string, figures: Figures): RecoveryPrediction | undefined {
  const svc = model.services.find((s) => s.name === name);
  if (!svc || svc.persistenceGiB <= 0 || svc.on.length > 0 || !model.kubernetes) return undefined;
  const lh = model.storage.class === "longhorn" ? model.storage.longhorn : undefined;
  const hosts = hostsOfGuests(model, k8sGuests(model));
  const sizeMiB = svc.persistenceGiB * 1024;
  const copies: RecoveryCopy[] = [];
  const dest = model.backups.destinations.find((d) => d.name === lh?.backups?.to);
  if (lh?.backups && dest) {
    const rpoTerms = [intervalTerm(lh.backups.schedule, "Longhorn backups")];
    const rtoTerms = [
      readTerm(sizeMiB, figures.throughput(dest), "volume backup"),
      startTerm(figures.use("longhorn.restoreStart"), "volume attached, pod started"),
    ];
    copies.push({
      mechanism: "longhorn-backup",
      destination: dest.name,
      ...whereDestination(model, dest),
      rpoMs: sum(rpoTerms),
      rpoTerms,
      rtoMs: sum(rtoTerms),
      rtoTerms,
      path: ["storage", "longhorn", dest.declared ? "backups" : "backupTarget"],
    });
  }
  return prediction(model, {
    name: svc.name,
    kind: "volume",
    sizeMiB,
    hosts,
    copies,
    targets: { ...model.backups.targets, ...pickTargets(lh?.backups) },
    path: ["services", svc.name],
  });
}

function prediction(
  model: Model,
  p: Omit<RecoveryPrediction, "best" | "rpoMs" | "rtoMs">,
): RecoveryPrediction {
  const best = bestOf(p.copies);
  return { ...p, ...(best ? { best } : {}), rpoMs: best?.rpoMs ?? null, rtoMs: best?.rtoMs ?? null };
}

const bestOf = (copies: readonly RecoveryCopy[]): RecoveryCopy | undefined =>
  [...copies].sort((a, b) => a.rpoMs - b.rpoMs || a.rtoMs - b.rtoMs)[0];

/** Every service holding data, in a stable order: the datastore, databases, then volumes. */
export function dataServices(model: Model): string[] {
  const out: string[] = [];
  if (model.kubernetes && model.kubernetes.servers.length) out.push(KUBERNETES_DATASTORE);
  out.push(...model.databases.map((d) => d.name).sort());
  if (model.kubernetes)
    out.push(
      ...model.services
        .filter((s) => s.persistenceGiB > 0 && s.on.length === 0)
        .map((s) => s.name)
        .sort(),
    );
  return out;
}

export function predictRecovery(
  model: Model,
  name: string,
  overrides: RecoveryOverrides = {},
): RecoveryPrediction | undefined {
  const figures = new Figures(overrides);
  if (name === KUBERNETES_DATASTORE) return datastore(model, figures);
  return database(model, name, figures) ?? volume(model, name, figures);
}

export function recoveryPredictions(model: Model, overrides: RecoveryOverrides = {}): RecoveryPrediction[] {
  return dataServices(model).flatMap((n) => predictRecovery(model, n, overrides) ?? []);
}

/** A copy is gone with a lost host or gear it sits on, or with the site unless it is offsite. */
export function copySurvives(copy: RecoveryCopy, lost: DataLoss): boolean {
  if (copy.offsite) return true;
  if (lost.site) return false;
  return !copy.hosts.some((h) => lost.hosts.has(h)) && !copy.gear.some((g) => lost.gear.has(g));
}

/** The best copy left after a loss; undefined when none survives. */
export function copyAfter(p: RecoveryPrediction, lost: DataLoss): RecoveryCopy | undefined {
  return bestOf(p.copies.filter((c) => copySurvives(c, lost)));
}

/** The recovery figures of a `hlab plan --measured` file, in the shape the predictions take. */
export const recoveryOverrides = (measured: MeasuredTimings | undefined): RecoveryOverrides =>
  measured?.recovery ? { measured: { figures: measured.recovery, source: measured.source } } : {};
