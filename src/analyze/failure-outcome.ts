// What a given set of failures does to a structure function, starting from everything working: still
// up, up again after a failover (how long, through which steps), or down until a repair. The
// single- and double-failure survey of every service and `hlab plan --fail` both rest on it.
import type { Component } from "./components.js";
import type { ComponentId, FailureOutcome } from "./plan-report.js";
import {
  ancestorsByComponent,
  compile,
  disruptionAt,
  evaluate,
  evaluateAt,
  traceDisruption,
  type Program,
} from "./program.js";
import { pruneBeyond, reduceStructure, type Reduced } from "./reduction.js";
import { componentsOf, sortedComponentsOf, type Expr, type ExprBuilder } from "./structure.js";

interface Compiled {
  comps: string[];
  index: Map<string, number>;
  prog: Program;
  anc: Int32Array[];
  allUp: Uint8Array;
  upBefore: Uint8Array;
  upAfter: Uint8Array;
  d: Float64Array;
}

const cache = new WeakMap<Expr, Compiled>();

function compiled(root: Expr): Compiled {
  const hit = cache.get(root);
  if (hit) return hit;
  const comps = componentsOf(root);
  const index = new Map(comps.map((c, i) => [c, i]));
  const prog = compile(root, (c) => index.get(c)!);
  const allUp = new Uint8Array(comps.length).fill(1);
  const upBefore = new Uint8Array(prog.size);
  evaluate(prog, allUp, upBefore);
  const anc = ancestorsByComponent(prog, comps.length);
  const c: Compiled = {
    comps,
    index,
    prog,
    anc,
    allUp,
    upBefore,
    upAfter: new Uint8Array(prog.size),
    d: new Float64Array(prog.size),
  };
  cache.set(root, c);
  return c;
}

/** The outcome of `failed` happening at once. Components the root does not read change nothing. */
export function failureOutcome(root: Expr, failed: readonly ComponentId[]): FailureOutcome {
  const c = compiled(root);
  if (!c.upBefore[c.prog.root]) return { failed: [...failed], status: "down", outageMs: null, steps: [] };
  // The cached all-up state is flipped for the failed components and restored before returning:
  // a plan asks this for every host of every service, a copy each time would dominate.
  const state = c.allUp;
  const flipped: number[] = [];
  const touched = new Set<number>();
  for (const f of failed) {
    const i = c.index.get(f);
    if (i === undefined || !state[i]) continue;
    state[i] = 0;
    flipped.push(i);
    for (const n of c.anc[i]!) touched.add(n);
  }
  try {
    if (touched.size === 0) return { failed: [...failed], status: "up", outageMs: 0, steps: [] };
    const nodes = Int32Array.from(touched).sort();
    c.upAfter.set(c.upBefore);
    if (!evaluateAt(c.prog, state, c.upAfter, nodes))
      return { failed: [...failed], status: "down", outageMs: null, steps: [] };
    const outage = disruptionAt(c.prog, c.upBefore, c.upAfter, c.d, nodes);
    if (outage === 0) return { failed: [...failed], status: "up", outageMs: 0, steps: [] };
    const steps = traceDisruption(c.prog, c.upBefore, c.d).map((s) => ({
      mechanism: s.mechanism,
      ms: s.ms,
      ...(s.timing ? { timing: s.timing } : {}),
    }));
    return { failed: [...failed], status: "fails-over", outageMs: outage, steps };
  } finally {
    for (const i of flipped) state[i] = 1;
  }
}

export interface Survey {
  dependsOn: ComponentId[];
  spofs: ComponentId[];
  fatalPairs: ComponentId[][];
  fatalPairCount: number;
  /** Some one or two hosts failing together take it down. */
  hostPairFatal: boolean;
}

/** Pairs listed in a report; the count covers all of them. */
const PAIR_LIST_CAP = 20;

/**
 * Single points of failure and fatal pairs among the components a service reads, computed on the
 * reduced structure (units of components that fail together, parts needing three failures set
 * aside). Components that never fail (the OS of a bare-metal host) are left out.
 */
export function survey(
  b: ExprBuilder,
  root: Expr,
  components: ReadonlyMap<string, Component>,
  reduced?: Reduced,
): Survey {
  const red = pruneBeyond(b, reduced ?? reduceStructure(b, root, components), 2);
  const m = red.units.length;
  const index = new Map(red.units.map((u, i) => [u.id, i]));
  const prog = compile(red.root, (c) => index.get(c)!);
  const state = new Uint8Array(m).fill(1);
  const up = new Uint8Array(prog.size);
  const hasHost = red.units.map((u) => u.members.some((x) => x.id.startsWith("host:")));
  const pairs: ComponentId[][] = [];
  let count = 0;
  let hostPairFatal = red.spofs.some((x) => x.id.startsWith("host:"));
  for (let x = 0; x < m; x++) {
    state[x] = 0;
    for (let y = x + 1; y < m; y++) {
      state[y] = 0;
      if (!evaluate(prog, state, up)) {
        const ux = red.units[x]!.members;
        const uy = red.units[y]!.members;
        count += ux.length * uy.length;
        if (hasHost[x] && hasHost[y]) hostPairFatal = true;
        for (const i of ux) for (const j of uy) pairs.push([i.id, j.id].sort());
      }
      state[y] = 1;
    }
    state[x] = 1;
  }
  const order = (a: ComponentId[], c: ComponentId[]): number =>
    kindRank(a) - kindRank(c) || a.join().localeCompare(c.join());
  return {
    dependsOn: sortedComponentsOf(root),
    spofs: red.spofs.map((x) => x.id).sort(),
    fatalPairs: pairs.sort(order).slice(0, PAIR_LIST_CAP),
    fatalPairCount: count,
    hostPairFatal,
  };
}

/** Physical pairs (hosts, gear, NICs) first: those are the ones a reader plans around. */
function kindRank(pair: ComponentId[]): number {
  const rank = (id: string): number =>
    id.startsWith("host:") ? 0 : id.startsWith("gear:") ? 1 : id.startsWith("nic:") ? 2 : 3;
  return rank(pair[0]!) + rank(pair[1]!);
}
