// A structure function compiled to flat arrays, children before parents, so the exact engine and the
// simulator can evaluate millions of states without walking objects. Two evaluations matter:
// - static: is the service up in this state of the components?
// - disruption: after a change of state (a failure), how long is the service out while it fails
//   over, given which alternative was serving before (first one up) and which ones remain?
import type { Expr } from "./structure.js";

const LEAF = 0;
const CONST = 1;
const ALL = 2;
const ANY = 3;
const KOFN = 4;

export interface Program {
  size: number;
  root: number;
  kind: Uint8Array;
  /** Leaf: index of its component in the caller's state vector; const: 0 or 1. */
  arg: Int32Array;
  kids: Int32Array[];
  /** Any: cost of switching to each alternative. Kofn: [electionMs]. */
  ms: Float64Array[];
  /** Kofn: members needed. */
  k: Int32Array;
  mechanism: string[];
  timing: (string | undefined)[];
}

/** Compiles `root`; `index` maps a component id to its slot in the state vectors. */
export function compile(root: Expr, index: (comp: string) => number): Program {
  const order: Expr[] = [];
  const slot = new Map<number, number>();
  // Iterative post-order: service graphs can be deep enough to make recursion a risk.
  const stack: { e: Expr; done: boolean }[] = [{ e: root, done: false }];
  while (stack.length) {
    const top = stack.pop()!;
    if (slot.has(top.e.id)) continue;
    if (top.done || top.e.t === "comp" || top.e.t === "const") {
      slot.set(top.e.id, order.length);
      order.push(top.e);
      continue;
    }
    stack.push({ e: top.e, done: true });
    for (let i = top.e.of.length - 1; i >= 0; i--) {
      const c = top.e.of[i]!;
      if (!slot.has(c.id)) stack.push({ e: c, done: false });
    }
  }
  const n = order.length;
  const p: Program = {
    size: n,
    root: slot.get(root.id)!,
    kind: new Uint8Array(n),
    arg: new Int32Array(n),
    kids: new Array<Int32Array>(n),
    ms: new Array<Float64Array>(n),
    k: new Int32Array(n),
    mechanism: new Array<string>(n).fill(""),
    timing: new Array<string | undefined>(n).fill(undefined),
  };
  const none = new Int32Array(0);
  const noMs = new Float64Array(0);
  order.forEach((e, i) => {
    p.kids[i] = none;
    p.ms[i] = noMs;
    switch (e.t) {
      case "comp":
        p.kind[i] = LEAF;
        p.arg[i] = index(e.comp);
        break;
      case "const":
        p.kind[i] = CONST;
        p.arg[i] = e.value ? 1 : 0;
        break;
      case "all":
        p.kind[i] = ALL;
        p.kids[i] = Int32Array.from(e.of.map((c) => slot.get(c.id)!));
        break;
      case "any":
        p.kind[i] = ANY;
        p.kids[i] = Int32Array.from(e.of.map((c) => slot.get(c.id)!));
        p.ms[i] = Float64Array.from(e.switchMs);
        p.mechanism[i] = e.mechanism;
        p.timing[i] = e.timing;
        break;
      case "kofn":
        p.kind[i] = KOFN;
        p.kids[i] = Int32Array.from(e.of.map((c) => slot.get(c.id)!));
        p.ms[i] = Float64Array.of(e.electionMs);
        p.k[i] = e.k;
        p.mechanism[i] = e.mechanism;
        p.timing[i] = e.timing;
        break;
    }
  });
  return p;
}

function evalNode(p: Program, state: Uint8Array, up: Uint8Array, i: number): void {
  switch (p.kind[i]) {
    case LEAF:
      up[i] = state[p.arg[i]!]!;
      return;
    case CONST:
      up[i] = p.arg[i]!;
      return;
    case ALL: {
      const ks = p.kids[i]!;
      for (let j = 0; j < ks.length; j++) {
        if (!up[ks[j]!]) {
          up[i] = 0;
          return;
        }
      }
      up[i] = 1;
      return;
    }
    case ANY: {
      const ks = p.kids[i]!;
      for (let j = 0; j < ks.length; j++) {
        if (up[ks[j]!]) {
          up[i] = 1;
          return;
        }
      }
      up[i] = 0;
      return;
    }
    default: {
      const ks = p.kids[i]!;
      let count = 0;
      for (let j = 0; j < ks.length; j++) count += up[ks[j]!]!;
      up[i] = count >= p.k[i]! ? 1 : 0;
    }
  }
}

