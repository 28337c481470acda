// The plan's recovery section: RPO and RTO per data-bearing service against its targets, the 3-2-1
// rule (three copies, two media, one offsite), and the findings: a backup sharing a failure domain
// with its data (same host, same power), data with no backup, a destination the tool cannot write,
// an unencrypted offsite copy, a bare URL whose place is unknown, targets missed.
import { diagnostic, type Diagnostic } from "../diagnostic/diagnostic.js";
import type { Code } from "../diagnostic/codes.js";
import type { BackupDestination, Model } from "../model/model.js";
import { spanText as msText } from "./format.js";
import {
  KUBERNETES_DATASTORE,
  recoveryPredictions,
  type RecoveryCopy,
  type RecoveryMechanism,
  type RecoveryOverrides,
  type RecoveryPrediction,
} from "./recovery.js";

/** Gear whose failure can destroy what it feeds (a surge through the strip, a UPS fire), not only cut it. */
const DESTROYING_GEAR = new Set(["power", "ups", "rack"]);

/** The destination kinds each tool writes to (K3s: S3 only; Barman Cloud: object stores; PVE: storages). */
const WRITES_TO: Record<RecoveryMechanism, readonly string[]> = {
  "etcd-snapshot": ["s3"],
  "cnpg-barman-cloud": ["s3"],
  pgbackrest: ["s3", "nfs"],
  "longhorn-backup": ["s3", "nfs"],
  vzdump: ["nfs"],
};

export interface Rule321 {
  name: string;
  copies: number;
  media: number;
  offsite: boolean;
  met: boolean;
}

export interface RecoveryReport {
  services: RecoveryPrediction[];
  rule321: Rule321[];
}

export const serviceLabel = (p: { name: string }): string =>
  p.name === KUBERNETES_DATASTORE ? "Kubernetes datastore" : p.name;

/** Copies of the data: the live one, and each backup at a distinct place. */
function rule321(p: RecoveryPrediction): Rule321 {
  const places = new Set(p.copies.map((c) => c.destination ?? `local:${c.hosts.join()}`));
  const media = new Set(["disk", ...p.copies.map((c) => c.media)]);
  const offsite = p.copies.some((c) => c.offsite);
  const copies = 1 + places.size;
  return { name: p.name, copies, media: media.size, offsite, met: copies >= 3 && media.size >= 2 && offsite };
}

export function recoverySection(
  model: Model,
  overrides: RecoveryOverrides = {},
): { report: RecoveryReport; findings: Diagnostic[] } {
  const services = recoveryPredictions(model, overrides);
  const findings: Diagnostic[] = [];
  const report = (code: Code, path: (string | number)[], message: string, hint: string): void => {
    findings.push(diagnostic(model.source, code, path, message, hint));
  };
  const destination = (c: RecoveryCopy): BackupDestination | undefined =>
    model.backups.destinations.find((d) => d.name === c.destination);

  for (const p of services) {
    const label = serviceLabel(p);
    if (p.copies.length === 0) {
      report(
        "HL151",
        p.path,
        `${label} holds data (${p.kind}) and nothing backs it up: a bad migration or a lost disk loses it all`,
        hintNoBackup(model, p),
      );
      continue;
    }
    const dataGear = new Set(p.hosts.flatMap((h) => model.hosts.find((x) => x.name === h)?.dependsOn ?? []));
    for (const c of p.copies) {
      const d = destination(c);
      if (!d) continue;
      if (!WRITES_TO[c.mechanism].includes(d.kind))
        report(
          "HL157",
          c.path,
          `${c.mechanism} cannot write to \`${d.name}\`, a ${d.kind} destination`,
          `give it one of kind ${WRITES_TO[c.mechanism].join(" or ")}`,
        );
      const sameHost = c.hosts.filter((h) => p.hosts.includes(h));
      const sharedGear = c.gear.filter(
        (g) => dataGear.has(g) && DESTROYING_GEAR.has(model.gear.find((x) => x.name === g)?.kind ?? ""),
      );
      if (sameHost.length)
        report(
          "HL150",
          c.path,
          `the backup of ${label} goes to \`${d.name}\` on ${sameHost.join(", ")}, which also holds ${p.hosts.length === 1 ? "the data itself" : "a copy of the data"}: losing ${sameHost[0]} takes both`,
          "put the destination on a machine that holds none of this data, or add an offsite one",
        );
      else if (sharedGear.length)
        report(
          "HL150",
          c.path,
          `the backup of ${label} goes to \`${d.name}\`, on the same ${sharedGear.join(", ")} as the data: one surge takes both`,
          "plug the destination into other power (or a UPS), or add an offsite destination",
        );
    }
    const r = rule321(p);
    if (!r.met)
      report(
        "HL152",
        p.copies[0]!.path,
        `${label} misses the 3-2-1 rule: ${r.copies} cop${r.copies === 1 ? "y" : "ies"} (3 wanted), ${r.media} medi${r.media === 1 ? "um" : "a"} (2), ${r.offsite ? "one offsite" : "none offsite"}`,
        "add a destination on other media away from the site (an S3 bucket, a disk at a friend's)",
      );
    if (p.targets.rpoMs !== undefined && p.rpoMs !== null && p.rpoMs > p.targets.rpoMs)
      report(
        "HL153",
        targetPath(model, p, "rpo"),
        `${label} can lose up to ${msText(p.rpoMs)} of data (${p.best!.mechanism}), above its RPO of ${msText(p.targets.rpoMs)}`,
        p.kind === "database"
          ? "archive WAL continuously (walArchive) with a shorter archiveTimeout"
          : "back up more often (a shorter schedule)",
      );
    if (p.targets.rtoMs !== undefined && p.rtoMs !== null && p.rtoMs > p.targets.rtoMs) {
      const worst = [...p.best!.rtoTerms].sort((a, b) => b.ms - a.ms)[0]!;
      report(
        "HL154",
        targetPath(model, p, "rto"),
        `${label} takes about ${msText(p.rtoMs)} to restore, above its RTO of ${msText(p.targets.rtoMs)}; most of it: ${worst.detail} (${msText(worst.ms)})`,
        "a faster destination (a LAN NAS before the cloud), more frequent base backups, or measure it (hlab plan --measured)",
      );
    }
  }
  for (const d of model.backups.destinations) {
    if (!d.declared && services.some((p) => p.copies.some((c) => c.destination === d.name)))
      report(
        "HL155",
        d.path,
        `\`${d.url}\` is a bare URL: the plan cannot tell what failure takes it with the data, and takes it as on site`,
        "declare it under `backups.destinations` (kind, url, host or offsite) and point the policy's `to` at it",
      );
    if (d.declared && d.offsite && !d.encryption)
      report(
        "HL156",
        [...d.path, "encryption"],
        `backups leave the site unencrypted to \`${d.name}\``,
        "set `encryption: true`: whoever holds the bucket reads the databases and the cluster's secrets",
      );
  }
  return { report: { services, rule321: services.map(rule321) }, findings };
}

