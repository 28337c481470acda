// The values keys of each pinned chart that hlab sets, as the chart reads them: a key a chart does
// not know is ignored without a word by Helm, so every path hlab writes must start with one of these.
// A path ends where the chart takes the value whole (resources, affinity, a free-form map such as
// Argo CD's configs.cm). Each list was checked against the chart's values.yaml and templates at the
// pinned tag (the source beside it); re-check on every bump of versions.ts.
import type { ChartName } from "./versions.js";

export interface ChartValuesKeys {
  /** Repository, tag and folder the keys were read from. */
  source: string;
  keys: readonly string[];
}

const spread = (part: string): string[] => [
  `${part}.replicas`,
  `${part}.resources`,
  `${part}.topologySpreadConstraints`,
];

// Read in project-mirrors/forgejo-helm e78fa53 (values.yaml, templates/gitea); the Gitea chart,
// which Forgejo's forked, is assumed to share them (see its entry).
const FORGEJO_KEYS = [
  "replicaCount",
  "strategy.type",
  "persistence.enabled",
  "persistence.size",
  "persistence.storageClass",
  "resources",
  "tolerations",
  "ingress.enabled",
  "deployment.env",
  "gitea.admin.existingSecret",
  "gitea.admin.email",
  "gitea.admin.passwordMode",
  "gitea.metrics.enabled",
  "gitea.metrics.serviceMonitor.enabled",
  "gitea.additionalConfigFromEnvs",
  "gitea.config",
];

