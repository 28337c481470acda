// `hlab plan --fail host:NAME`: the lab with some parts broken at once. Says which guests go down,
// which HA guests restart where, and for each service whether it stays up, fails over (how long,
// through which steps) or is down until the repair.
import type { Model } from "../model/model.js";
import { resolveFailure } from "./components.js";
import {
  buildDependencyGraph,
  leaderFirst,
  type CurrentLeaders,
  type DependencyGraph,
} from "./dependency-graph.js";
import { FailoverCosts, type TimingOverrides } from "./failover-costs.js";
import { failureOutcome } from "./failure-outcome.js";
import { displayName, msText, spanText } from "./format.js";
import { SITE } from "./components.js";
import { copyAfter, recoveryPredictions } from "./recovery.js";
import { serviceLabel } from "./recovery-findings.js";
import type { ComponentId, WhatIfData, WhatIfResult, WhatIfService } from "./plan-report.js";
import { holderAfter, vipLabels } from "../topology/vips.js";

/** Resolves failure texts (host:NAME, nic:NAME, gear:NAME, guest:NAME); throws on an unknown one. */
export function resolveFailures(model: Model, texts: readonly string[]): ComponentId[] {
  const out = new Set<ComponentId>();
  for (const t of texts) {
    const r = resolveFailure(model, t);
    if (typeof r === "string") throw new Error(r);
    for (const id of r) out.add(id);
  }
  return [...out].sort();
}

export function whatIfGraph(
  model: Model,
  graph: DependencyGraph,
  failed: readonly ComponentId[],
): WhatIfResult {
  const guestsDown: string[] = [];
  const restarted: { guest: string; to: string }[] = [];
  const failedSet = new Set(failed);
  const hostBroken = (host: string): boolean => {
    const h = model.hosts.find((x) => x.name === host);
    if (!h) return true;
    return (
      failedSet.has(`host:${host}`) ||
      h.dependsOn.some((g) => failedSet.has(`gear:${g}`)) ||
      (h.nics.length > 0 && h.nics.every((n) => failedSet.has(`nic:${n.id}`)))
    );
  };
  for (const g of [...model.guests].sort((a, b) => a.name.localeCompare(b.name))) {
    const o = failureOutcome(graph.guests.get(g.name)!, failed);
    if (o.status === "down") guestsDown.push(g.name);
    else if (o.status === "fails-over" && g.ha && hostBroken(g.host)) {
      const to = (graph.haTargets.get(g.name) ?? []).find((t) => !hostBroken(t));
      if (to) restarted.push({ guest: g.name, to });
    }
  }
  const services: WhatIfService[] = graph.services.map((s) => {
    const o = failureOutcome(s.root, failed);
    return { name: s.name, kind: s.kind, status: o.status, outageMs: o.outageMs, steps: o.steps };
  });

  const upAfter = (e: Parameters<typeof failureOutcome>[0] | undefined): boolean =>
    e !== undefined && failureOutcome(e, failed).status !== "down";
  const vipHolders = graph.vips.map((v) => ({
    address: v.vip.address,
    holder:
      holderAfter(
        { ...v.vip, candidates: leaderFirst(v.vip.candidates, graph.current.vips?.[v.vip.address]) },
        (c) => !upAfter(v.candidates.get(c)),
        (d) => upAfter(v.needs.get(d)),
      ) ?? null,
  }));

  const lines: string[] = [`Failed: ${failed.join(", ")}.`];
  lines.push(guestsDown.length ? `Guests down: ${guestsDown.join(", ")}.` : "No guest goes down.");
  for (const r of restarted) lines.push(`Proxmox HA restarts ${r.guest} on ${r.to}.`);
  const down = services.filter((s) => s.status === "down");
  const over = services.filter((s) => s.status === "fails-over");
  for (const s of over) {
    const how = s.steps.map((st) => `${st.mechanism} ${msText(st.ms)}`).join(", ");
    lines.push(`${displayName(s)}: fails over, back after ${msText(s.outageMs)}${how ? ` (${how})` : ""}.`);
  }
  if (down.length) lines.push(`Down until repaired: ${down.map((s) => displayName(s)).join(", ")}.`);
  const up = services.filter((s) => s.status === "up");
  if (up.length) lines.push(`Unaffected: ${up.map((s) => displayName(s)).join(", ")}.`);
  for (const h of vipHolders.filter((x) => x.holder === null)) {
    const x = graph.vips.find((e) => e.vip.address === h.address)!;
    const v = x.vip;
    const why =
      v.needs.length && v.candidates.some((c) => upAfter(x.candidates.get(c)))
        ? ` (${v.mechanism} cannot renew its lease without the Kubernetes API)`
        : "";
    lines.push(`VIP ${h.address} (${vipLabels(v).join(", ")}) is held by nobody${why}.`);
  }
  const data = dataAfter(model, failed, hostBroken);
  lines.push(...data.lines);
  return { failed: [...failed], guestsDown, restarted, services, vipHolders, data: data.rows, lines };
}

