// The Grafana dashboard of the plan's SLOs: what the plan predicts beside what the probes observe, the
// error budget left, and how fast it burns. Provisioned as a ConfigMap that Grafana's dashboard
// sidecar loads: kube-prometheus-stack turns the sidecar on for labelled ConfigMaps in every namespace
// (prometheus-community/helm-charts kube-prometheus-stack-88.5.3,
// charts/kube-prometheus-stack/values.yaml grafana.sidecar.dashboards: label grafana_dashboard,
// labelValue "1", searchNamespace ALL; the sidecar itself is the grafana chart's,
// grafana-community/helm-charts grafana-12.11.1 charts/grafana/values.yaml sidecar.dashboards, which
// writes each data key of the ConfigMap as a file its provider reads).
import type { Model } from "../../model/model.js";
import {
  BURN_RATE_WINDOWS,
  burnRate,
  SLI_SERVICE_LABEL,
  SLO_PERIOD_DAYS,
  SLO_SERIES,
} from "../../model/slo.js";
import { kubeObject, type KubeObject } from "./manifest.js";
import { MONITORING_NAMESPACE } from "./network-policy.js";
import { serviceSlos } from "./slo.js";

export const DASHBOARD_LABEL = { grafana_dashboard: "1" } as const;
export const SLO_DASHBOARD_FILE = "hlab-slo.json";
export const SLO_DASHBOARD_UID = "hlab-slo";
/**
 * The data source kube-prometheus-stack provisions for its Prometheus (values.yaml
 * grafana.sidecar.datasources: type prometheus, uid "prometheus", at kube-prometheus-stack-88.5.3).
 */
const DATASOURCE = { type: "prometheus", uid: "prometheus" } as const;
/**
 * Dashboard JSON schema version 41: within what Grafana migrates from and to (MIN_VERSION 9,
 * LATEST_VERSION 42 in grafana/grafana apps/dashboard/pkg/migration/schemaversion/migrations.go).
 */
const SCHEMA_VERSION = 41;

interface GridPos {
  x: number;
  y: number;
  w: number;
  h: number;
}

interface Target {
  expr: string;
  legendFormat: string;
}

const L = SLI_SERVICE_LABEL;
const byService = `{{${L}}}`;

function panel(
  id: number,
  type: "stat" | "bargauge" | "timeseries",
  title: string,
  description: string,
  gridPos: GridPos,
  targets: Target[],
  fieldConfig: Record<string, unknown>,
  options: Record<string, unknown>,
): Record<string, unknown> {
  return {
    id,
    type,
    title,
    description,
    gridPos,
    datasource: DATASOURCE,
    targets: targets.map((t, i) => ({
      refId: String.fromCharCode(65 + i),
      datasource: DATASOURCE,
      expr: t.expr,
      legendFormat: t.legendFormat,
    })),
    fieldConfig: { defaults: fieldConfig, overrides: [] },
    options,
  };
}

const steps = (...s: { value: number | null; color: string }[]) => ({ mode: "absolute", steps: s });

const statOptions = {
  reduceOptions: { calcs: ["lastNotNull"], fields: "", values: false },
  colorMode: "value",
  graphMode: "none",
  textMode: "value_and_name",
  orientation: "horizontal",
};

const availabilityField = (thresholds: Record<string, unknown>) => ({
  unit: "percentunit",
  decimals: 3,
  min: 0,
  max: 1,
  color: { mode: "thresholds" },
  thresholds,
});

