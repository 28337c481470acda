// Who serves each API kind hlab applies: K3s out of the box, or a pinned chart. For a chart: the CRDs
// it installs (its kinds are served once they are Established), the kinds of other charts its
// templates render given the values hlab sets (Helm refuses a release with an unknown kind as a
// whole), and the workload whose admission webhook must answer before objects of its kinds are
// accepted.
// Facts of the pinned versions of versions.ts, each with its source; re-check them on every bump.
import type { ChartName } from "./versions.js";

/** An API kind as `group/Kind`; the core group is the empty string (`/Namespace`). */
export type ApiKind = string;

export interface ChartKinds {
  /** Kind → the CustomResourceDefinition that serves it. */
  crds: Record<ApiKind, string>;
  /** Kinds of other charts (or none) the templates render for these values. */
  renders: (values: Record<string, unknown>) => ApiKind[];
  /**
   * The workload (`deployment/x` or `daemonset/x`, in the release's namespace) serving the admission
   * webhook that validates the chart's kinds; objects of those kinds are refused until it runs.
   */
  webhook?: (release: string) => string;
}

export const SERVICE_MONITOR: ApiKind = "monitoring.coreos.com/ServiceMonitor";
export const TRAEFIK_MIDDLEWARE: ApiKind = "traefik.io/Middleware";

/**
 * Kinds K3s' bundled Traefik serves when hlab does not install its own: K3s installs its traefik-crd
 * HelmChart from /var/lib/rancher/k3s/server/manifests at start, before anything of hlab's.
 */
export const K3S_TRAEFIK_KINDS: ReadonlySet<ApiKind> = new Set([TRAEFIK_MIDDLEWARE]);

/** `group/Kind` of an object (`apps/v1` → `apps`, `v1` → the core group). */
export function kindOf(o: { apiVersion: string; kind: string }): ApiKind {
  const slash = o.apiVersion.lastIndexOf("/");
  return `${slash === -1 ? "" : o.apiVersion.slice(0, slash)}/${o.kind}`;
}

/**
 * What a fresh K3s serves before anything is applied: the built-in APIs hlab's manifests use, and
 * the helm.cattle.io kinds of its embedded Helm controller (k3s-io/helm-controller,
 * pkg/apis/helm.cattle.io/v1/types.go). Kinds of K3s' bundled Traefik are not here: that chart is
 * installed after start, like any other.
 */
export const K3S_KINDS: ReadonlySet<ApiKind> = new Set([
  "/Namespace",
  "/ConfigMap",
  "/Secret",
  "/Service",
  "/ServiceAccount",
  "/PersistentVolumeClaim",
  "apps/Deployment",
  "apps/StatefulSet",
  "apps/DaemonSet",
  "batch/Job",
  "batch/CronJob",
  "networking.k8s.io/Ingress",
  "networking.k8s.io/NetworkPolicy",
  "policy/PodDisruptionBudget",
  "rbac.authorization.k8s.io/Role",
  "rbac.authorization.k8s.io/RoleBinding",
  "rbac.authorization.k8s.io/ClusterRole",
  "rbac.authorization.k8s.io/ClusterRoleBinding",
  "storage.k8s.io/StorageClass",
  "helm.cattle.io/HelmChart",
  "helm.cattle.io/HelmChartConfig",
]);

/** The value at a dotted path of a values tree (keys may hold dots: `["a", "b.c"]`). */
export function valueAt(values: unknown, path: readonly string[]): unknown {
  let v = values;
  for (const key of path) {
    if (typeof v !== "object" || v === null) return undefined;
    v = (v as Record<string, unknown>)[key];
  }
  return v;
}

const when = (values: Record<string, unknown>, path: string[], kind: ApiKind): ApiKind[] =>
  valueAt(values, path) === true ? [kind] : [];

const none = (): ApiKind[] => [];

// longhorn/longhorn v1.12.1, chart/templates/crds.yaml (25 CRDs; those hlab's objects use are listed).
const LONGHORN_CRDS = {
  "longhorn.io/RecurringJob": "recurringjobs.longhorn.io",
  "longhorn.io/Setting": "settings.longhorn.io",
};

