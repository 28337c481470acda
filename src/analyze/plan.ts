// `hlab plan` as a pure function: from the model to a JSON-serialisable PlanReport with the IP
// plan, capacity and N+1, failure domains and quorum at every layer, and the availability of every
// service. Findings are diagnostics positioned on the spec, in the order a compiler would print them.
import { dedupeDiagnostics, sortDiagnostics, type Diagnostic } from "../diagnostic/diagnostic.js";
import type { Model } from "../model/model.js";
import { availabilitySection, type AvailabilityOptions } from "./availability.js";
import { capacity } from "./capacity.js";
import { defaultRouteFindings } from "./default-route.js";
import { downloadFindings } from "./downloads.js";
import { exposureSection } from "./exposure.js";
import { buildDependencyGraph, KUBERNETES_API } from "./dependency-graph.js";
import { FailoverCosts, type TimingOverrides } from "./failover-costs.js";
import { hoursText, percent } from "./format.js";
import { ipPlan } from "./ip-plan.js";
import type { HostLoss, PlanReport, PlanSummary, ServiceAvailability } from "./plan-report.js";
import { failureDomains } from "./quorum.js";
import { recoveryOverrides } from "./recovery.js";
import { recoverySection } from "./recovery-findings.js";

export interface PlanOptions extends AvailabilityOptions {
  timings?: TimingOverrides;
  /** Diagnostics from loading the spec (warnings), reported and counted with the plan's own. */
  findings?: readonly Diagnostic[];
}

export function planModel(model: Model, options: PlanOptions = {}): PlanReport {
  const costs = new FailoverCosts(model, options.timings);
  const graph = buildDependencyGraph(model, costs);
  const domains = failureDomains(model, graph.placement);
  const cap = capacity(model, graph.placement);
  const avail = availabilitySection(model, graph, options);
  const exposure = exposureSection(model);
  const recovery = recoverySection(model, recoveryOverrides(options.timings?.measured));
  const findings = sortDiagnostics(
    dedupeDiagnostics([
      ...(options.findings ?? []),
      ...domains.findings,
      ...cap.findings,
      ...avail.findings,
      ...defaultRouteFindings(model),
      ...downloadFindings(model),
      ...exposure.findings,
      ...recovery.findings,
    ]),
  );
  return {
    name: model.name,
    file: model.source.file,
    summary: summarise(model, findings, avail.report.services),
    findings,
    availability: avail.report,
    failureDomains: domains.layers,
    capacity: cap.report,
    ipPlan: ipPlan(model),
    exposure: exposure.report,
    recovery: recovery.report,
  };
}

function summarise(
  model: Model,
  findings: readonly Diagnostic[],
  services: readonly ServiceAvailability[],
): PlanSummary {
  const errors = findings.filter((d) => d.severity === "error").length;
  const warnings = findings.filter((d) => d.severity === "warning").length;
  const infos = findings.filter((d) => d.severity === "info").length;
  const apps = services.filter((s) => s.kind === "service");
  const lost = apps.filter((s) => !s.survivesAnyOneHost).map((s) => s.name);
  const api = services.find((s) => s.name === KUBERNETES_API);
  const survivesAnyOneHost = lost.length === 0 && (api?.survivesAnyOneHost ?? true);
  const hostLosses = lossesPerHost(model, apps, api);
  const lines: string[] = [];
  if (apps.length === 0) lines.push("No services declared.");
  if (api)
    lines.push(
      api.survivesAnyOneHost
        ? "The Kubernetes API survives the loss of any one host."
        : "The Kubernetes API does not survive the loss of some one host.",
    );
  if (apps.length) {
    const sorted = [...apps].sort((a, b) => a.availability - b.availability || a.name.localeCompare(b.name));
    const worst = sorted[0]!;
    const best = sorted[sorted.length - 1]!;
    lines.push(
      `Availability from ${percent(worst.availability)} (${worst.name}, ${hoursText(worst.downtimeHoursPerYear)} down a year) to ${percent(best.availability)} (${best.name}).`,
    );
    const missed = apps.filter((s) => s.meetsTarget === false).map((s) => s.name);
    if (missed.length) lines.push(`Below target: ${missed.join(", ")}.`);
  }
  lines.push(`${errors} error(s), ${warnings} warning(s), ${infos} note(s).`);
  const sound = errors === 0 && survivesAnyOneHost;
  return {
    sound,
    verdict: verdictSentence(sound, hostLosses, errors),
    hostLosses,
    errors,
    warnings,
    infos,
    survivesAnyOneHost,
    servicesLostWithOneHost: lost,
    lines,
  };
}

/** Per host (by name), what its loss takes down until repaired; hosts whose loss downs nothing are left out. */
function lossesPerHost(
  model: Model,
  apps: readonly ServiceAvailability[],
  api: ServiceAvailability | undefined,
): HostLoss[] {
  const downWith = (s: ServiceAvailability, host: string): boolean =>
    s.hostFailures.some((o) => o.status === "down" && o.failed.includes(`host:${host}`));
  const out: HostLoss[] = [];
  for (const host of model.hosts.map((x) => x.name).sort()) {
    const down = apps.filter((s) => downWith(s, host)).map((s) => s.name);
    const kubernetesApi = api !== undefined && downWith(api, host);
    if (down.length || kubernetesApi)
      out.push({ host, down, everyService: apps.length > 0 && down.length === apps.length, kubernetesApi });
  }
  return out;
}

/**
 * The one sentence every rendering leads with (terminal, Markdown, JSON, dashboard), so the wording
 * cannot drift: "sound" only when no finding is an error and every service survives any one host;
 * otherwise what breaks, host by host, and how many findings are errors.
 */
function verdictSentence(sound: boolean, losses: readonly HostLoss[], errors: number): string {
  if (sound) return "Sound: every service survives the loss of any one host, and no finding is an error.";
  // With every service gone the API is no news; with some still up it is what they lose next.
  const parts = losses.map(
    (l) =>
      `losing ${l.host} takes down ${l.everyService ? "every service" : listText([...l.down, ...(l.kubernetesApi ? ["the Kubernetes API"] : [])])}`,
  );
  if (errors) parts.push(errors === 1 ? "1 finding is an error" : `${errors} findings are errors`);
  return `Not sound: ${parts.join("; ")}.`;
}

const listText = (xs: readonly string[]): string =>
  xs.length < 2 ? (xs[0] ?? "") : `${xs.slice(0, -1).join(", ")} and ${xs[xs.length - 1]}`;
