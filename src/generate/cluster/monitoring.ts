// Metrics and dashboards: kube-prometheus-stack (Prometheus, Alertmanager, Grafana, node exporters,
// kube-state-metrics) with the plan's alert rules, and the operator's CRDs installed ahead of it so the
// charts that ship ServiceMonitors sync without waiting for Prometheus' storage.
import type { Model } from "../../model/model.js";
import type { SecretRequest } from "../../artifact/artifact.js";
import { planAlertRules } from "./alert-rules.js";
import { component, type Component, type Workload } from "./component.js";
import { resources, zoneSpread } from "./hardening.js";
import { lbScrapeConfigs, lbTargets } from "./lb-metrics.js";
import { LOKI_URL } from "./loki.js";
import {
  fromApiServer,
  MONITORING_NAMESPACE,
  toAllPods,
  toApiServer,
  toInternet,
  toAddresses,
  toNodes,
} from "./network-policy.js";
import { fitsOnePerZone, ZONE_LABEL } from "./placement.js";
import { findService, hostnameOf, resourcesOf } from "./service-facts.js";
import { chartPin } from "./versions.js";
import { SLO_PERIOD_DAYS } from "../../model/slo.js";
import { sloDashboard } from "./slo-dashboard.js";
import { sloProbeChart, sloProbeNetwork, sloScrapeConfigs } from "./slo-probes.js";

const RELEASE = "kube-prometheus-stack";
const GRAFANA_ADMIN = "grafana-admin";
const GRAFANA_PORT = 3000;
const PROMETHEUS_PORT = 9090;

export function prometheusCrdsComponent(model: Model): Component | undefined {
  const prometheus = findService(model, "prometheus");
  if (!prometheus) return undefined;
  const c = component("prometheus-operator-crds", MONITORING_NAMESPACE, -2, "baseline");
  // Bootstrapped: the bootstrapped charts (Longhorn, the Git server) ship ServiceMonitors.
  c.bootstrap = true;
  c.charts.push({ pin: chartPin("prometheus-operator-crds"), values: {} });
  return c;
}

export function grafanaAdminSecret(): SecretRequest {
  return {
    name: "grafana-admin",
    kind: "password",
    description: "Grafana's admin password (user `admin`)",
    kubernetes: {
      namespace: MONITORING_NAMESPACE,
      name: GRAFANA_ADMIN,
      key: "password",
      literals: { username: "admin" },
    },
  };
}

/** Prometheus' scheduling: anti-affinity over physical hosts, hard when each replica can have one. */
function prometheusSpec(
  model: Model,
  replicas: number,
  storageGiB: number,
  res: Record<string, unknown>,
): Record<string, unknown> {
  const scrapeConfigs = [...lbScrapeConfigs(model), ...sloScrapeConfigs(model)];
  return {
    replicas,
    // The SLO period's probes must still be there when its availability is computed.
    retention: `${Math.max(15, SLO_PERIOD_DAYS)}d`,
    podAntiAffinity: fitsOnePerZone(model, replicas) ? "hard" : "soft",
    podAntiAffinityTopologyKey: ZONE_LABEL,
    resources: res,
    // Pick up every ServiceMonitor, PodMonitor and rule in the cluster, not only the chart's own.
    ruleSelectorNilUsesHelmValues: false,
    serviceMonitorSelectorNilUsesHelmValues: false,
    podMonitorSelectorNilUsesHelmValues: false,
    probeSelectorNilUsesHelmValues: false,
    ...(scrapeConfigs.length ? { additionalScrapeConfigs: scrapeConfigs } : {}),
    storageSpec: {
      volumeClaimTemplate: {
        spec: {
          storageClassName: model.storage.class,
          accessModes: ["ReadWriteOnce"],
          resources: { requests: { storage: `${storageGiB}Gi` } },
        },
      },
    },
  };
}

function grafanaValues(model: Model, withLoki: boolean): Record<string, unknown> {
  const grafana = findService(model, "grafana");
  if (!grafana) return { enabled: false };
  const selector = { "app.kubernetes.io/name": "grafana", "app.kubernetes.io/instance": RELEASE };
  return {
    enabled: true,
    replicas: grafana.replicas,
    admin: { existingSecret: GRAFANA_ADMIN, userKey: "username", passwordKey: "password" },
    persistence: {
      enabled: grafana.persistenceGiB > 0,
      type: "pvc",
      size: `${grafana.persistenceGiB}Gi`,
      storageClassName: model.storage.class,
    },
    resources: resources(resourcesOf(grafana, "grafana")),
    topologySpreadConstraints: zoneSpread(selector),
    ingress: { enabled: false },
    additionalDataSources: withLoki ? [{ name: "Loki", type: "loki", access: "proxy", url: LOKI_URL }] : [],
  };
}

