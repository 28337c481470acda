// THE versions table of the platform layer: every Helm chart and every container image the GitOps tree
// installs is pinned here and nowhere else. Figures from shared/reference/versions.md (mid-2026 survey),
// checked against the charts' own Chart.yaml where a copy was at hand; re-check before bumping.
// A service's `version` in the spec overrides the pin of its own chart or image.

export interface ChartPin {
  /** Helm repository URL; for OCI registries the registry path without a scheme, as Argo CD wants it. */
  repo: string;
  chart: string;
  version: string;
  /** The repository is an OCI registry: installed as `oci://<repo>/<chart>`. */
  oci?: boolean;
}

export const CHARTS = {
  "argo-cd": { repo: "https://argoproj.github.io/argo-helm", chart: "argo-cd", version: "10.1.1" },
  metallb: { repo: "https://metallb.github.io/metallb", chart: "metallb", version: "0.16.1" },
  longhorn: { repo: "https://charts.longhorn.io", chart: "longhorn", version: "1.12.1" },
  traefik: { repo: "https://traefik.github.io/charts", chart: "traefik", version: "41.3.0" },
  "cert-manager": { repo: "https://charts.jetstack.io", chart: "cert-manager", version: "v1.21.1" },
  "cloudnative-pg": {
    repo: "https://cloudnative-pg.github.io/charts",
    chart: "cloudnative-pg",
    version: "0.29.0",
  },
  "kube-prometheus-stack": {
    repo: "https://prometheus-community.github.io/helm-charts",
    chart: "kube-prometheus-stack",
    version: "88.5.3",
  },
  // The operator's CRDs alone (same operator release, v0.93.1), installed first so every chart that ships
  // a ServiceMonitor or a PrometheusRule can sync before kube-prometheus-stack (which needs storage).
  "prometheus-operator-crds": {
    repo: "https://prometheus-community.github.io/helm-charts",
    chart: "prometheus-operator-crds",
    version: "31.0.1",
  },
  // The SLO probes (slo-probes.ts); blackbox_exporter v0.28.0 (Chart.yaml appVersion at the tag).
  "prometheus-blackbox-exporter": {
    repo: "https://prometheus-community.github.io/helm-charts",
    chart: "prometheus-blackbox-exporter",
    version: "11.17.2",
  },
  // Moved to grafana-community in March 2026.
  loki: { repo: "https://grafana-community.github.io/helm-charts", chart: "loki", version: "18.11.0" },
  alloy: { repo: "https://grafana.github.io/helm-charts", chart: "alloy", version: "1.11.1" },
  gitea: { repo: "https://dl.gitea.com/charts/", chart: "gitea", version: "12.5.0" },
  forgejo: { repo: "code.forgejo.org/forgejo-helm", chart: "forgejo", version: "15.0.0", oci: true },
  vaultwarden: { repo: "https://guerzon.github.io/vaultwarden", chart: "vaultwarden", version: "0.43.1" },
} as const satisfies Record<string, ChartPin>;

export type ChartName = keyof typeof CHARTS;

export interface ImagePin {
  repository: string;
  tag: string;
}

/** Images hlab deploys with its own manifests (no chart pins them). */
export const IMAGES = {
  // No well-established chart (versions.md): plain manifests.
  "adguard-home": { repository: "adguard/adguardhome", tag: "v0.107.79" },
  // Only for its htpasswd: hashes the AdGuard admin password with bcrypt inside the cluster.
  htpasswd: { repository: "httpd", tag: "2.4.65-alpine" },
  "gitea-runner": { repository: "gitea/act_runner", tag: "0.3.0" },
  "forgejo-runner": { repository: "code.forgejo.org/forgejo/runner", tag: "11.1.2" },
  // The runners' job containers run in this Docker daemon (a sidecar), never on the node's runtime.
  dind: { repository: "docker", tag: "28.5.2-dind" },
} as const satisfies Record<string, ImagePin>;

export type ImageName = keyof typeof IMAGES;

/** The pinned chart, or the spec's version of it. */
export const chartPin = (name: ChartName, override?: string): ChartPin => ({
  ...CHARTS[name],
  version: override ?? CHARTS[name].version,
});

export const imageRef = (name: ImageName, override?: string): string =>
  `${IMAGES[name].repository}:${override ?? IMAGES[name].tag}`;
