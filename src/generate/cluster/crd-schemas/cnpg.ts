// postgresql.cnpg.io/v1 Cluster and ScheduledBackup, from cloudnative-pg config/crd/bases (v1.30.0):
// a Cluster needs instances; synchronous replication needs method and number; a ScheduledBackup needs
// its cluster and a schedule.
import {
  anyValue,
  bool,
  closed,
  customResource,
  enumOf,
  str,
  stringMap,
  type Schema,
} from "./structural-schema.js";

const quantity: Schema = {
  intOrString: true,
  pattern:
    "^(\\+|-)?(([0-9]+(\\.[0-9]*)?)|(\\.[0-9]+))(([KMGTPE]i)|[numkMGTPE]|([eE](\\+|-)?(([0-9]+(\\.[0-9]*)?)|(\\.[0-9]+))))?$",
};
const quantities: Schema = { type: "object", additionalProperties: quantity };
const secretKey = closed({ name: str, key: str }, ["key", "name"]);

const synchronous = closed(
  {
    method: enumOf("any", "first"),
    number: { type: "integer", minimum: 1 },
    dataDurability: enumOf("required", "preferred"),
  },
  ["method", "number"],
  ["failoverQuorum", "maxStandbyNamesFromCluster", "standbyNamesPost", "standbyNamesPre"],
);

const barmanObjectStore = closed(
  {
    destinationPath: str,
    s3Credentials: closed({
      accessKeyId: secretKey,
      secretAccessKey: secretKey,
      region: secretKey,
      sessionToken: secretKey,
      inheritFromIAMRole: bool,
    }),
  },
  ["destinationPath"],
  [
    "azureCredentials",
    "data",
    "endpointCA",
    "endpointURL",
    "googleCredentials",
    "historyTags",
    "serverName",
    "tags",
    "wal",
  ],
);

const OTHER_CLUSTER_FIELDS = [
  "certificates",
  "description",
  "enablePDB",
  "enableSuperuserAccess",
  "env",
  "envFrom",
  "ephemeralVolumeSource",
  "ephemeralVolumesSizeLimit",
  "externalClusters",
  "failoverDelay",
  "imageCatalogRef",
  "imageName",
  "imagePullPolicy",
  "imagePullSecrets",
  "inheritedMetadata",
  "livenessProbeTimeout",
  "logLevel",
  "managed",
  "maxSyncReplicas",
  "minSyncReplicas",
  "nodeMaintenanceWindow",
  "plugins",
  "podSecurityContext",
  "podSelectorRefs",
  "postgresGID",
  "postgresUID",
  "primaryLease",
  "primaryUpdateMethod",
  "priorityClassName",
  "probes",
  "projectedVolumeTemplate",
  "replica",
  "replicationSlots",
  "schedulerName",
  "seccompProfile",
  "securityContext",
  "serviceAccountName",
  "serviceAccountTemplate",
  "smartShutdownTimeout",
  "startDelay",
  "stopDelay",
  "superuserSecret",
  "switchoverDelay",
  "tablespaces",
  "topologySpreadConstraints",
  "walStorage",
];

const clusterSpec: Schema = closed(
  {
    instances: { type: "integer", minimum: 1 },
    primaryUpdateStrategy: enumOf("unsupervised", "supervised"),
    storage: closed({ size: str, storageClass: str, resizeInUseVolumes: bool, pvcTemplate: anyValue }),
    affinity: closed(
      {
        enablePodAntiAffinity: bool,
        topologyKey: str,
        podAntiAffinityType: enumOf("preferred", "required"),
        nodeSelector: stringMap,
      },
      [],
      ["additionalPodAffinity", "additionalPodAntiAffinity", "nodeAffinity", "tolerations"],
    ),
    postgresql: closed(
      { synchronous, parameters: stringMap },
      [],
      [
        "enableAlterSystem",
        "extensions",
        "ldap",
        "pg_hba",
        "pg_ident",
        "promotionTimeout",
        "shared_preload_libraries",
        "syncReplicaElectionConstraint",
      ],
    ),
    bootstrap: closed(
      {
        initdb: closed(
          { database: str, owner: str },
          [],
          [
            "dataChecksums",
            "encoding",
            "import",
            "locale",
            "localeCType",
            "localeCollate",
            "options",
            "postInitApplicationSQL",
            "postInitSQL",
            "secret",
          ],
        ),
      },
      [],
      ["pg_basebackup", "recovery"],
    ),
    resources: closed({ requests: quantities, limits: quantities }, [], ["claims"]),
    backup: closed(
      {
        retentionPolicy: { type: "string", pattern: "^[1-9][0-9]*[dwm]$" },
        target: enumOf("primary", "prefer-standby"),
        barmanObjectStore,
      },
      [],
      ["volumeSnapshot"],
    ),
    monitoring: anyValue,
  },
  ["instances"],
  OTHER_CLUSTER_FIELDS,
);

const scheduledBackupSpec: Schema = closed(
  {
    schedule: str,
    cluster: closed({ name: str }, ["name"]),
    method: enumOf("barmanObjectStore", "volumeSnapshot", "plugin"),
    backupOwnerReference: enumOf("none", "self", "cluster"),
    immediate: bool,
    online: bool,
    suspend: bool,
    target: enumOf("primary", "prefer-standby"),
  },
  ["cluster", "schedule"],
  ["onlineConfiguration", "pluginConfiguration"],
);

export const cnpgCluster = customResource("postgresql.cnpg.io/v1", "Cluster", clusterSpec, {
  namespaced: true,
  specRequired: true,
});
export const scheduledBackup = customResource(
  "postgresql.cnpg.io/v1",
  "ScheduledBackup",
  scheduledBackupSpec,
  { namespaced: true, specRequired: true },
);