/**
 * If what failed never comes back (a surge, a fire, a stolen box): per data-bearing service, whether
 * a live copy remains, else which backup it comes back from and from when.
 */
function dataAfter(
  model: Model,
  failed: readonly ComponentId[],
  hostBroken: (host: string) => boolean,
): { rows: WhatIfData[]; lines: string[] } {
  const site = failed.includes(SITE);
  const lost = {
    hosts: new Set(model.hosts.filter((h) => site || hostBroken(h.name)).map((h) => h.name)),
    gear: new Set(failed.filter((f) => f.startsWith("gear:")).map((f) => f.slice(5))),
    site,
  };
  const rows: WhatIfData[] = [];
  for (const p of recoveryPredictions(model)) {
    if (!site && p.hosts.some((h) => !lost.hosts.has(h))) {
      rows.push({ name: p.name, status: "intact" });
      continue;
    }
    const c = copyAfter(p, lost);
    rows.push(
      c
        ? {
            name: p.name,
            status: "restored",
            mechanism: c.mechanism,
            ...(c.destination ? { destination: c.destination } : {}),
            rpoMs: c.rpoMs,
            rtoMs: c.rtoMs,
          }
        : { name: p.name, status: "lost" },
    );
  }
  const lines: string[] = [];
  const restored = rows.filter((r) => r.status === "restored");
  const gone = rows.filter((r) => r.status === "lost");
  if (restored.length || gone.length) lines.push("If it never comes back:");
  for (const r of restored)
    lines.push(
      `  ${serviceLabel(r)} comes back from ${r.mechanism}${r.destination ? ` on ${r.destination}` : ""}: up to ${spanText(r.rpoMs!)} of data lost, restored in about ${spanText(r.rtoMs!)}.`,
    );
  if (gone.length) lines.push(`  Lost for good (no surviving copy): ${gone.map(serviceLabel).join(", ")}.`);
  const intact = rows.filter((r) => r.status === "intact");
  if (intact.length && (restored.length || gone.length))
    lines.push(`  Intact on the remaining machines: ${intact.map(serviceLabel).join(", ")}.`);
  return { rows, lines };
}

/**
 * Dependency graphs by model, then by timings and leaders: the dashboard asks one what-if after
 * another of the same loaded model, and building the graph was most of each answer (issue 17). A
 * graph is never changed once built, and a model is plain data that is reloaded, not edited.
 */
const graphs = new WeakMap<Model, Map<string, DependencyGraph>>();

function graphOf(model: Model, timings: TimingOverrides, current: CurrentLeaders): DependencyGraph {
  let byKey = graphs.get(model);
  if (!byKey) {
    byKey = new Map();
    graphs.set(model, byKey);
  }
  const key = JSON.stringify([timings, current]);
  let graph = byKey.get(key);
  if (!graph) {
    graph = buildDependencyGraph(model, new FailoverCosts(model, timings), current);
    byKey.set(key, graph);
  }
  return graph;
}

/** The pure entry point: resolve the failure texts, build (or reuse) the dependency graph, evaluate. */
export function whatIf(
  model: Model,
  failures: readonly string[],
  timings: TimingOverrides = {},
  current: CurrentLeaders = {},
): WhatIfResult {
  return whatIfGraph(model, graphOf(model, timings, current), resolveFailures(model, failures));
}