export const CHART_KINDS: Partial<Record<ChartName, ChartKinds>> = {
  // argoproj/argo-helm tag argo-cd-10.1.1, charts/argo-cd/templates/crds/crd-*.yaml (crds.install
  // defaults to true). No webhook; metrics ServiceMonitors stay off by default and hlab leaves them off.
  "argo-cd": {
    crds: {
      "argoproj.io/Application": "applications.argoproj.io",
      "argoproj.io/ApplicationSet": "applicationsets.argoproj.io",
      "argoproj.io/AppProject": "appprojects.argoproj.io",
    },
    renders: none,
  },
  // metallb/metallb tag v0.16.1, charts/metallb/charts/crds/templates/crds.yaml; the webhooks of
  // charts/metallb/templates/webhooks.yaml are served by the controller Deployment
  // (`<fullname>-controller`, templates/controller.yaml; fullname is the release name when it contains
  // "metallb", templates/_helpers.tpl).
  metallb: {
    crds: {
      "metallb.io/IPAddressPool": "ipaddresspools.metallb.io",
      "metallb.io/L2Advertisement": "l2advertisements.metallb.io",
      "metallb.io/BGPPeer": "bgppeers.metallb.io",
      "metallb.io/BGPAdvertisement": "bgpadvertisements.metallb.io",
    },
    renders: (v) => when(v, ["prometheus", "serviceMonitor", "enabled"], SERVICE_MONITOR),
    webhook: (release) =>
      `deployment/${release.includes("metallb") ? release : `${release}-metallb`}-controller`,
  },
  // longhorn/longhorn tag v1.12.1: chart/templates/servicemonitor.yaml renders when
  // metrics.serviceMonitor.enabled; the longhorn-admission-webhook Service (templates/services.yaml)
  // selects the longhorn-manager DaemonSet's pods (templates/daemonset-sa.yaml).
  longhorn: {
    crds: LONGHORN_CRDS,
    renders: (v) => when(v, ["metrics", "serviceMonitor", "enabled"], SERVICE_MONITOR),
    webhook: () => "daemonset/longhorn-manager",
  },
  // prometheus-community/helm-charts tag prometheus-operator-crds-31.0.1,
  // charts/prometheus-operator-crds/charts/crds/templates/crd-*.yaml.
  "prometheus-operator-crds": {
    crds: {
      [SERVICE_MONITOR]: "servicemonitors.monitoring.coreos.com",
      "monitoring.coreos.com/PodMonitor": "podmonitors.monitoring.coreos.com",
      "monitoring.coreos.com/PrometheusRule": "prometheusrules.monitoring.coreos.com",
      "monitoring.coreos.com/Probe": "probes.monitoring.coreos.com",
      "monitoring.coreos.com/ScrapeConfig": "scrapeconfigs.monitoring.coreos.com",
      "monitoring.coreos.com/AlertmanagerConfig": "alertmanagerconfigs.monitoring.coreos.com",
      "monitoring.coreos.com/Prometheus": "prometheuses.monitoring.coreos.com",
      "monitoring.coreos.com/Alertmanager": "alertmanagers.monitoring.coreos.com",
    },
    renders: none,
  },
  // cert-manager/cert-manager tag v1.21.1, deploy/charts/cert-manager/templates/crd-*.yaml (crds.enabled,
  // which hlab sets); templates/servicemonitor.yaml when prometheus.enabled and .servicemonitor.enabled.
  "cert-manager": {
    crds: {
      "cert-manager.io/Certificate": "certificates.cert-manager.io",
      "cert-manager.io/ClusterIssuer": "clusterissuers.cert-manager.io",
      "cert-manager.io/Issuer": "issuers.cert-manager.io",
      "cert-manager.io/CertificateRequest": "certificaterequests.cert-manager.io",
    },
    renders: (v) =>
      valueAt(v, ["prometheus", "enabled"]) === true
        ? when(v, ["prometheus", "servicemonitor", "enabled"], SERVICE_MONITOR)
        : [],
    webhook: (release) => `deployment/${release}-webhook`,
  },
  // cloudnative-pg/charts tag cloudnative-pg-v0.29.0, charts/cloudnative-pg/templates/crds/crds.yaml;
  // templates/podmonitor.yaml when monitoring.podMonitorEnabled.
  "cloudnative-pg": {
    crds: {
      "postgresql.cnpg.io/Cluster": "clusters.postgresql.cnpg.io",
      "postgresql.cnpg.io/ScheduledBackup": "scheduledbackups.postgresql.cnpg.io",
    },
    renders: (v) => when(v, ["monitoring", "podMonitorEnabled"], "monitoring.coreos.com/PodMonitor"),
  },
  // traefik/traefik-helm-chart tag v41.3.0: traefik/crds/traefik.io_*.yaml; templates/servicemonitor.yaml
  // when metrics.prometheus.serviceMonitor.enabled.
  traefik: {
    crds: { [TRAEFIK_MIDDLEWARE]: "middlewares.traefik.io" },
    renders: (v) => when(v, ["metrics", "prometheus", "serviceMonitor", "enabled"], SERVICE_MONITOR),
  },
  // prometheus-community/helm-charts tag kube-prometheus-stack-88.5.3: with crds.enabled false (hlab's
  // values) the operator's kinds come from prometheus-operator-crds; the chart renders Prometheus,
  // Alertmanager, its ServiceMonitors and PrometheusRules.
  "kube-prometheus-stack": {
    crds: {},
    renders: (v) => [
      ...when(v, ["prometheus", "enabled"], "monitoring.coreos.com/Prometheus"),
      ...when(v, ["alertmanager", "enabled"], "monitoring.coreos.com/Alertmanager"),
      SERVICE_MONITOR,
      "monitoring.coreos.com/PrometheusRule",
    ],
  },
  // The Gitea chart (gitea.com/gitea/helm-gitea, not mirrored here) and its fork, the Forgejo chart
  // (project-mirrors/forgejo-helm at e78fa53, templates/gitea/servicemonitor.yaml): a ServiceMonitor
  // when gitea.metrics.serviceMonitor.enabled.
  gitea: {
    crds: {},
    renders: (v) => when(v, ["gitea", "metrics", "serviceMonitor", "enabled"], SERVICE_MONITOR),
  },
  forgejo: {
    crds: {},
    renders: (v) => when(v, ["gitea", "metrics", "serviceMonitor", "enabled"], SERVICE_MONITOR),
  },
};

/** The chart a pin names (by chart name: the spec may override the version, never the chart). */
export const chartKinds = (chart: string): ChartKinds | undefined =>
  (CHART_KINDS as Record<string, ChartKinds | undefined>)[chart];