export const CHART_VALUES_KEYS: Record<ChartName, ChartValuesKeys> = {
  "argo-cd": {
    source: "argoproj/argo-helm argo-cd-10.1.1 charts/argo-cd (configs.cm/params: templates/argocd-configs)",
    keys: [
      "global.domain",
      "configs.params",
      "configs.cm",
      "dex.enabled",
      "controller.replicas",
      "controller.resources",
      ...spread("server"),
      ...spread("repoServer"),
      ...spread("applicationSet"),
      "redis-ha.enabled",
    ],
  },
  metallb: {
    source: "metallb/metallb v0.16.1 charts/metallb",
    keys: ["controller.resources", "speaker.resources", "speaker.frr.enabled"],
  },
  longhorn: {
    source: "longhorn/longhorn v1.12.1 chart (longhornUI: templates/deployment-ui.yaml)",
    keys: [
      "persistence.defaultClass",
      "persistence.defaultClassReplicaCount",
      "defaultSettings.defaultReplicaCount",
      "defaultSettings.nodeDownPodDeletionPolicy",
      "defaultSettings.replicaZoneSoftAntiAffinity",
      "defaultSettings.replicaAutoBalance",
      "defaultBackupStore.backupTarget",
      "longhornUI.replicas",
      "longhornUI.affinity",
      "longhornManager.resources",
      "metrics.serviceMonitor.enabled",
    ],
  },
  traefik: {
    // ports.<name>.hostPort: templates/_podtemplate.tpl reads $config.hostPort for every port.
    source: "traefik/traefik-helm-chart v41.3.0 traefik",
    keys: [
      "deployment.kind",
      "ingressClass.enabled",
      "ingressClass.isDefaultClass",
      "ingressClass.name",
      "instanceLabelOverride",
      "metrics.prometheus.serviceMonitor.enabled",
      "ports.web.hostPort",
      "ports.web.http.redirections.entryPoint",
      "ports.websecure.hostPort",
      "resources",
      "service.spec.type",
      "tolerations",
    ],
  },
  "cert-manager": {
    source: "cert-manager/cert-manager v1.21.1 deploy/charts/cert-manager",
    keys: [
      "crds.enabled",
      "crds.keep",
      "prometheus.enabled",
      "prometheus.servicemonitor.enabled",
      "replicaCount",
      "resources",
      "topologySpreadConstraints",
      "cainjector.resources",
      "webhook.replicaCount",
      "webhook.resources",
      "webhook.topologySpreadConstraints",
    ],
  },
  "cloudnative-pg": {
    source: "cloudnative-pg/charts cloudnative-pg-v0.29.0 charts/cloudnative-pg",
    keys: ["monitoring.podMonitorEnabled", "replicaCount", "resources"],
  },
  "prometheus-blackbox-exporter": {
    source:
      "prometheus-community/helm-charts prometheus-blackbox-exporter-11.17.2 charts/prometheus-blackbox-exporter",
    keys: ["config.modules", "resources"],
  },
  "kube-prometheus-stack": {
    // grafana.* beyond kube-prometheus-stack's own: its grafana dependency 12.11.1
    // (grafana-community/helm-charts grafana-12.11.1 charts/grafana; storageClassName: templates/pvc.yaml).
    source: "prometheus-community/helm-charts kube-prometheus-stack-88.5.3 charts/kube-prometheus-stack",
    keys: [
      "crds.enabled",
      "kubeEtcd.enabled",
      "kubeControllerManager.enabled",
      "kubeScheduler.enabled",
      "kubeProxy.enabled",
      "prometheus.enabled",
      "prometheus.prometheusSpec.replicas",
      "prometheus.prometheusSpec.retention",
      "prometheus.prometheusSpec.podAntiAffinity",
      "prometheus.prometheusSpec.podAntiAffinityTopologyKey",
      "prometheus.prometheusSpec.resources",
      "prometheus.prometheusSpec.ruleSelectorNilUsesHelmValues",
      "prometheus.prometheusSpec.serviceMonitorSelectorNilUsesHelmValues",
      "prometheus.prometheusSpec.podMonitorSelectorNilUsesHelmValues",
      "prometheus.prometheusSpec.probeSelectorNilUsesHelmValues",
      "prometheus.prometheusSpec.additionalScrapeConfigs",
      "prometheus.prometheusSpec.storageSpec",
      "alertmanager.enabled",
      "alertmanager.alertmanagerSpec.replicas",
      "alertmanager.alertmanagerSpec.podAntiAffinity",
      "alertmanager.alertmanagerSpec.podAntiAffinityTopologyKey",
      "prometheusOperator.resources",
      "grafana.enabled",
      "grafana.replicas",
      "grafana.admin.existingSecret",
      "grafana.admin.userKey",
      "grafana.admin.passwordKey",
      "grafana.persistence.enabled",
      "grafana.persistence.type",
      "grafana.persistence.size",
      "grafana.persistence.storageClassName",
      "grafana.resources",
      "grafana.topologySpreadConstraints",
      "grafana.ingress.enabled",
      "grafana.additionalDataSources",
    ],
  },
  "prometheus-operator-crds": {
    source: "prometheus-community/helm-charts prometheus-operator-crds-31.0.1 (hlab sets no value)",
    keys: [],
  },
  loki: {
    source: "grafana-community/helm-charts loki-18.11.0 charts/loki",
    keys: [
      "deploymentMode",
      "loki.auth_enabled",
      "loki.commonConfig.replication_factor",
      "loki.schemaConfig",
      "loki.storage.type",
      "singleBinary.replicas",
      "singleBinary.resources",
      "singleBinary.persistence.enabled",
      "singleBinary.persistence.size",
      "singleBinary.persistence.storageClass",
      "backend.replicas",
      "read.replicas",
      "write.replicas",
      "gateway.enabled",
      "chunksCache.enabled",
      "resultsCache.enabled",
      "lokiCanary.enabled",
      "test.enabled",
    ],
  },
  alloy: {
    source: "grafana/alloy helm-chart/1.11.1 operations/helm/charts/alloy",
    keys: ["alloy.configMap.content", "alloy.configMap.create", "alloy.resources", "controller.type"],
  },
  gitea: {
    // NOT checked upstream: the chart lives at gitea.com/gitea/helm-gitea, which is not mirrored here.
    // These are the keys of its fork, the Forgejo chart (below), plus the bundled databases' switches.
    source: "unverified (gitea.com/gitea/helm-gitea 12.5.0 not reachable); keys as in the Forgejo fork",
    keys: [
      ...FORGEJO_KEYS,
      "postgresql-ha.enabled",
      "postgresql.enabled",
      "valkey-cluster.enabled",
      "valkey.enabled",
    ],
  },
  forgejo: {
    // The 15.0.0 tag is not in the mirror: read at its newest stored commit.
    source: "project-mirrors/forgejo-helm e78fa53 (values.yaml, templates/gitea)",
    keys: FORGEJO_KEYS,
  },
  vaultwarden: {
    source: "guerzon/vaultwarden v0.43.1 charts/vaultwarden",
    keys: [
      "domain",
      "replicas",
      "resources",
      "tolerations",
      "affinity",
      "signupsAllowed",
      "database.type",
      "adminToken.existingSecret",
      "adminToken.existingSecretKey",
      "storage.data",
    ],
  },
};

/** The paths of a values tree down to what a chart takes whole: scalars, lists and empty maps. */
export function valuePaths(values: Record<string, unknown>, prefix: string[] = []): string[][] {
  return Object.entries(values).flatMap(([k, v]) => {
    const path = [...prefix, k];
    const isMap = typeof v === "object" && v !== null && !Array.isArray(v);
    return isMap && Object.keys(v).length ? valuePaths(v as Record<string, unknown>, path) : [path];
  });
}

/** The paths of `values` that no known key of the chart starts. */
export function unknownValueKeys(chart: ChartName, values: Record<string, unknown>): string[] {
  const known = CHART_VALUES_KEYS[chart].keys.map((k) => k.split("."));
  return valuePaths(values)
    .filter((p) => !known.some((k) => k.length <= p.length && k.every((seg, i) => seg === p[i])))
    .map((p) => p.join("."));
}
