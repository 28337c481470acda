// Exact availability of one structure function by enumerating the failure states of what it depends
// on, after the reductions of reduction.ts. States are visited by how many units differ from their
// likely state, stopping when the mass left out is below EPSILON; that bound is reported. Failover
// transitions are integrated exactly: each failure of a member i, in each state where the service
// stays up, costs the disruption the structure function computes, capped by the member's mean
// repair time; states too unlikely to matter to that sum (see TRANSITION_EPSILON) are skipped.
import type { Component } from "./components.js";
import {
  ancestorsByComponent,
  chargesFailover,
  compile,
  evaluate,
  evaluateAt,
  outageOfChange,
  type Program,
} from "./program.js";
import { deviation, levelsFor, pruneBeyond, reduceStructure, type Reduced, type Unit } from "./reduction.js";
import type { Expr, ExprBuilder } from "./structure.js";

/** Probability mass the enumeration may leave out. */
export const EPSILON = 1e-7;
/** Fraction of time the skipped transitions may account for at most. */
const TRANSITION_EPSILON = 1e-7;
/** Above this many states the caller simulates instead. */
export const STATE_BUDGET = 300_000;
export const HOURS_PER_YEAR = 8760;
const MS_PER_HOUR = 3_600_000;

export interface ComponentShare {
  /** Steady-state availability gained if the component never failed. */
  improvement: number;
  /** Fraction of time lost in transitions its failures start. */
  transition: number;
}

export interface ExactResult {
  availability: number;
  steady: number;
  transition: number;
  truncationBound: number;
  spofs: string[];
  shares: Map<string, ComponentShare>;
  states: number;
  units: number;
}

/** Exact figures, or undefined when the state space exceeds the budget (simulate instead). */
export function exactAvailability(
  b: ExprBuilder,
  root: Expr,
  components: ReadonlyMap<string, Component>,
  budget = STATE_BUDGET,
  reduced?: Reduced,
): ExactResult | undefined {
  const first = reduced ?? reduceStructure(b, root, components);
  const initial = levelsFor(first.units.map(deviation), EPSILON);
  // States with at most L deviations are visited, and transitions add one failure: a part that needs
  // more than L + 1 failures is up in all of them.
  const red = pruneBeyond(b, first, initial.levels + 1);
  const q = red.units.map(deviation);
  const spofFactor = red.spofs.reduce((p, m) => p * m.availability, 1);
  const index = new Map(red.units.map((u, i) => [u.id, i]));
  const prog: Program = compile(red.root, (c) => index.get(c)!);
  // Services of the same shape (one replica on a node of its own, behind the same ingress) reduce
  // to the same program over units with the same figures: the enumeration runs once for them.
  const memo = coreMemo(b);
  const key = `${budget}|${programKey(prog)}|${red.units
    .map((u) => u.members.map((x) => `${x.availability},${x.rate},${x.mttrHours}`).join(";"))
    .join("/")}`;
  let core = memo.get(key);
  if (core === undefined) {
    core = enumerate(red.units, prog, q, budget) ?? null;
    memo.set(key, core);
  }
  if (core === null) return undefined;
  const { steady, upWithUnit, transition, states, tail } = core;
  const memberList = red.units.flatMap((u) => u.members);
  const m = red.units.length;

  const shares = new Map<string, ComponentShare>();
  let transitionTotal = 0;
  for (const v of transition) transitionTotal += v;
  const byMember = new Map(memberList.map((x, i) => [x.id, transition[i]!]));
  const availabilitySteady = spofFactor * steady;
  red.units.forEach((u, i) => {
    const gain = spofFactor * Math.max(0, upWithUnit[i]! / u.availability - steady);
    const unavail = u.members.reduce((s, x) => s + (1 - x.availability), 0);
    for (const mem of u.members) {
      const part = unavail > 0 ? (1 - mem.availability) / unavail : 1 / u.members.length;
      shares.set(mem.id, { improvement: gain * part, transition: spofFactor * byMember.get(mem.id)! });
    }
  });
  for (const s of red.spofs)
    shares.set(s.id, { improvement: availabilitySteady * (1 / s.availability - 1), transition: 0 });
  const transitionU = spofFactor * transitionTotal;
  return {
    availability: Math.max(0, availabilitySteady - transitionU),
    steady: availabilitySteady,
    transition: transitionU,
    truncationBound: spofFactor * (tail + red.prunedBound),
    spofs: red.spofs.map((s) => s.id),
    shares,
    states,
    units: m,
  };
}

function binomial(n: number, k: number): number {
  let r = 1;
  for (let i = 1; i <= k; i++) r = (r * (n - k + i)) / i;
  return r;
}

interface Core {
  steady: number;
  upWithUnit: Float64Array;
  transition: Float64Array;
  states: number;
  tail: number;
}

const coreMemos = new WeakMap<ExprBuilder, Map<string, Core | null>>();

