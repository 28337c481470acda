// CloudNativePG: the operator, and one `Cluster` per database of the spec, instances spread over
// physical hosts, synchronous replication when the spec asks for zero data loss, scheduled backups to
// object storage when the spec names a destination. PostgreSQL replicates itself, so on Longhorn its
// volumes keep one local replica (CloudNativePG's own storage advice) instead of three copies of three.
import type { Database, Model } from "../../model/model.js";
import { component, type Component } from "./component.js";
import { resources } from "./hardening.js";
import { kubeObject, type KubeObject } from "./manifest.js";
import { fromApiServer, fromNamespace, toApiServer, toInternet, type NetworkRule } from "./network-policy.js";
import { fitsOnePerZone, ZONE_LABEL } from "./placement.js";
import { findService, monitoringEnabled, resourcesOf, serviceNamespace } from "./service-facts.js";
import { chartPin } from "./versions.js";

export const CNPG_NAMESPACE = "cnpg-system";
export const SINGLE_REPLICA_CLASS = "longhorn-single-replica";
const INSTANCE_STATUS_PORT = 8000;
const METRICS_PORT = 9187;

export const cnpgDatabases = (model: Model): Database[] =>
  model.databases.filter((d) => d.engine === "cloudnative-pg");

export function cnpgOperatorComponent(model: Model): Component | undefined {
  const svc = findService(model, "cloudnative-pg");
  if (!svc && cnpgDatabases(model).length === 0) return undefined;
  const c = component("cloudnative-pg", CNPG_NAMESPACE, -2, "baseline");
  c.charts.push({
    pin: chartPin("cloudnative-pg", svc?.version),
    values: {
      replicaCount: svc?.replicas ?? 1,
      resources: resources(resourcesOf(svc, "cloudnative-pg")),
      monitoring: { podMonitorEnabled: monitoringEnabled(model) },
    },
  });
  c.network.push(fromApiServer(model, 9443), toApiServer(model), {
    direction: "egress",
    peers: model.kubernetes ? [{ cidr: model.kubernetes.clusterCidr.text }] : [],
    ports: [INSTANCE_STATUS_PORT, 5432].map((port) => ({ port, protocol: "TCP" })),
    reason: "the instance managers of every database",
  });
  return c;
}

/** A database lives with the first service that uses it (its Secret must be in that namespace). */
export function databaseNamespace(model: Model, db: Database): string {
  const user = model.services
    .filter((s) => s.database === db.name)
    .sort((a, b) => a.name.localeCompare(b.name))[0];
  return user ? serviceNamespace(user) : "databases";
}

/** The Secret CloudNativePG writes for the application user; key `uri` is a full connection URI. */
export const appSecret = (db: Database): string => `${db.name}-app`;
/** The read-write Service: always the primary. */
export const primaryHost = (model: Model, db: Database): string =>
  `${db.name}-rw.${databaseNamespace(model, db)}.svc`;
/** Object-store credentials the user creates (see cluster/README.md): never generated, never in Git. */
export const backupCredentials = (db: Database): string => `${db.name}-backup-s3`;

/** robfig/cron with seconds: CloudNativePG's schedules have six fields. */
const withSeconds = (cron: string): string =>
  cron.trim().split(/\s+/).length === 5 ? `0 ${cron.trim()}` : cron.trim();

function clusterSpec(model: Model, db: Database): Record<string, unknown> {
  const multi = db.instances > 1;
  const destination = db.backups?.destination;
  const storageClass =
    model.storage.class === "longhorn" && multi ? SINGLE_REPLICA_CLASS : model.storage.class;
  return {
    instances: db.instances,
    primaryUpdateStrategy: "unsupervised",
    storage: { size: `${db.storageGiB}Gi`, storageClass },
    affinity: {
      enablePodAntiAffinity: true,
      topologyKey: ZONE_LABEL,
      podAntiAffinityType: fitsOnePerZone(model, db.instances) ? "required" : "preferred",
    },
    // Zero data loss: a commit returns once a standby has it; with no standby left, writes wait.
    ...(db.synchronous && multi
      ? { postgresql: { synchronous: { method: "any", number: 1, dataDurability: "required" } } }
      : {}),
    bootstrap: { initdb: { database: "app", owner: "app" } },
    resources: resources({ cpuMillis: 250, memoryMiB: 512 }),
    ...(destination
      ? {
          backup: {
            // Base backups are daily at most: keeping `retention` of them keeps about that many days.
            retentionPolicy: `${db.backups?.retention ?? 30}d`,
            barmanObjectStore: {
              destinationPath: destination,
              s3Credentials: {
                accessKeyId: { name: backupCredentials(db), key: "ACCESS_KEY_ID" },
                secretAccessKey: { name: backupCredentials(db), key: "ACCESS_SECRET_KEY" },
              },
            },
          },
        }
      : {}),
  };
}

export interface DatabaseParts {
  objects: KubeObject[];
  network: NetworkRule[];
}

/** The Cluster of one database, its backups and monitor, and what its namespace must allow. */
export function databaseParts(model: Model, db: Database): DatabaseParts {
  const namespace = databaseNamespace(model, db);
  const objects: KubeObject[] = [
    kubeObject(
      "postgresql.cnpg.io/v1",
      "Cluster",
      { name: db.name, namespace },
      { spec: clusterSpec(model, db) },
    ),
  ];
  if (db.backups?.destination) {
    objects.push(
      kubeObject(
        "postgresql.cnpg.io/v1",
        "ScheduledBackup",
        { name: db.name, namespace },
        {
          spec: {
            schedule: withSeconds(db.backups.schedule),
            backupOwnerReference: "self",
            cluster: { name: db.name },
            method: "barmanObjectStore",
          },
        },
      ),
    );
  }
  if (monitoringEnabled(model)) {
    objects.push(
      kubeObject(
        "monitoring.coreos.com/v1",
        "PodMonitor",
        { name: db.name, namespace },
        {
          spec: {
            selector: { matchLabels: { "cnpg.io/cluster": db.name } },
            podMetricsEndpoints: [{ port: "metrics" }],
          },
        },
      ),
    );
  }
  const network: NetworkRule[] = [
    fromNamespace(CNPG_NAMESPACE, [INSTANCE_STATUS_PORT, 5432, METRICS_PORT], "the CloudNativePG operator"),
    toApiServer(model),
    ...(db.backups?.destination
      ? [toInternet([{ port: 443, protocol: "TCP" }], "the backup object store")]
      : []),
  ];
  return { objects, network };
}

/** Longhorn's class for PostgreSQL volumes: one replica, on the node that runs the instance. */
export function singleReplicaStorageClass(): KubeObject {
  return kubeObject(
    "storage.k8s.io/v1",
    "StorageClass",
    { name: SINGLE_REPLICA_CLASS },
    {
      provisioner: "driver.longhorn.io",
      allowVolumeExpansion: true,
      reclaimPolicy: "Delete",
      volumeBindingMode: "WaitForFirstConsumer",
      parameters: { numberOfReplicas: "1", dataLocality: "strict-local", staleReplicaTimeout: "30" },
    },
  );
}

export const needsSingleReplicaClass = (model: Model): boolean =>
  model.storage.class === "longhorn" && cnpgDatabases(model).some((d) => d.instances > 1);
