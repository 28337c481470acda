// PostgreSQL + Patroni on the database nodes: Patroni keeps its leader key in etcd and promotes
// only the synchronous standby when `synchronous: true` (strict mode: writes wait rather than go
// unreplicated, as CloudNativePG's dataDurability: required). For a CloudNativePG database it is a
// STAND-IN with the same failover semantics (a leader lease in the cluster's store, a synchronous
// standby, clients following the primary through a service); Patroni's timings are its own
// defaults unless the lab is told otherwise. PostgreSQL refuses root: Patroni runs as postgres.
import { dirname, join } from "node:path";
import { stringify } from "yaml";
import { intToIp, parseCidr } from "../../model/ip.js";
import type { LabDaemon, LabDatabase } from "../lab-plan.js";
import { backupLayout, PGBACKREST_CONF } from "../drill/pgbackrest-config.js";
import { baseLaunch, emptyBuild, type DaemonBuild, type DaemonContext, type LabFile } from "./context.js";

export const PATRONI_PORT = 8008;
export const PG_USER = "postgres";

export const dbDir = (ctx: Pick<DaemonContext, "runDir">, db: string, node: string): string =>
  join(ctx.runDir, "pg", db, node);
export const superuserSecret = (db: string): string => `pg/${db}/superuser`;

export function buildPatroni(ctx: DaemonContext, d: LabDaemon): DaemonBuild {
  const db = ctx.plan.databases.find((x) => x.name === d.instance);
  const me = db?.members.find((m) => m.node === d.node);
  if (!db || !me) return emptyBuild("not a member of this database");
  if (!ctx.pgBinDir) return emptyBuild("PostgreSQL is not installed (no /usr/lib/postgresql/*/bin/postgres)");
  const dir = dbDir(ctx, db.name, d.node);
  const path = join(dir, "patroni.yml");
  const backup = backupFiles(ctx, db.name, d.node);
  const launch = { ...baseLaunch(ctx, d, "patroni", [path]), user: PG_USER };
  if (backup) launch.binds = [{ source: backup.config.path, target: PGBACKREST_CONF }];
  return {
    launch,
    files: [
      { path, content: patroniConfig(ctx, db, me, dir), mode: 0o600, owner: PG_USER },
      ...(backup ? [backup.config] : []),
    ],
    dirs: [
      { path: join(ctx.runDir, "pg", db.name), mode: 0o755 },
      { path: dir, owner: PG_USER, mode: 0o700 },
      { path: join(dir, "sock"), owner: PG_USER, mode: 0o700 },
      ...(backup?.dirs ?? []).map((p) => ({ path: p, owner: PG_USER, mode: 0o700 })),
    ],
    shadows: [],
    adjustments: [
      "patroni: run as postgres (runuser); data, socket and config in the lab's run directory",
      ...(backup
        ? [
            `pgBackRest (lab-generated, for \`lab drill restore\`): each member's file bind-mounted over ${PGBACKREST_CONF}; archive_mode on, archive_command empty (WAL kept) until a drill sets it`,
          ]
        : []),
    ],
  };
}

/** The member's pgBackRest file, when pgBackRest is installed (its package ships /etc/pgbackrest.conf). */
function backupFiles(
  ctx: DaemonContext,
  dbName: string,
  node: string,
): { config: LabFile; dirs: string[] } | undefined {
  if (!ctx.exists(PGBACKREST_CONF)) return undefined;
  const db = ctx.plan.databases.find((x) => x.name === dbName)!;
  // One file per node: a node in two databases keeps the first one's (pgBackRest's own limit of
  // one /etc/pgbackrest.conf per machine would want both stanzas in it).
  if (ctx.plan.databases.find((x) => x.members.some((m) => m.node === node))?.name !== dbName)
    return undefined;
  const member = backupLayout(ctx.plan, ctx.runDir, db, ctx.model)?.members.find((m) => m.node === node);
  if (!member) return undefined;
  return {
    config: { path: member.config, content: member.content, mode: 0o600, owner: PG_USER },
    dirs: [dirname(member.config), ...member.dirs],
  };
}

/**
 * The member's Patroni configuration with a custom bootstrap that restores from a backup instead of
 * running initdb (Patroni's documented "bootstrap.method" with `keep_existing_recovery_conf`: the
 * restore tool writes the recovery settings), for the first member started after a disaster, once
 * the cluster's keys are gone from the store. Patroni reads `bootstrap` only for a new cluster.
 */