function dashboardJson(model: Model): Record<string, unknown> {
  const slos = serviceSlos(model);
  const lowestTarget = Math.min(...slos.map((s) => s.target));
  const onTarget = steps({ value: null, color: "red" }, { value: lowestTarget, color: "green" });
  const neutral = steps({ value: null, color: "blue" });
  const period = `${SLO_PERIOD_DAYS} d`;
  const burn1h = `${SLO_SERIES.errors("1h")} / on (${L}) (1 - ${SLO_SERIES.target})`;
  const panels = [
    panel(
      1,
      "stat",
      "Predicted by the plan",
      "The availability `hlab plan` computes for the service from the spec's (or the default) failure and repair figures.",
      { x: 0, y: 0, w: 6, h: 8 },
      [{ expr: SLO_SERIES.predicted, legendFormat: byService }],
      availabilityField(neutral),
      statOptions,
    ),
    panel(
      2,
      "stat",
      "Target",
      "The spec's `target` for the service.",
      { x: 6, y: 0, w: 6, h: 8 },
      [{ expr: SLO_SERIES.target, legendFormat: byService }],
      availabilityField(neutral),
      statOptions,
    ),
    panel(
      3,
      "stat",
      `Observed over ${period}`,
      "The share of successful probes of the service's URL. Below the prediction: the model is wrong, or something is broken.",
      { x: 12, y: 0, w: 6, h: 8 },
      [{ expr: SLO_SERIES.availability, legendFormat: byService }],
      availabilityField(onTarget),
      statOptions,
    ),
    panel(
      4,
      "bargauge",
      `Error budget left (${period})`,
      "1 - observed failures / (1 - target) over the period: 0 % is the budget spent, below is overspent.",
      { x: 18, y: 0, w: 6, h: 8 },
      [{ expr: SLO_SERIES.budgetRemaining, legendFormat: byService }],
      {
        unit: "percentunit",
        decimals: 1,
        min: 0,
        max: 1,
        color: { mode: "thresholds" },
        thresholds: steps(
          { value: null, color: "red" },
          { value: 0.25, color: "orange" },
          { value: 0.5, color: "green" },
        ),
      },
      {
        reduceOptions: { calcs: ["lastNotNull"], fields: "", values: false },
        orientation: "horizontal",
        displayMode: "basic",
        showUnfilled: true,
      },
    ),
    panel(
      5,
      "timeseries",
      "Availability over the last hour, against the plan",
      "Observed: 1 - the share of failed probes over one hour. Predicted and target are the plan's constants.",
      { x: 0, y: 8, w: 24, h: 9 },
      [
        { expr: `1 - ${SLO_SERIES.errors("1h")}`, legendFormat: `${byService} observed` },
        { expr: SLO_SERIES.predicted, legendFormat: `${byService} predicted` },
        { expr: SLO_SERIES.target, legendFormat: `${byService} target` },
      ],
      { unit: "percentunit", decimals: 3, max: 1, color: { mode: "palette-classic" } },
      { legend: { displayMode: "table", placement: "right", showLegend: true }, tooltip: { mode: "multi" } },
    ),
    panel(
      6,
      "timeseries",
      "Burn rate over one hour",
      `How many times faster than the ${period} budget allows the service fails. The page fires above ` +
        BURN_RATE_WINDOWS.filter((w) => w.severity === "critical")
          .map((w) => `${burnRate(w)}x (${w.longHours} h)`)
          .join(" or ") +
        ".",
      { x: 0, y: 17, w: 24, h: 8 },
      [{ expr: burn1h, legendFormat: byService }],
      {
        unit: "x",
        min: 0,
        color: { mode: "palette-classic" },
        custom: { thresholdsStyle: { mode: "line" } },
        thresholds: steps(
          { value: null, color: "green" },
          ...[...new Set(BURN_RATE_WINDOWS.filter((w) => w.severity === "critical").map(burnRate))]
            .sort((a, b) => a - b)
            .map((value, i) => ({ value, color: i === 0 ? "orange" : "red" })),
        ),
      },
      { legend: { displayMode: "list", placement: "bottom", showLegend: true }, tooltip: { mode: "multi" } },
    ),
  ];
  return {
    uid: SLO_DASHBOARD_UID,
    title: `${model.name}: SLOs, plan against observed`,
    description: "Generated by hlab from the spec's targets and the plan's predictions.",
    tags: ["hlab", "slo"],
    timezone: "browser",
    editable: false,
    graphTooltip: 1,
    schemaVersion: SCHEMA_VERSION,
    time: { from: "now-7d", to: "now" },
    refresh: "1m",
    templating: { list: [] },
    annotations: { list: [] },
    panels,
  };
}

/** The dashboard's ConfigMap; none when no service has an SLO. */
export function sloDashboard(model: Model): KubeObject | undefined {
  if (serviceSlos(model).length === 0) return undefined;
  return kubeObject(
    "v1",
    "ConfigMap",
    { name: "hlab-slo-dashboard", namespace: MONITORING_NAMESPACE, labels: { ...DASHBOARD_LABEL } },
    { data: { [SLO_DASHBOARD_FILE]: `${JSON.stringify(dashboardJson(model), null, 2)}\n` } },
  );
}
