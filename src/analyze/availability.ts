// The availability section of the plan: per service, the exact figure (or a simulated one when the
// topology is too large to enumerate), what it survives, its single points of failure and what
// costs it the most downtime; plus the findings these figures support.
import { diagnostic, type Diagnostic } from "../diagnostic/diagnostic.js";
import type { Model } from "../model/model.js";
import { exactAvailability, HOURS_PER_YEAR, type ExactResult } from "./availability-exact.js";
import { componentInfo, hostId, type Component } from "./components.js";
import type { DependencyGraph, ServiceGraph } from "./dependency-graph.js";
import { failureOutcome, survey, type Survey } from "./failure-outcome.js";
import { reduceStructure } from "./reduction.js";
import { SharedReduction } from "./shared-reduction.js";
import { componentsOf } from "./structure.js";
import { DEFAULT_SEED, simulate, type SimulatedFigure, type SimulationOptions } from "./monte-carlo.js";
import { displayName, hoursText, percent } from "./format.js";
import type {
  AvailabilityReport,
  ComponentId,
  Contributor,
  FailureOutcome,
  ServiceAvailability,
} from "./plan-report.js";

export interface AvailabilityOptions {
  /** Also run the simulator on every service and attach its figure (a cross-check). */
  simulate?: boolean | SimulationOptions;
  /** States the exact engine may visit per service before it hands over to the simulator. */
  stateBudget?: number;
  /** Settings of the simulator when it runs (seed, horizon), cross-check or not. */
  simulation?: SimulationOptions;
}

/** Below this, a component is called unreliable. */
export const UNRELIABLE_BELOW = 0.99;
const TOP_CONTRIBUTORS = 5;

export const ASSUMPTIONS = [
  "Components fail independently; each alternates working and broken periods with the spec's (or the default) MTBF and MTTR.",
  "A guest runs when it, its host, the host's NICs for its networks and the host's shared gear run.",
  "Kubernetes replicas are spread over hosts, then over the least loaded nodes; the placement used is listed per service.",
  "Running pods keep serving without the control plane; moving a pod or promoting a database needs it (etcd quorum).",
  "A failover is charged in full after each failure the service survives, capped by the failed part's mean repair time; failing back is free.",
  "Leaders and VIP holders sit on the most available member (leadership sticks with survivors).",
  "Requests to a replica on a node that just died are not counted (kube-proxy drops the endpoint within the NotReady delay).",
];

interface Computed {
  exact?: ExactResult;
  survey: Survey;
  hostFailures: FailureOutcome[];
  survivesAnyTwoHosts: boolean;
}

export interface AvailabilitySection {
  report: AvailabilityReport;
  findings: Diagnostic[];
}

