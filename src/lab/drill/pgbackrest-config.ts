// pgBackRest for the lab's databases, decided in one function: a dedicated repository on another lab
// machine reached over pgBackRest's own TLS server (a real remote repository, not a shared folder),
// a TLS server beside each PostgreSQL member (the repository host backs up from the primary through
// it), and WAL archived continuously by `archive_command` on whichever member is primary.
//
// Lab-generated (hlab's build writes no pgBackRest configuration for a CloudNativePG database: its
// backups are barman-cloud's, so the lab runs pgBackRest as the STAND-IN for them, labelled so).
// Each node's file is bind-mounted over /etc/pgbackrest.conf (the Debian package's path), so every
// command is the one a machine runs: `pgbackrest --stanza=app-db archive-push %p`, the same on every
// member, settable cluster-wide in Patroni's dynamic configuration.
//
// Option names and defaults: pgbackrest/pgbackrest src/build/config/config.yaml, release/2.45
// (tls-server-address/-auth/-cert-file/-key-file/-ca-file, tls-server-port default 8432,
// repo1-host-type=tls, pg<n>-host-type=tls, repo1-host-cert-file/-key-file/-ca-file). pgBackRest
// checks a TLS peer's name against the certificate's CN or DNS subjectAltNames only (not IP
// subjectAltNames: release 2.45 refused a certificate carrying only an IP), so each certificate
// carries the address both as an IP and as a DNS name.
import { join } from "node:path";
import type { Model } from "../../model/model.js";
import type { LabDatabase, LabNode, LabPlan } from "../lab-plan.js";
import { dbDir } from "../daemons/patroni.js";

/** Debian's pgbackrest package ships its configuration here (not /etc/pgbackrest/pgbackrest.conf). */
export const PGBACKREST_CONF = "/etc/pgbackrest.conf";
export const PGBACKREST_TLS_PORT = 8432;
/** The user that owns the repository and runs every pgBackRest process (PostgreSQL's own). */
export const PGBACKREST_USER = "postgres";
/** Full backups kept (repo1-retention-full); WAL older than the oldest kept backup is expired. */
export const RETENTION_FULL = 2;

export interface BackupNodeFiles {
  node: string;
  address: string;
  /** The file bind-mounted over /etc/pgbackrest.conf for every pgBackRest process on the node. */
  config: string;
  content: string;
  /** Log and lock directories of the node (lock-path must not be the machine's shared /tmp). */
  dirs: string[];
  /** The CN its certificate carries (tls-server-auth lists the CNs allowed per stanza). */
  cn: string;
}

export interface BackupLayout {
  /** The repository machine. */
  repo: BackupNodeFiles;
  /** The repository directory on it. */
  repoPath: string;
  members: BackupNodeFiles[];
  tlsDir: string;
  /** Where the repository sits and why there. */
  placement: string;
}

export const backupRoot = (runDir: string): string => join(runDir, "backup");
export const nodeConfigPath = (runDir: string, node: string): string =>
  join(runDir, "nodes", node, "pgbackrest", "pgbackrest.conf");
export const tlsDir = (runDir: string): string => join(backupRoot(runDir), "tls");
export const certPath = (runDir: string, node: string, ext: "crt" | "key"): string =>
  join(tlsDir(runDir), `${node}.${ext}`);
export const caPath = (runDir: string): string => join(tlsDir(runDir), "ca.crt");

const addressOf = (n: LabNode): string | undefined => n.ifaces.find((i) => i.address)?.address?.split("/")[0];

/**
 * The machine the repository lives on: the one the spec's backup destination names when the lab
 * runs it, else the first host of the lab that runs no member of the database (a machine of its
 * own, as a NAS is), else the first guest that runs none.
 */
export function repositoryNode(
  plan: LabPlan,
  db: LabDatabase,
  destinationMachine?: string,
): { node: LabNode; why: string } | undefined {
  const members = new Set(db.members.map((m) => m.node));
  const net = plan.nodes.find((n) => n.name === db.router)?.ifaces[0]?.network;
  const reachable = (n: LabNode): boolean => n.ifaces.some((i) => i.network === net && i.address);
  if (destinationMachine) {
    const n = plan.nodes.find((x) => x.name === destinationMachine || x.guests.includes(destinationMachine));
    if (n && !members.has(n.name) && reachable(n))
      return { node: n, why: `the spec's backup destination, on ${destinationMachine}` };
  }
  for (const kind of ["host", "guest"] as const) {
    const n = plan.nodes.find((x) => x.kind === kind && !members.has(x.name) && reachable(x));
    if (n)
      return {
        node: n,
        why: `lab choice: the first ${kind} running no member of ${db.name} (the spec names no destination the lab runs)`,
      };
  }
  return undefined;
}

/** The machine the spec's backup destination for a database lives on, if it names one. */
export function destinationMachine(model: Model, db: string): string | undefined {
  const to = model.databases.find((d) => d.name === db)?.backups?.to;
  const dest = model.backups.destinations.find((d) => d.name === to);
  return dest?.guest ?? dest?.host;
}

