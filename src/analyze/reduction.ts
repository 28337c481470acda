// Exact simplifications of a structure function before its states are enumerated, none of which
// changes a figure:
// 1. components that never fail are constants;
// 2. a single point of failure c of a coherent (monotone) system multiplies: A = a_c x A(c up);
// 3. components that only ever appear side by side in the same series blocks (a guest and the host
//    only it uses, with that host's NIC) act as one unit: availability the product, failure
//    frequency the sum of the members' rates.
// And one bounded one: a part that only fails when more units fail together than the enumeration
// visits (a 26-of-50 Corosync quorum) is taken as up, and the probability that it fails is added to
// the reported bound instead.
import { failureRate, isPerfect, type Component } from "./components.js";
import { ancestorsByComponent, compile, evaluate, evaluateAt } from "./program.js";
import { componentsOf, substitute, type Expr, type ExprBuilder } from "./structure.js";

export interface Member {
  id: string;
  availability: number;
  /** Failures per hour while working. */
  rate: number;
  mttrHours: number;
}

export interface Unit {
  id: string;
  members: Member[];
  availability: number;
}

export interface Reduced {
  root: Expr;
  units: Unit[];
  spofs: Member[];
  /** Upper bound of the probability that a part taken as up is down. */
  prunedBound: number;
}

function member(c: Component): Member {
  return {
    id: c.id,
    availability: c.reliability.availability,
    rate: failureRate(c.reliability),
    mttrHours: c.reliability.mttrHours,
  };
}

/** Components whose failure alone takes the root down (all others working). */
export function singleFailuresThatBreak(root: Expr, comps: readonly string[]): string[] {
  const index = new Map(comps.map((c, i) => [c, i]));
  const p = compile(root, (c) => index.get(c)!);
  const state = new Uint8Array(comps.length).fill(1);
  const allUp = new Uint8Array(p.size);
  if (!evaluate(p, state, allUp)) return [...comps];
  const anc = ancestorsByComponent(p, comps.length);
  const up = new Uint8Array(p.size);
  const out: string[] = [];
  for (let i = 0; i < comps.length; i++) {
    state[i] = 0;
    up.set(allUp);
    if (!evaluateAt(p, state, up, anc[i]!)) out.push(comps[i]!);
    state[i] = 1;
  }
  return out;
}

/** Groups of two or more components that appear only as direct members of the same series blocks. */
function seriesGroups(root: Expr): string[][] {
  const parents = new Map<string, { ids: number[]; onlySeries: boolean }>();
  const seen = new Set<number>();
  const note = (comp: string, parent: Expr | undefined): void => {
    const entry = parents.get(comp) ?? { ids: [], onlySeries: true };
    if (!parent || parent.t !== "all") entry.onlySeries = false;
    else entry.ids.push(parent.id);
    parents.set(comp, entry);
  };
  const walk = (e: Expr, parent: Expr | undefined): void => {
    if (e.t === "comp") {
      note(e.comp, parent);
      return;
    }
    if (seen.has(e.id)) return;
    seen.add(e.id);
    if (e.t !== "const") for (const c of e.of) walk(c, e);
  };
  walk(root, undefined);
  const bySignature = new Map<string, string[]>();
  for (const [comp, { ids, onlySeries }] of parents) {
    if (!onlySeries) continue;
    const sig = [...new Set(ids)].sort((a, b) => a - b).join(",");
    bySignature.set(sig, [...(bySignature.get(sig) ?? []), comp]);
  }
  return [...bySignature.values()].filter((g) => g.length > 1);
}

/** Merges series groups until none is left; `units` maps every leaf id to its unit. */
function mergeUnits(b: ExprBuilder, root: Expr, units: Map<string, Unit>): Expr {
  let expr = root;
  for (;;) {
    const groups = seriesGroups(expr);
    if (groups.length === 0) return expr;
    const rename = new Map<string, string>();
    for (const g of groups) {
      const members = g.flatMap((c) => units.get(c)!.members);
      const id = `unit:${members.map((m) => m.id).join("+")}`;
      units.set(id, { id, members, availability: members.reduce((p, m) => p * m.availability, 1) });
      for (const c of g) {
        units.delete(c);
        rename.set(c, id);
      }
    }
    expr = substitute(b, expr, (id) => {
      const to = rename.get(id);
      return to ? b.comp(to) : undefined;
    });
  }
}

export function reduceStructure(
  b: ExprBuilder,
  root: Expr,
  components: ReadonlyMap<string, Component>,
): Reduced {
  let expr = substitute(b, root, (id) => {
    const c = components.get(id);
    return c && isPerfect(c.reliability) ? b.TRUE : undefined;
  });
  const spofIds = singleFailuresThatBreak(expr, componentsOf(expr));
  const spofSet = new Set(spofIds);
  expr = substitute(b, expr, (id) => (spofSet.has(id) ? b.TRUE : undefined));
  const units = new Map<string, Unit>();
  for (const id of componentsOf(expr)) {
    const m = member(components.get(id)!);
    units.set(id, { id, members: [m], availability: m.availability });
  }
  expr = mergeUnits(b, expr, units);
  return {
    root: expr,
    units: componentsOf(expr).map((id) => units.get(id)!),
    spofs: spofIds.map((id) => member(components.get(id)!)),
    prunedBound: 0,
  };
}