/** Fills `up` (one byte per node) for a component state (1 = working); returns the root's value. */
export function evaluate(p: Program, state: Uint8Array, up: Uint8Array): boolean {
  for (let i = 0; i < p.size; i++) evalNode(p, state, up, i);
  return up[p.root] === 1;
}

/**
 * Re-evaluates only `nodes` (ascending: children first), for a state that differs from the one
 * `up` was filled for in components whose leaves' ancestors are exactly those nodes.
 */
export function evaluateAt(p: Program, state: Uint8Array, up: Uint8Array, nodes: Int32Array): boolean {
  for (let j = 0; j < nodes.length; j++) evalNode(p, state, up, nodes[j]!);
  return up[p.root] === 1;
}

/** For each component slot, its leaf and every node above it, ascending. */
export function ancestorsByComponent(p: Program, slots: number): Int32Array[] {
  const parentCount = new Int32Array(p.size + 1);
  for (let i = 0; i < p.size; i++) for (const c of p.kids[i]!) parentCount[c + 1]!++;
  for (let i = 0; i < p.size; i++) parentCount[i + 1]! += parentCount[i]!;
  const parents = new Int32Array(parentCount[p.size]!);
  const fill = parentCount.slice(0, p.size);
  for (let i = 0; i < p.size; i++) for (const c of p.kids[i]!) parents[fill[c]!++] = i;
  const mark = new Int32Array(p.size).fill(-1);
  const stack = new Int32Array(p.size);
  const found: number[][] = Array.from({ length: slots }, () => []);
  for (let i = 0; i < p.size; i++) {
    if (p.kind[i] !== LEAF) continue;
    const slot = p.arg[i]!;
    const acc = found[slot]!;
    // A slot can have several leaves only in hand-built programs; marks are per slot.
    let top = 0;
    if (mark[i] !== slot) {
      mark[i] = slot;
      acc.push(i);
      stack[top++] = i;
    }
    while (top > 0) {
      const n = stack[--top]!;
      for (let j = parentCount[n]!; j < parentCount[n + 1]!; j++) {
        const q = parents[j]!;
        if (mark[q] === slot) continue;
        mark[q] = slot;
        acc.push(q);
        stack[top++] = q;
      }
    }
  }
  return found.map((a) => Int32Array.from(a).sort());
}

let scratch = new Float64Array(64);

function disruptNode(p: Program, before: Uint8Array, after: Uint8Array, d: Float64Array, i: number): void {
  switch (p.kind[i]) {
    case LEAF:
    case CONST:
      d[i] = after[i] ? 0 : Infinity;
      return;
    case ALL: {
      const ks = p.kids[i]!;
      let v = 0;
      for (let j = 0; j < ks.length; j++) {
        const x = d[ks[j]!]!;
        if (x > v) v = x;
      }
      d[i] = v;
      return;
    }
    case ANY: {
      const ks = p.kids[i]!;
      const sw = p.ms[i]!;
      let prior = -1;
      for (let j = 0; j < ks.length; j++) {
        if (before[ks[j]!]) {
          prior = j;
          break;
        }
      }
      if (prior >= 0 && d[ks[prior]!] === 0) {
        d[i] = 0;
        return;
      }
      let v = prior >= 0 ? d[ks[prior]!]! : Infinity;
      for (let j = 0; j < ks.length; j++) {
        if (j === prior) continue;
        const x = d[ks[j]!]!;
        if (x === Infinity) continue;
        const t = prior >= 0 ? Math.max(sw[j]!, x) : x;
        if (t < v) v = t;
      }
      d[i] = v;
      return;
    }
    default: {
      const ks = p.kids[i]!;
      const need = p.k[i]!;
      let undisturbed = 0;
      for (let j = 0; j < ks.length; j++) if (d[ks[j]!] === 0) undisturbed++;
      let v = 0;
      if (undisturbed < need) {
        // The need-th smallest disruption among the members: when enough of them are back.
        if (scratch.length < ks.length) scratch = new Float64Array(ks.length * 2);
        for (let j = 0; j < ks.length; j++) scratch[j] = d[ks[j]!]!;
        v = scratch.subarray(0, ks.length).sort()[need - 1]!;
      }
      let leader = -1;
      for (let j = 0; j < ks.length; j++) {
        if (before[ks[j]!]) {
          leader = j;
          break;
        }
      }
      if (leader >= 0 && d[ks[leader]!]! > 0 && v < Infinity) v = Math.max(v, p.ms[i]![0]!);
      d[i] = v;
    }
  }
}