export const stanzaOf = (db: LabDatabase): string => db.name;
const memberCn = (node: string): string => `pg-${node}`;
const repoCn = (node: string): string => `repo-${node}`;

/** Every pgBackRest file of one database's backups: the repository's and each member's. */
export function backupLayout(
  plan: LabPlan,
  runDir: string,
  db: LabDatabase,
  model?: Model,
): BackupLayout | undefined {
  const chosen = repositoryNode(plan, db, model && destinationMachine(model, db.name));
  if (!chosen) return undefined;
  const repoNode = chosen.node;
  const repoAddress = addressOf(repoNode)!;
  const repoPath = join(runDir, "nodes", repoNode.name, "pgbackrest", "repo");
  const stanza = stanzaOf(db);
  const tls = (node: string): string[] => [
    `tls-server-cert-file=${certPath(runDir, node, "crt")}`,
    `tls-server-key-file=${certPath(runDir, node, "key")}`,
    `tls-server-ca-file=${caPath(runDir)}`,
  ];
  const local = (node: string): { lines: string[]; dirs: string[] } => {
    const base = join(runDir, "nodes", node, "pgbackrest");
    const dirs = [join(base, "log"), join(base, "lock"), join(base, "spool")];
    return {
      dirs,
      lines: [
        `log-path=${dirs[0]}`,
        `lock-path=${dirs[1]}`,
        `spool-path=${dirs[2]}`,
        "log-level-console=warn",
        "log-level-file=info",
      ],
    };
  };
  const header = (what: string): string =>
    `# hlab lab: pgBackRest ${what} for ${db.name} (lab-generated; STAND-IN for CloudNativePG's barman-cloud backups when the database is one)`;

  const repoLocal = local(repoNode.name);
  const repoLines = [
    header(`repository on ${repoNode.name}`),
    "[global]",
    `repo1-path=${repoPath}`,
    `repo1-retention-full=${RETENTION_FULL}`,
    "start-fast=y",
    ...repoLocal.lines,
    `tls-server-address=${repoAddress}`,
    `tls-server-port=${PGBACKREST_TLS_PORT}`,
    ...tls(repoNode.name),
    ...db.members.map((m) => `tls-server-auth=${memberCn(m.node)}=${stanza}`),
    "",
    `[${stanza}]`,
    ...db.members.flatMap((m, i) => {
      const n = i + 1;
      const dir = dbDir({ runDir }, db.name, m.node);
      return [
        `pg${n}-host=${m.address}`,
        `pg${n}-host-type=tls`,
        `pg${n}-host-port=${PGBACKREST_TLS_PORT}`,
        `pg${n}-host-cert-file=${certPath(runDir, repoNode.name, "crt")}`,
        `pg${n}-host-key-file=${certPath(runDir, repoNode.name, "key")}`,
        `pg${n}-host-ca-file=${caPath(runDir)}`,
        `pg${n}-path=${join(dir, "data")}`,
        `pg${n}-socket-path=${join(dir, "sock")}`,
      ];
    }),
    "",
  ];
  const members = db.members.map((m): BackupNodeFiles => {
    const dir = dbDir({ runDir }, db.name, m.node);
    const l = local(m.node);
    const lines = [
      header(`client on ${m.node}`),
      "[global]",
      // The repository host serves this path; a client names it because it sends its own value.
      `repo1-path=${repoPath}`,
      `repo1-host=${repoAddress}`,
      "repo1-host-type=tls",
      `repo1-host-port=${PGBACKREST_TLS_PORT}`,
      `repo1-host-cert-file=${certPath(runDir, m.node, "crt")}`,
      `repo1-host-key-file=${certPath(runDir, m.node, "key")}`,
      `repo1-host-ca-file=${caPath(runDir)}`,
      ...l.lines,
      `tls-server-address=${m.address}`,
      `tls-server-port=${PGBACKREST_TLS_PORT}`,
      ...tls(m.node),
      `tls-server-auth=${repoCn(repoNode.name)}=${stanza}`,
      "",
      `[${stanza}]`,
      `pg1-path=${join(dir, "data")}`,
      `pg1-socket-path=${join(dir, "sock")}`,
      "",
    ];
    return {
      node: m.node,
      address: m.address,
      config: nodeConfigPath(runDir, m.node),
      content: lines.join("\n"),
      dirs: l.dirs,
      cn: memberCn(m.node),
    };
  });
  return {
    repo: {
      node: repoNode.name,
      address: repoAddress,
      config: nodeConfigPath(runDir, repoNode.name),
      content: repoLines.join("\n"),
      dirs: [...repoLocal.dirs, repoPath],
      cn: repoCn(repoNode.name),
    },
    repoPath,
    members,
    tlsDir: tlsDir(runDir),
    placement: chosen.why,
  };
}

/** The archive_command every member runs (the same on each: the config path is the default one). */
export const archiveCommand = (db: LabDatabase): string =>
  `pgbackrest --stanza=${stanzaOf(db)} archive-push %p`;