export function availabilitySection(
  model: Model,
  graph: DependencyGraph,
  opts: AvailabilityOptions = {},
): AvailabilitySection {
  const cache = new Map<number, Computed>();
  const hostIds = model.hosts.map((h) => hostId(h.name)).sort();
  const shared = new SharedReduction(graph.builder, graph.components);
  const compute = (s: ServiceGraph): Computed => {
    const hit = cache.get(s.root.id);
    if (hit) return hit;
    const pre = shared.of(s.root);
    const first = reduceStructure(graph.builder, pre.reduced, graph.components);
    const reduced = { ...first, prunedBound: first.prunedBound + pre.prunedBound };
    const sv = survey(graph.builder, s.root, graph.components, reduced);
    // One host failing leaves every part the shared reduction took as up still up (they need three
    // failures or more, and cost nothing): its outcome is read on the smaller structure.
    const reads = new Set(componentsOf(pre.structural));
    const hostFailures = hostIds
      .filter((h) => reads.has(h))
      .map((h) => failureOutcome(pre.structural, [h]))
      .filter((o) => o.status !== "up");
    const exact = exactAvailability(graph.builder, s.root, graph.components, opts.stateBudget, reduced);
    const c: Computed = {
      ...(exact ? { exact } : {}),
      survey: sv,
      hostFailures,
      survivesAnyTwoHosts: !sv.hostPairFatal,
    };
    cache.set(s.root.id, c);
    return c;
  };
  const computed = graph.services.map(compute);

  // The simulator covers what the enumeration could not, and everything when asked to cross-check.
  const simOpts: SimulationOptions = {
    ...opts.simulation,
    ...(typeof opts.simulate === "object" ? opts.simulate : {}),
  };
  const needSim = graph.services.filter((_, i) => !computed[i]!.exact);
  const crossCheck = Boolean(opts.simulate);
  const simulated = new Map<number, SimulatedFigure>();
  let monteCarlo: AvailabilityReport["monteCarlo"];
  const toSimulate = crossCheck ? graph.services : needSim;
  if (toSimulate.length) {
    const roots = [...new Map(toSimulate.map((s) => [s.root.id, s.root])).values()];
    const res = simulate(roots, graph.components, { seed: DEFAULT_SEED, ...simOpts });
    roots.forEach((r, i) => simulated.set(r.id, res.figures[i]!));
    monteCarlo = { seed: res.seed, years: res.years, events: res.events, batches: res.batches };
  }

  const services: ServiceAvailability[] = graph.services.map((s, i) => {
    const c = computed[i]!;
    const sim = simulated.get(s.root.id);
    const exact = c.exact;
    const availability = exact ? exact.availability : sim!.availability;
    const contributors = exact
      ? contributorsOf(exact)
      : spofContributors(c.survey.spofs, graph.components, availability);
    const out: ServiceAvailability = {
      name: s.name,
      kind: s.kind,
      path: s.path.join("."),
      method: exact ? "exact" : "monte-carlo",
      availability,
      ...(exact ? {} : { ci: sim!.ci }),
      steadyStateAvailability: exact ? exact.steady : 1 - sim!.steadyDown,
      transitionUnavailability: exact ? exact.transition : sim!.transition,
      downtimeHoursPerYear: (1 - availability) * HOURS_PER_YEAR,
      ...(s.target !== undefined ? { target: s.target, meetsTarget: availability >= s.target } : {}),
      truncationBound: exact ? exact.truncationBound : 0,
      dependsOn: c.survey.dependsOn,
      spofs: c.survey.spofs,
      fatalPairs: c.survey.fatalPairs,
      fatalPairCount: c.survey.fatalPairCount,
      survivesAnyOneHost: !c.hostFailures.some((o) => o.status === "down"),
      survivesAnyTwoHosts: c.survivesAnyTwoHosts,
      hostFailures: c.hostFailures,
      ...(contributors[0] ? { largestContributor: contributors[0] } : {}),
      contributors,
      placement: s.placement,
      notes: s.notes,
    };
    if (crossCheck && exact && sim) {
      out.check = {
        availability: sim.availability,
        ci: sim.ci,
        agrees: exact.availability >= sim.ci[0] && exact.availability <= sim.ci[1],
      };
    }
    return out;
  });

  const usedIds = new Set(services.flatMap((s) => s.dependsOn));
  const components = [...graph.components.values()]
    .filter((c) => usedIds.has(c.id))
    .map(componentInfo)
    .sort((a, b) => a.id.localeCompare(b.id));
  const report: AvailabilityReport = {
    services,
    components,
    timings: graph.costs.figures,
    ...(monteCarlo ? { monteCarlo } : {}),
    assumptions: ASSUMPTIONS,
  };
  return { report, findings: availabilityFindings(model, graph, services) };
}

function contributorsOf(exact: ExactResult): Contributor[] {
  return [...exact.shares.entries()]
    .map(([component, s]) => ({
      component,
      hoursPerYear: (s.improvement + s.transition) * HOURS_PER_YEAR,
      transitionHoursPerYear: s.transition * HOURS_PER_YEAR,
    }))
    .filter((c) => c.hoursPerYear > 1e-9)
    .sort((a, b) => b.hoursPerYear - a.hoursPerYear || a.component.localeCompare(b.component))
    .slice(0, TOP_CONTRIBUTORS);
}

/** Without an enumeration, only the single points of failure have a closed-form share. */
function spofContributors(
  spofs: readonly ComponentId[],
  components: ReadonlyMap<string, Component>,
  availability: number,
): Contributor[] {
  return spofs
    .map((id) => {
      const a = components.get(id)!.reliability.availability;
      return {
        component: id,
        hoursPerYear: availability * (1 / a - 1) * HOURS_PER_YEAR,
        transitionHoursPerYear: 0,
      };
    })
    .sort((a, b) => b.hoursPerYear - a.hoursPerYear || a.component.localeCompare(b.component))
    .slice(0, TOP_CONTRIBUTORS);
}

