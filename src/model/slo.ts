// The vocabulary of hlab's service level objectives, shared by what measures them (the cluster's
// blackbox probes, the lab's exported probe results), what records and alerts on them (the generated
// Prometheus rules), what draws them (the Grafana dashboard) and what reads them back (the dashboard's
// plan-vs-observed view). The plan predicts a fraction of time a service is up, so the SLI is one too:
// the fraction of probes that succeeded, not a ratio of requests.

/**
 * The SLI series: 1 when a probe of the service succeeded, 0 when it failed. The name and meaning are
 * the blackbox exporter's (prometheus/blackbox_exporter v0.28.0, prober/handler.go: probe_success),
 * so the cluster's probes need no renaming; the lab exports its own probe results under the same name.
 */
export const SLI_METRIC = "probe_success";
/** The label naming the spec's service on every SLI and SLO series. */
export const SLI_SERVICE_LABEL = "service";
/** The Prometheus job of the SLO probes (cluster and lab). */
export const SLO_PROBE_JOB = "hlab-slo-probe";

/** The SLO period the budget is counted over (the Site Reliability Workbook's 30 days). */
export const SLO_PERIOD_DAYS = 30;

/**
 * The multiwindow, multi-burn-rate alerts of The Site Reliability Workbook, ch. 5 "Alerting on SLOs"
 * (https://sre.google/workbook/alerting-on-slos/, section 6 and Table 5-8): an alert fires when both
 * the long and the short window burn the budget faster than `burnRate` times the sustainable pace.
 * The burn rate is the share of the period's budget spent in the long window, over the window's share
 * of the period: 2 % in 1 h of 30 days is 14.4.
 */
export interface BurnRateWindow {
  severity: "critical" | "warning";
  longHours: number;
  shortMinutes: number;
  /** The share of the period's error budget the long window spends at the threshold. */
  budgetSpent: number;
}

export const BURN_RATE_WINDOWS: readonly BurnRateWindow[] = [
  { severity: "critical", longHours: 1, shortMinutes: 5, budgetSpent: 0.02 },
  { severity: "critical", longHours: 6, shortMinutes: 30, budgetSpent: 0.05 },
  { severity: "warning", longHours: 24, shortMinutes: 120, budgetSpent: 0.1 },
  { severity: "warning", longHours: 72, shortMinutes: 360, budgetSpent: 0.1 },
];

/** How many times the sustainable pace the window burns at its threshold (14.4, 6, 3, 1). */
export const burnRate = (w: BurnRateWindow): number =>
  Math.round(((w.budgetSpent * SLO_PERIOD_DAYS * 24) / w.longHours) * 1000) / 1000;

/** A Prometheus duration for minutes: `5m`, `2h`, `3d`. */
export function promDuration(minutes: number): string {
  if (minutes % (24 * 60) === 0) return `${minutes / (24 * 60)}d`;
  if (minutes % 60 === 0) return `${minutes / 60}h`;
  return `${minutes}m`;
}

/** Every window a rate is recorded over: the alerts' long and short windows and the period. */
export function sloWindows(): string[] {
  const minutes = new Set<number>([SLO_PERIOD_DAYS * 24 * 60]);
  for (const w of BURN_RATE_WINDOWS) {
    minutes.add(w.longHours * 60);
    minutes.add(w.shortMinutes);
  }
  return [...minutes].sort((a, b) => a - b).map(promDuration);
}

/** The recorded series (Prometheus' level:metric:operations naming). */
export const SLO_SERIES = {
  /** Share of failed probes over a window: `hlab:slo_errors:ratio_rate1h`. */
  errors: (window: string): string => `hlab:slo_errors:ratio_rate${window}`,
  /** Observed availability over the SLO period. */
  availability: `hlab:slo_availability:ratio_rate${SLO_PERIOD_DAYS}d`,
  /** The spec's target, as a constant series per service. */
  target: "hlab:slo_target:ratio",
  /** The plan's predicted availability, as a constant series per service. */
  predicted: "hlab:slo_predicted_availability:ratio",
  /** Share of the period's error budget left (negative once overspent). */
  budgetRemaining: `hlab:slo_error_budget_remaining:ratio_rate${SLO_PERIOD_DAYS}d`,
} as const;
