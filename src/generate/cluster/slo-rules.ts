// The SLO rules of the plan, in Prometheus' rule-file shape (the groups of a PrometheusRule): the share
// of failed probes over every window the alerts read, the target and the plan's prediction as
// constant series, the availability and error budget left over the SLO period, and the multiwindow,
// multi-burn-rate alerts of the Site Reliability Workbook (src/model/slo.ts).
import type { Model } from "../../model/model.js";
import {
  BURN_RATE_WINDOWS,
  burnRate,
  promDuration,
  SLI_METRIC,
  SLI_SERVICE_LABEL,
  SLO_PERIOD_DAYS,
  SLO_PROBE_JOB,
  SLO_SERIES,
  sloWindows,
} from "../../model/slo.js";
import { serviceSlos, type ServiceSlo } from "./slo.js";

export interface RecordingRule {
  record: string;
  expr: string;
  labels?: Record<string, string>;
}

export interface SloAlertRule {
  alert: string;
  expr: string;
  for: string;
  labels: Record<string, string>;
  annotations: { summary: string; description: string };
}

export interface SloRuleGroup {
  name: string;
  rules: (RecordingRule | SloAlertRule)[];
}

const L = SLI_SERVICE_LABEL;

/** Probes fail for a whole window too: the share of failed probes, per service. */
const errorRatio = (window: string): RecordingRule => ({
  record: SLO_SERIES.errors(window),
  expr: `1 - avg by (${L}) (avg_over_time(${SLI_METRIC}{job="${SLO_PROBE_JOB}"}[${window}]))`,
});

// Enough digits that 99.95 % stays 0.9995 and a prediction keeps its nines.
const num = (x: number): string => String(Number(x.toPrecision(10)));
const pct = (x: number): string => `${num(x * 100)} %`;

function objectiveRules(slo: ServiceSlo): RecordingRule[] {
  const labels = { [L]: slo.service };
  return [
    { record: SLO_SERIES.target, expr: `vector(${num(slo.target)})`, labels },
    { record: SLO_SERIES.predicted, expr: `vector(${num(slo.predicted)})`, labels },
  ];
}

const periodRules = (): RecordingRule[] => {
  const period = SLO_SERIES.errors(`${SLO_PERIOD_DAYS}d`);
  return [
    { record: SLO_SERIES.availability, expr: `1 - ${period}` },
    {
      record: SLO_SERIES.budgetRemaining,
      expr: `1 - ${period} / on (${L}) (1 - ${SLO_SERIES.target})`,
    },
  ];
};

function burnAlerts(slo: ServiceSlo): SloAlertRule[] {
  const budget = 1 - slo.target;
  const sel = `{${L}="${slo.service}"}`;
  const bySeverity = (severity: "critical" | "warning"): SloAlertRule => {
    const windows = BURN_RATE_WINDOWS.filter((w) => w.severity === severity);
    const expr = windows
      .map((w) => {
        const threshold = `${num(burnRate(w))} * ${num(budget)}`;
        const long = SLO_SERIES.errors(promDuration(w.longHours * 60));
        const short = SLO_SERIES.errors(promDuration(w.shortMinutes));
        return `(${long}${sel} > ${threshold} and ${short}${sel} > ${threshold})`;
      })
      .join(" or ");
    const pairs = windows
      .map((w) => `${promDuration(w.longHours * 60)}/${promDuration(w.shortMinutes)} at ${num(burnRate(w))}x`)
      .join(", ");
    const critical = severity === "critical";
    return {
      alert: critical ? "ErrorBudgetBurningFast" : "ErrorBudgetBurning",
      expr,
      for: critical ? "2m" : "15m",
      labels: { severity, [L]: slo.service },
      annotations: {
        summary: critical
          ? `${slo.service} spends its error budget fast enough to miss its ${pct(slo.target)} target within days`
          : `${slo.service} spends its error budget faster than its ${pct(slo.target)} target allows`,
        description:
          `Probes of ${slo.url} fail at more than the burn rates ${pairs} of the ${SLO_PERIOD_DAYS}-day budget ` +
          `(${pct(budget)}). The plan predicts ${pct(slo.predicted)}: a failure it counted on may be lasting longer than modelled, or something it did not model is broken.`,
      },
    };
  };
  return [bySeverity("critical"), bySeverity("warning")];
}

const probeMissing = (slo: ServiceSlo): SloAlertRule => ({
  alert: "SloProbeMissing",
  expr: `absent(${SLI_METRIC}{job="${SLO_PROBE_JOB}",${L}="${slo.service}"})`,
  for: "10m",
  labels: { severity: "warning", [L]: slo.service },
  annotations: {
    summary: `No probe results for ${slo.service}: its SLO is not measured`,
    description: `Prometheus has no ${SLI_METRIC} series for ${slo.url}; check the blackbox exporter and the ${SLO_PROBE_JOB} scrape job.`,
  },
});

/** The rule groups of the plan's SLOs; empty when no service has a target. */
export function sloRuleGroups(model: Model): SloRuleGroup[] {
  const slos = serviceSlos(model);
  if (slos.length === 0) return [];
  return [
    { name: "hlab.slo.objectives", rules: slos.flatMap(objectiveRules) },
    // Rules of one group run in order on the same evaluation: the period's figures read this round's rates.
    { name: "hlab.slo.sli", rules: [...sloWindows().map(errorRatio), ...periodRules()] },
    { name: "hlab.slo.alerts", rules: slos.flatMap((s) => [...burnAlerts(s), probeMissing(s)]) },
  ];
}