/** Probability that a unit differs from its likely state (working when availability >= 1/2). */
export const deviation = (u: Unit): number => (u.availability >= 0.5 ? 1 - u.availability : u.availability);

/** P(exactly j deviations), j = 0..n, for independent deviation probabilities q. */
export function deviationDistribution(q: readonly number[]): number[] {
  let dist = [1];
  for (const p of q) {
    const next = new Array<number>(dist.length + 1).fill(0);
    for (let j = 0; j < dist.length; j++) {
      next[j]! += dist[j]! * (1 - p);
      next[j + 1]! += dist[j]! * p;
    }
    dist = next;
  }
  return dist;
}

/** Fewest levels L such that P(more than L deviations) <= eps, with that tail. */
export function levelsFor(q: readonly number[], eps: number): { levels: number; tail: number } {
  const dist = deviationDistribution(q);
  let tail = 0;
  // tails[j] = P(> j deviations), accumulated from the top so small terms are not lost.
  const tails = new Array<number>(dist.length).fill(0);
  for (let j = dist.length - 1; j >= 0; j--) {
    tails[j] = tail;
    tail += dist[j]!;
  }
  for (let l = 0; l < dist.length; l++) if (tails[l]! <= eps) return { levels: l, tail: tails[l]! };
  return { levels: dist.length - 1, tail: 0 };
}

/** P(at least `from` deviations) for independent deviation probabilities q, summed from the top. */
export function deviationTail(q: readonly number[], from: number): number {
  const dist = deviationDistribution(q);
  let tail = 0;
  for (let j = dist.length - 1; j >= Math.max(0, from); j--) tail += dist[j]!;
  return tail;
}

interface CutInfo {
  /** Lower bound of how many working units must fail to bring the node down. */
  cut: number;
  units: Set<string>;
  costFree: boolean;
}

/**
 * Takes as up every part that needs more than `maxFailures` unit failures to go down and charges no
 * failover, then merges again. The bound grows by each such part's chance of enough failures.
 */
export function pruneBeyond(b: ExprBuilder, red: Reduced, maxFailures: number): Reduced {
  const unitById = new Map(red.units.map((u) => [u.id, u]));
  const info = new Map<number, CutInfo>();
  const walk = (e: Expr): CutInfo => {
    const hit = info.get(e.id);
    if (hit) return hit;
    let out: CutInfo;
    if (e.t === "comp") {
      const u = unitById.get(e.comp)!;
      out = { cut: u.availability >= 0.5 ? 1 : 0, units: new Set([e.comp]), costFree: true };
    } else if (e.t === "const") {
      out = { cut: e.value ? Infinity : 0, units: new Set(), costFree: true };
    } else {
      const kids = e.of.map(walk);
      const units = new Set<string>();
      let total = 0;
      for (const k of kids) {
        total += k.units.size;
        for (const u of k.units) units.add(u);
      }
      const disjoint = total === units.size;
      const costs = e.t === "any" ? e.switchMs.some((x) => x > 0) : e.t === "kofn" ? e.electionMs > 0 : false;
      const costFree = !costs && kids.every((k) => k.costFree);
      const cuts = kids.map((k) => k.cut).sort((x, y) => x - y);
      let cut: number;
      if (e.t === "all") cut = cuts[0]!;
      else {
        // An alternative group fails when all alternatives do; a quorum when n - k + 1 members do.
        const need = e.t === "any" ? cuts.length : cuts.length - e.k + 1;
        const smallest = cuts.slice(0, need);
        cut = disjoint ? smallest.reduce((s, x) => s + x, 0) : smallest[smallest.length - 1]!;
      }
      out = { cut, units, costFree };
    }
    info.set(e.id, out);
    return out;
  };
  walk(red.root);
  let bound = red.prunedBound;
  const memo = new Map<number, Expr>();
  const rewrite = (e: Expr): Expr => {
    const hit = memo.get(e.id);
    if (hit) return hit;
    let out: Expr = e;
    const i = info.get(e.id)!;
    if (e.t !== "comp" && e.t !== "const" && i.cut > maxFailures && i.cut !== Infinity && i.costFree) {
      const q = [...i.units]
        .map((id) => unitById.get(id)!)
        .filter((u) => u.availability >= 0.5)
        .map(deviation);
      bound += deviationTail(q, i.cut);
      out = b.TRUE;
    } else if (e.t === "all") out = b.all(e.of.map(rewrite));
    else if (e.t === "any")
      out = b.any(
        e.of.map((c, k) => ({ expr: rewrite(c), switchMs: e.switchMs[k]! })),
        e.mechanism,
        e.timing,
      );
    else if (e.t === "kofn") out = b.kofn(e.k, e.of.map(rewrite), e.electionMs, e.mechanism, e.timing);
    memo.set(e.id, out);
    return out;
  };
  const pruned = rewrite(red.root);
  if (pruned === red.root) return red;
  const units = new Map(red.units.map((u) => [u.id, u]));
  const merged = mergeUnits(b, pruned, units);
  return {
    root: merged,
    units: componentsOf(merged).map((id) => units.get(id)!),
    spofs: red.spofs,
    prunedBound: bound,
  };
}