function hintNoBackup(model: Model, p: RecoveryPrediction): string {
  switch (p.kind) {
    case "datastore":
      return model.kubernetes?.datastore === "embedded-etcd"
        ? "set `kubernetes.etcdSnapshots.to` an s3 destination"
        : "back the server guests up with `proxmox.backups` (vzdump), or run embedded etcd (snapshots on every server)";
    case "database":
      return 'add `backups: { schedule: "0 3 * * *", to: <destination> }` to the database';
    default:
      return model.storage.class === "longhorn"
        ? "add `storage.longhorn.backups: { to: <destination> }` (every volume), or persistence: false"
        : "local-path volumes have no backup of their own: use Longhorn with `backups`, or persistence: false";
  }
}

/** Where a target is written: the policy's own `rpo`/`rto`, else `backups.targets`. */
function targetPath(model: Model, p: RecoveryPrediction, key: "rpo" | "rto"): (string | number)[] {
  const policy =
    p.kind === "datastore"
      ? ["kubernetes", "etcdSnapshots"]
      : p.kind === "database"
        ? ["databases", p.name, "backups"]
        : ["storage", "longhorn", "backups"];
  const own = [...policy, key];
  return model.source.locate(own).line > 0 &&
    model.source.locate(own).line !== model.source.locate(policy).line
    ? own
    : ["backups", "targets", key];
}

/** The table every rendering shows: one row per data-bearing service. */
export function recoveryRows(r: RecoveryReport): string[][] {
  const rows = [["DATA", "RPO", "RTO", "FROM", "3-2-1", "RTO TERMS"]];
  for (const p of r.services) {
    const rule = r.rule321.find((x) => x.name === p.name)!;
    const vs = (v: number | null, t: number | undefined): string =>
      v === null ? "all lost" : `${msText(v)}${t !== undefined ? ` ${v <= t ? "≤" : ">"} ${msText(t)}` : ""}`;
    rows.push([
      serviceLabel(p),
      vs(p.rpoMs, p.targets.rpoMs),
      p.rtoMs === null ? "-" : vs(p.rtoMs, p.targets.rtoMs),
      p.best
        ? `${p.best.mechanism}${p.best.destination ? ` → ${p.best.destination}` : " (local)"}`
        : "no backup",
      `${rule.copies}/${rule.media}/${rule.offsite ? 1 : 0}${rule.met ? "" : " no"}`,
      p.best ? p.best.rtoTerms.map((t) => `${t.name} ${msText(t.ms)}`).join(" + ") : "-",
    ]);
  }
  return rows;
}

export const RECOVERY_LEGEND =
  "RPO: worst-case data lost; RTO: restore and serve (terms from src/model/recovery-figures.ts, replaced by --measured); 3-2-1: copies/media/offsite.";