export function monitoringComponent(model: Model): Component | undefined {
  const prometheus = findService(model, "prometheus");
  const grafana = findService(model, "grafana");
  if (!prometheus && !grafana) return undefined;
  const withLoki = findService(model, "loki") !== undefined;
  const replicas = prometheus?.replicas ?? 1;
  const promRes = resources(resourcesOf(prometheus, "prometheus"));
  // Node exporters read the host's /proc and /sys on the host network.
  const c = component(RELEASE, MONITORING_NAMESPACE, 0, "privileged");
  c.charts.push({
    pin: chartPin("kube-prometheus-stack", prometheus?.version),
    releaseName: RELEASE,
    values: {
      crds: { enabled: false },
      // K3s runs these inside its own process, bound to localhost: they cannot be scraped.
      kubeEtcd: { enabled: false },
      kubeControllerManager: { enabled: false },
      kubeScheduler: { enabled: false },
      kubeProxy: { enabled: false },
      prometheus: prometheus
        ? {
            enabled: true,
            prometheusSpec: prometheusSpec(model, replicas, Math.max(1, prometheus.persistenceGiB), promRes),
          }
        : { enabled: false },
      alertmanager: prometheus
        ? {
            enabled: true,
            alertmanagerSpec: {
              replicas: Math.min(replicas, 3),
              podAntiAffinity: fitsOnePerZone(model, replicas) ? "hard" : "soft",
              podAntiAffinityTopologyKey: ZONE_LABEL,
            },
          }
        : { enabled: false },
      prometheusOperator: { resources: resources({ cpuMillis: 100, memoryMiB: 256 }) },
      grafana: grafanaValues(model, withLoki),
    },
  });
  const workloads: Workload[] = [];
  if (prometheus) {
    workloads.push({
      name: "prometheus",
      selector: { "app.kubernetes.io/name": "prometheus", prometheus: `${RELEASE}-prometheus` },
      replicas,
    });
    const rules = planAlertRules(model);
    if (rules) c.manifests["alert-rules"] = [rules];
    const probes = sloProbeChart(model);
    if (probes) {
      c.charts.push(probes);
      c.network.push(...sloProbeNetwork(model));
    }
  }
  const dashboard = grafana && prometheus ? sloDashboard(model) : undefined;
  if (dashboard) c.manifests["slo-dashboard"] = [dashboard];
  if (grafana)
    workloads.push({
      name: "grafana",
      selector: { "app.kubernetes.io/name": "grafana", "app.kubernetes.io/instance": RELEASE },
      replicas: grafana.replicas,
    });
  c.workloads = workloads;
  const grafanaHost = grafana && hostnameOf(model, grafana, "grafana");
  if (grafanaHost)
    c.web.push({
      name: "grafana",
      host: grafanaHost,
      service: `${RELEASE}-grafana`,
      servicePort: 80,
      podPort: GRAFANA_PORT,
    });
  const promHost = prometheus && hostnameOf(model, prometheus, "prometheus");
  if (promHost)
    c.web.push({
      name: "prometheus",
      host: promHost,
      service: `${RELEASE}-prometheus`,
      servicePort: PROMETHEUS_PORT,
      podPort: PROMETHEUS_PORT,
    });
  if (grafana) c.secrets.push(grafanaAdminSecret());
  c.network.push(
    fromApiServer(model, 10250),
    toApiServer(model),
    toAllPods(model, "scraping every pod's metrics"),
    toNodes(model, [9100, 10250], "node exporters and kubelets"),
    toInternet([{ port: 443, protocol: "TCP" }], "alert notifications and dashboard downloads"),
  );
  const lbs = lbTargets(model);
  if (prometheus && lbs.length)
    c.network.push(
      toAddresses(
        [...new Set(lbs.map((t) => t.address))].sort(),
        [...new Set(lbs.map((t) => t.port))],
        "the load balancers' HAProxy metrics",
      ),
    );
  return c;
}