function advice(model: Model, id: ComponentId, components: ReadonlyMap<string, Component>): string {
  const c = components.get(id);
  switch (c?.kind) {
    case "gear": {
      const kind = model.gear.find((g) => g.name === c.name)?.kind;
      return kind === "isp-router"
        ? "no design on the LAN removes the ISP box: accept it, or lower the target"
        : kind === "power"
          ? "a UPS bridges most power cuts"
          : "a second unit, or accept it knowingly";
    }
    case "nic":
      return "replace the NIC, or give the host a second link";
    case "host":
      return "run the service on more hosts (replicas, a VIP that can move)";
    default:
      return "add replicas on other hosts";
  }
}

function availabilityFindings(
  model: Model,
  graph: DependencyGraph,
  services: readonly ServiceAvailability[],
): Diagnostic[] {
  const out: Diagnostic[] = [];
  const src = model.source;
  const comps = graph.components;

  if (model.hosts.length > 1) {
    for (const h of [...model.hosts].sort((a, b) => a.name.localeCompare(b.name))) {
      const lost = services.filter((s) =>
        s.hostFailures.some((o) => o.status === "down" && o.failed.includes(hostId(h.name))),
      );
      if (!lost.length) continue;
      const names = lost.map((s) => (s.kind === "platform" ? `the ${displayName(s)}` : `\`${s.name}\``));
      const onlyQuorum = lost.every((s) => s.name === "proxmox-quorum");
      if (onlyQuorum) continue; // HL107 says it better
      out.push(
        diagnostic(
          src,
          "HL118",
          ["hosts", h.name],
          `losing host \`${h.name}\` takes down ${names.join(", ")} until it is repaired`,
          `\`hlab plan --fail host:${h.name}\` shows why; each service's single points of failure are listed in the availability table`,
        ),
      );
    }
  }

  for (const s of services) {
    if (s.target === undefined || s.meetsTarget) continue;
    const top = s.largestContributor;
    out.push(
      diagnostic(
        src,
        "HL119",
        ["services", s.name, "target"],
        `\`${s.name}\` reaches ${percent(s.availability)} against its target of ${percent(s.target)}${
          top ? `; the largest contributor is ${top.component} (${hoursText(top.hoursPerYear)} a year)` : ""
        }`,
        top ? advice(model, top.component, comps) : "add replicas on other hosts",
      ),
    );
  }

  const used = new Set(services.flatMap((s) => s.dependsOn));
  for (const c of [...comps.values()].sort((a, b) => a.id.localeCompare(b.id))) {
    if (!used.has(c.id) || c.reliability.availability >= UNRELIABLE_BELOW) continue;
    const dependents = services.filter((s) => s.dependsOn.includes(c.id)).map((s) => s.name);
    const path = c.reliability.source === "spec" ? [...c.path, "reliability"] : c.path;
    out.push(
      diagnostic(
        src,
        "HL116",
        path,
        `${c.kind} \`${c.name}\` is up only ${percent(c.reliability.availability)} of the time (${c.reliability.source}); ${dependents.length} service(s) depend on it: ${dependents.join(", ")}`,
        `${advice(model, c.id, comps)}; \`hlab plan --fail ${c.kind}:${c.name}\` shows what it takes down`,
      ),
    );
  }

  const appServices = services.filter((s) => s.kind === "service");
  for (const g of model.gear) {
    const id = `gear:${g.name}`;
    const all = model.hosts.length > 1 && model.hosts.every((h) => h.dependsOn.includes(g.name));
    const everySpof = appServices.length > 0 && appServices.every((s) => s.spofs.includes(id));
    if (!all && !everySpof) continue;
    const a = g.reliability.availability;
    out.push(
      diagnostic(
        src,
        "HL117",
        ["gear", g.name],
        `\`${g.name}\` is a single point of failure of ${all ? "every host" : "every service"}: alone it costs about ${hoursText((1 - a) * HOURS_PER_YEAR)} a year (${percent(a)}, ${g.reliability.source})`,
        g.kind === "power"
          ? "a UPS bridges most cuts"
          : g.kind === "isp-router"
            ? "usual at home: the LAN and the internet both go through it"
            : "a second unit, or accept it knowingly",
      ),
    );
  }
  return out;
}