/**
 * How long each node is out after a change from the state behind `before` to the state behind
 * `after` (both filled by evaluate). 0: undisturbed; Infinity: down until something is repaired.
 * An alternative group keeps serving from the alternative that was active if it is undisturbed,
 * otherwise it waits for whichever comes first: the active one recovering, or the switch to another.
 * A quorum is out until k members are back, and at least an election when it lost its leader.
 */
export function disruption(p: Program, before: Uint8Array, after: Uint8Array, d: Float64Array): number {
  for (let i = 0; i < p.size; i++) disruptNode(p, before, after, d, i);
  return d[p.root]!;
}

/**
 * The same when only the components whose ancestors are `nodes` changed: every other node is
 * undisturbed (0) or was already down (Infinity).
 */
export function disruptionAt(
  p: Program,
  before: Uint8Array,
  after: Uint8Array,
  d: Float64Array,
  nodes: Int32Array,
): number {
  for (let i = 0; i < p.size; i++) d[i] = after[i] ? 0 : Infinity;
  for (let j = 0; j < nodes.length; j++) disruptNode(p, before, after, d, nodes[j]!);
  return d[p.root]!;
}

/** Whether node i charges a failover when it changes: an alternative group with a switch cost, a quorum with an election. */
export function chargesFailover(p: Program, i: number): boolean {
  if (p.kind[i] === ANY) return p.ms[i]!.some((x) => x > 0);
  return p.kind[i] === KOFN && p.ms[i]![0]! > 0;
}

/**
 * evaluateAt then disruptionAt, for a loop that tries one change after another from the same state:
 * `after` must equal `before` everywhere and `d` hold `before`'s undisturbed values (0 up, Infinity
 * down); only `nodes` are written, and they are put back before returning, so a change costs its
 * ancestors instead of the whole program. The values are those of the two calls. -1: the root is
 * down after the change.
 */
export function outageOfChange(
  p: Program,
  state: Uint8Array,
  before: Uint8Array,
  after: Uint8Array,
  d: Float64Array,
  nodes: Int32Array,
): number {
  for (let j = 0; j < nodes.length; j++) evalNode(p, state, after, nodes[j]!);
  let outage = -1;
  if (after[p.root]) {
    for (let j = 0; j < nodes.length; j++) disruptNode(p, before, after, d, nodes[j]!);
    outage = d[p.root]!;
  }
  for (let j = 0; j < nodes.length; j++) {
    const n = nodes[j]!;
    after[n] = before[n]!;
    d[n] = before[n] ? 0 : Infinity;
  }
  return outage;
}

export interface TraceStep {
  mechanism: string;
  ms: number;
  timing?: string;
}

/**
 * The failover steps that decide the root's outage after `disruption` filled `d`: the path of the
 * slowest part of the service, with what each step costs. Used to explain a what-if.
 */
export function traceDisruption(p: Program, before: Uint8Array, d: Float64Array): TraceStep[] {
  const steps: TraceStep[] = [];
  const seen = new Set<number>();
  const walk = (i: number): void => {
    if (seen.has(i) || d[i] === 0 || d[i] === Infinity) return;
    seen.add(i);
    const ks = p.kids[i]!;
    switch (p.kind[i]) {
      case ALL:
        for (let j = 0; j < ks.length; j++) if (d[ks[j]!] === d[i]) walk(ks[j]!);
        break;
      case ANY: {
        let prior = -1;
        for (let j = 0; j < ks.length; j++) {
          if (before[ks[j]!]) {
            prior = j;
            break;
          }
        }
        if (prior >= 0 && d[ks[prior]!] === d[i]) {
          walk(ks[prior]!);
          break;
        }
        for (let j = 0; j < ks.length; j++) {
          if (j === prior) continue;
          const x = d[ks[j]!]!;
          const sw = p.ms[i]![j]!;
          if (x !== Infinity && Math.max(sw, x) === d[i]) {
            if (sw >= x) steps.push({ mechanism: p.mechanism[i]!, ms: sw, timing: p.timing[i] });
            else walk(ks[j]!);
            break;
          }
        }
        break;
      }
      case KOFN: {
        const election = p.ms[i]![0]!;
        if (election === d[i]) steps.push({ mechanism: p.mechanism[i]!, ms: election, timing: p.timing[i] });
        else for (let j = 0; j < ks.length; j++) if (d[ks[j]!] === d[i]) walk(ks[j]!);
        break;
      }
    }
  };
  walk(p.root);
  return steps;
}