export function patroniRestoreConfig(
  ctx: DaemonContext,
  dbName: string,
  node: string,
  command: string,
  archive: { command: string; timeout: string },
): { path: string; content: string } | undefined {
  const db = ctx.plan.databases.find((x) => x.name === dbName);
  const me = db?.members.find((m) => m.node === node);
  if (!db || !me) return undefined;
  const dir = dbDir(ctx, db.name, node);
  return { path: join(dir, "patroni.yml"), content: patroniConfig(ctx, db, me, dir, { command, archive }) };
}

function patroniConfig(
  ctx: DaemonContext,
  db: LabDatabase,
  me: { node: string; address: string },
  dir: string,
  restore?: { command: string; archive: { command: string; timeout: string } },
): string {
  const net = ctx.plan.nodes
    .find((n) => n.name === me.node)
    ?.ifaces.find((i) => i.address?.startsWith(me.address + "/"));
  const cidr = net ? cidrOf(net.address!) : `${me.address}/32`;
  const t = ctx.options.patroni;
  const config = {
    scope: db.name,
    namespace: "/hlab-patroni/",
    name: me.node,
    restapi: { listen: `${me.address}:${PATRONI_PORT}`, connect_address: `${me.address}:${PATRONI_PORT}` },
    etcd3: { hosts: db.dcs },
    bootstrap: {
      dcs: {
        ttl: t.ttl,
        loop_wait: t.loopWait,
        retry_timeout: t.retryTimeout,
        maximum_lag_on_failover: 1048576,
        synchronous_mode: db.synchronous,
        synchronous_mode_strict: db.synchronous,
        postgresql: {
          use_pg_rewind: true,
          use_slots: true,
          parameters: {
            wal_level: "replica",
            hot_standby: "on",
            wal_log_hints: "on",
            max_connections: 100,
            max_wal_senders: 10,
            max_replication_slots: 10,
            wal_keep_size: "64MB",
            shared_buffers: "16MB",
            password_encryption: "md5",
            // WAL is kept for an archive from the start (archive_mode needs a restart to change); an
            // empty archive_command archives nothing and recycles nothing until a drill sets it
            // (PostgreSQL 15 docs, archive_command: "WAL archiving is temporarily disabled").
            ...(ctx.exists(PGBACKREST_CONF) ? { archive_mode: "on", archive_command: "" } : {}),
            // A restored cluster is a new one: its dynamic configuration comes from here, so it
            // keeps archiving (with an empty command the next disaster would lose everything since).
            ...(restore
              ? { archive_command: restore.archive.command, archive_timeout: restore.archive.timeout }
              : {}),
          },
        },
      },
      initdb: [{ encoding: "UTF8" }, { locale: "C" }],
      ...(restore
        ? {
            method: "restore",
            restore: { command: restore.command, keep_existing_recovery_conf: true, no_params: true },
          }
        : {}),
    },
    postgresql: {
      listen: `${me.address},127.0.0.1:5432`,
      connect_address: `${me.address}:5432`,
      data_dir: join(dir, "data"),
      bin_dir: ctx.pgBinDir,
      pgpass: join(dir, "pgpass"),
      authentication: {
        superuser: { username: PG_USER, password: ctx.secrets.password(superuserSecret(db.name)) },
        replication: { username: "replicator", password: ctx.secrets.password(`pg/${db.name}/replication`) },
        rewind: { username: PG_USER, password: ctx.secrets.password(superuserSecret(db.name)) },
      },
      parameters: { unix_socket_directories: join(dir, "sock") },
      pg_hba: [
        "local all all trust",
        // Patroni reads its own timeline and WAL position over a local replication connection.
        "local replication all trust",
        "host replication replicator 127.0.0.1/32 md5",
        "host all all 127.0.0.1/32 md5",
        `host replication replicator ${cidr} md5`,
        `host all all ${cidr} md5`,
      ],
    },
    tags: { nofailover: false, noloadbalance: false, clonefrom: false, nosync: false },
  };
  return `# hlab lab: Patroni for ${db.name} on ${me.node} (lab-generated, throwaway passwords)\n${stringify(config)}`;
}

function cidrOf(addressWithPrefix: string): string {
  const c = parseCidr(addressWithPrefix);
  return `${intToIp(c.base)}/${c.prefix}`;
}
