// `hlab plan` as a pure function: from the model to a JSON-serialisable PlanReport with the IP
// plan, capacity and N+1, failure domains and quorum at every layer, and the availability of every
// service. Findings are diagnostics positioned on the spec, in the order a compiler would print them.
import { dedupeDiagnostics, sortDiagnostics, type Diagnostic } from "../diagnostic/diagnostic.js";
import type { Model } from "../model/model.js";
import { availabilitySection, type AvailabilityOptions } from "./availability.js";
import { capacity } from "./capacity.js";
import { defaultRouteFindings } from "./default-route.js";
import { buildDependencyGraph, KUBERNETES_API } from "./dependency-graph.js";
import { FailoverCosts, type TimingOverrides } from "./failover-costs.js";
import { hoursText, percent } from "./format.js";
import { ipPlan } from "./ip-plan.js";
import type { PlanReport, PlanSummary, ServiceAvailability } from "./plan-report.js";
import { failureDomains } from "./quorum.js";

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
  const findings = sortDiagnostics(
    dedupeDiagnostics([
      ...(options.findings ?? []),
      ...domains.findings,
      ...cap.findings,
      ...avail.findings,
      ...defaultRouteFindings(model),
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
  const lines: string[] = [];
  if (apps.length === 0) lines.push("No services declared.");
  else if (lost.length === 0) {
    lines.push(
      model.hosts.length === 1
        ? "Every service stays up as long as the only host does (there is no other)."
        : "Every service survives the loss of any one host.",
    );
  } else {
    for (const h of model.hosts.map((x) => x.name).sort()) {
      const down = apps
        .filter((s) => s.hostFailures.some((o) => o.status === "down" && o.failed.includes(`host:${h}`)))
        .map((s) => s.name);
      if (down.length)
        lines.push(
          `Losing host ${h} takes down ${down.length === apps.length ? "every service" : down.join(", ")}.`,
        );
    }
  }
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
  lines.push(
    `${errors} error(s), ${warnings} warning(s), ${infos} note(s): ${errors ? "the design is not sound." : "the design is sound."}`,
  );
  return {
    sound: errors === 0,
    errors,
    warnings,
    infos,
    survivesAnyOneHost: lost.length === 0 && (api?.survivesAnyOneHost ?? true),
    servicesLostWithOneHost: lost,
    lines,
  };
}