/** Enumerations done for the structures of one dependency graph (its builder), by shape. */
function coreMemo(b: ExprBuilder): Map<string, Core | null> {
  let memo = coreMemos.get(b);
  if (!memo) {
    memo = new Map();
    coreMemos.set(b, memo);
  }
  return memo;
}

/** Everything of a program the enumeration reads (names of mechanisms aside). */
function programKey(p: Program): string {
  const parts: string[] = [String(p.root)];
  for (let i = 0; i < p.size; i++)
    parts.push(`${p.kind[i]}:${p.arg[i]}:${p.k[i]}:${p.kids[i]!.join(",")}:${p.ms[i]!.join(",")}`);
  return parts.join(" ");
}

/** The enumeration itself, over units in slot order; undefined when it exceeds the budget. */
function enumerate(
  units: readonly Unit[],
  prog: Program,
  q: readonly number[],
  budget: number,
): Core | undefined {
  const { levels, tail } = levelsFor(q, EPSILON);
  const m = units.length;
  const baseline = units.map((u) => (u.availability >= 0.5 ? 1 : 0));
  let count = 0;
  for (let j = 0; j <= levels; j++) count += binomial(m, j);
  if (count > budget) return undefined;

  // Transitions are summed over states up to `transitionLevels` deviations: beyond, the states'
  // mass times every failure rate times the longest failover is below TRANSITION_EPSILON.
  let maxMs = 0;
  for (const arr of prog.ms) for (const x of arr) if (x > maxMs) maxMs = x;
  const members = units.flatMap((u) => u.members);
  const rateSum = members.reduce((s, x) => s + x.rate, 0);
  const costHours = Math.min(maxMs / MS_PER_HOUR, Math.max(0, ...members.map((x) => x.mttrHours)));
  const transitionLevels =
    costHours * rateSum > 0 ? levelsFor(q, TRANSITION_EPSILON / (costHours * rateSum)).levels : -1;

  const state = Uint8Array.from(baseline);
  const anc = ancestorsByComponent(prog, m);
  // Node values per recursion depth: a child state differs from its parent in one unit, so only
  // that unit's ancestors are evaluated again.
  const upAt = Array.from({ length: levels + 1 }, () => new Uint8Array(prog.size));
  const upA = new Uint8Array(prog.size);
  const d = new Float64Array(prog.size);
  let steady = 0;
  const upWithUnit = new Float64Array(m);
  // Members flattened, so the hot loop touches only typed arrays.
  const memberList = members;
  const memberStart = new Int32Array(m + 1);
  units.forEach((u, i) => (memberStart[i + 1] = memberStart[i]! + u.members.length));
  const memberRate = Float64Array.from(memberList.map((x) => x.rate));
  const memberMttr = Float64Array.from(memberList.map((x) => x.mttrHours));
  const transition = new Float64Array(memberList.length);
  let states = 0;

  // A unit none of whose ancestors charges a failover never costs a transition: losing it leaves
  // the service undisturbed or down. Its trial is skipped (no figure changes).
  const costly = anc.map((nodes) => nodes.some((n) => chargesFailover(prog, n)));
  const visit = (p: number, depth: number, upB: Uint8Array): void => {
    states++;
    if (!upB[prog.root]) return;
    steady += p;
    const trials = depth <= transitionLevels;
    if (trials) {
      upA.set(upB);
      for (let i = 0; i < prog.size; i++) d[i] = upB[i] ? 0 : Infinity;
    }
    for (let u = 0; u < m; u++) {
      if (!state[u]) continue;
      upWithUnit[u]! += p;
      if (!trials || !costly[u]) continue;
      state[u] = 0;
      const outage = outageOfChange(prog, state, upB, upA, d, anc[u]!);
      state[u] = 1;
      if (outage > 0) {
        const hours = outage / MS_PER_HOUR;
        for (let x = memberStart[u]!; x < memberStart[u + 1]!; x++)
          transition[x]! += p * memberRate[x]! * Math.min(hours, memberMttr[x]!);
      }
    }
  };

  // Every unit's likely state has probability >= 1/2, so the start state has a positive probability.
  const baseP = q.reduce((p, x) => p * (1 - x), 1);
  // Visits every subset of at most `levels` deviations, deviations taken in index order.
  const recurse = (start: number, depth: number, p: number): void => {
    const up = upAt[depth]!;
    visit(p, depth, up);
    if (depth === levels) return;
    const child = upAt[depth + 1]!;
    for (let u = start; u < m; u++) {
      if (q[u] === 0) continue;
      state[u] = 1 - baseline[u]!;
      child.set(up);
      evaluateAt(prog, state, child, anc[u]!);
      recurse(u + 1, depth + 1, (p / (1 - q[u]!)) * q[u]!);
      state[u] = baseline[u]!;
    }
  };
  evaluate(prog, state, upAt[0]!);
  recurse(0, 0, baseP);

  return { steady, upWithUnit, transition, states, tail };
}
