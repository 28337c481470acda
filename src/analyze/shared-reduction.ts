// Reductions done once per plan on the parts many services share, instead of once per service.
// A large cluster's Corosync quorum sits under every HA guest, so every service that reaches one
// reads all the cluster's hosts: reducing it per service made a plan cost services x hosts.
//
// The rewrite applies to a quorum with many members whose failover is free (Corosync: no election
// cost, bonded links), where the disruption of any change is 0 while it holds and "down" when it
// does not. Such a part can be replaced by any expression with the same static truth table:
// - members that share components (the switch of half the hosts) are split by conditioning on
//   those components: E = any over their states s of (the ones up in s) and E with s fixed; terms
//   that are FALSE or implied by another are dropped;
// - a term whose members no longer share anything needs at least n - k + 1 of them to fail; when the
//   probability of that is below PRUNE_BOUND it is taken as up and the probability joins the
//   service's truncation bound (the exact engine does the same per service, see pruneBeyond).
// Without this, a 13-of-25 quorum split 13/12 over two switches kept all 25 hosts in every
// service's enumeration (the 50/50 split makes both switches single points of failure, which is
// why the larger benchmark was faster). Quorums of fewer than MIN_MEMBERS members are left as
// they are: they enumerate cheaply, and rewriting them would only reorder floating-point sums.
import { isPerfect, type Component } from "./components.js";
import { deviationTail } from "./reduction.js";
import { componentsOf, substitute, type Expr, type ExprBuilder } from "./structure.js";

const MIN_MEMBERS = 8;
/** Components conditioned on per quorum at most (2^MAX_PIVOTS terms before simplification). */
const MAX_PIVOTS = 4;
/** A term failing with at most this probability is taken as up. */
const PRUNE_BOUND = 1e-12;

export interface SharedRoot {
  /** The same structure function, large free quorums rewritten (used for what single failures do). */
  structural: Expr;
  /** The same with components that never fail as constants (what the exact engine reduces). */
  reduced: Expr;
  /** Probability that some part taken as up is down. */
  prunedBound: number;
}

export class SharedReduction {
  private readonly structuralMemo = new Map<number, Expr>();
  private readonly perfectMemo = new Map<number, Expr>();
  /** Bound of each part taken as up, by the id of the node it replaced. */
  private readonly prunedParts = new Map<number, number>();
  /** Pruned parts under each rewritten node, by the rewritten node's id. */
  private readonly prunedUnder = new Map<number, readonly number[]>();
  private readonly freeMemo = new Map<number, boolean>();

  constructor(
    private readonly b: ExprBuilder,
    private readonly components: ReadonlyMap<string, Component>,
  ) {}

  of(root: Expr): SharedRoot {
    const structural = this.structural(root);
    const reduced = this.perfect(structural);
    let prunedBound = 0;
    for (const id of this.prunedUnder.get(structural.id) ?? []) prunedBound += this.prunedParts.get(id)!;
    return { structural, reduced, prunedBound };
  }

  /** substitute() with components that never fail as TRUE, memoised across services. */
  private perfect(e: Expr): Expr {
    const hit = this.perfectMemo.get(e.id);
    if (hit) return hit;
    const b = this.b;
    let out: Expr;
    switch (e.t) {
      case "comp": {
        const c = this.components.get(e.comp);
        out = c && isPerfect(c.reliability) ? b.TRUE : e;
        break;
      }
      case "const":
        out = e;
        break;
      case "all":
        out = b.all(e.of.map((x) => this.perfect(x)));
        break;
      case "any":
        out = b.any(
          e.of.map((x, i) => ({ expr: this.perfect(x), switchMs: e.switchMs[i]! })),
          e.mechanism,
          e.timing,
        );
        break;
      case "kofn":
        out = b.kofn(
          e.k,
          e.of.map((x) => this.perfect(x)),
          e.electionMs,
          e.mechanism,
          e.timing,
        );
        break;
    }
    this.perfectMemo.set(e.id, out);
    return out;
  }

  private structural(e: Expr): Expr {
    const hit = this.structuralMemo.get(e.id);
    if (hit) return hit;
    const b = this.b;
    let out: Expr;
    let pruned: number[] = [];
    const kids = (xs: readonly Expr[]): Expr[] =>
      xs.map((x) => {
        const y = this.structural(x);
        pruned = union(pruned, this.prunedUnder.get(y.id) ?? []);
        return y;
      });
    switch (e.t) {
      case "comp":
      case "const":
        out = e;
        break;
      case "all":
        out = b.all(kids(e.of));
        break;
      case "any":
        out = b.any(
          kids(e.of).map((x, i) => ({ expr: x, switchMs: e.switchMs[i]! })),
          e.mechanism,
          e.timing,
        );
        break;
      case "kofn": {
        const of = kids(e.of);
        const q = b.kofn(e.k, of, e.electionMs, e.mechanism, e.timing);
        if (q.t === "kofn" && q.of.length >= MIN_MEMBERS && this.costFree(q)) {
          const r = this.rewriteQuorum(q);
          out = r.expr;
          pruned = union(pruned, r.pruned);
        } else out = q;
        break;
      }
    }
    this.structuralMemo.set(e.id, out);
    if (pruned.length) this.prunedUnder.set(out.id, union(this.prunedUnder.get(out.id) ?? [], pruned));
    return out;
  }

  private costFree(e: Expr): boolean {
    const hit = this.freeMemo.get(e.id);
    if (hit !== undefined) return hit;
    let free: boolean;
    if (e.t === "comp" || e.t === "const") free = true;
    else if (e.t === "any") free = e.switchMs.every((x) => x === 0) && e.of.every((x) => this.costFree(x));
    else if (e.t === "kofn") free = e.electionMs === 0 && e.of.every((x) => this.costFree(x));
    else free = e.of.every((x) => this.costFree(x));
    this.freeMemo.set(e.id, free);
    return free;
  }

  private rewriteQuorum(q: Expr & { t: "kofn" }): { expr: Expr; pruned: number[] } {
    const b = this.b;
    const memberComps = q.of.map((m) => new Set(componentsOf(m)));
    const count = new Map<string, number>();
    for (const s of memberComps) for (const c of s) count.set(c, (count.get(c) ?? 0) + 1);
    const pivots = [...count]
      .filter(([, n]) => n >= 2)
      .sort((x, y) => y[1] - x[1] || (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : 0))
      .map(([c]) => c);
    // A shared component whose failure alone breaks the quorum (the switch of more than half the
    // hosts) is in series with it; the others are conditioned on.
    const series = pivots.filter(
      (c) => substitute(b, q, (id) => (id === c ? b.FALSE : undefined)) === b.FALSE,
    );
    const branching = pivots.filter((c) => !series.includes(c));
    if (branching.length > MAX_PIVOTS) return { expr: q, pruned: [] };
    // Terms by how many pivots they assume up, fewest first, so an implied term finds its implier.
    const terms: { up: string[]; expr: Expr }[] = [];
    for (let mask = 0; mask < 1 << branching.length; mask++) {
      const up = branching.filter((_, i) => mask & (1 << i));
      const fixed = new Map(branching.map((c, i) => [c, mask & (1 << i) ? b.TRUE : b.FALSE]));
      for (const c of series) fixed.set(c, b.TRUE);
      let expr = substitute(b, q, (id) => fixed.get(id));
      if (expr === b.FALSE) continue;
      // Every member needed: a series block (so the exact engine can merge what is only there).
      if (expr.t === "kofn" && expr.k === expr.of.length) expr = b.all(expr.of);
      terms.push({ up, expr });
    }
    terms.sort((x, y) => x.up.length - y.up.length);
    const kept: { up: string[]; expr: Expr }[] = [];
    for (const t of terms)
      if (!kept.some((k) => k.expr === t.expr && k.up.every((c) => t.up.includes(c)))) kept.push(t);
    const pruned: number[] = [];
    const alternatives = kept.map((t) => {
      let expr = t.expr;
      const bound = this.quorumFailureBound(expr);
      if (bound !== undefined && bound <= PRUNE_BOUND) {
        this.prunedParts.set(expr.id, bound);
        pruned.push(expr.id);
        expr = b.TRUE;
      }
      return { expr: b.all([...t.up.map((c) => b.comp(c)), expr]), switchMs: 0 };
    });
    const expr = b.all([...series.map((c) => b.comp(c)), b.any(alternatives, q.mechanism, q.timing)]);
    return { expr, pruned: pruned.sort((x, y) => x - y) };
  }

  /** Upper bound of P(down) for a quorum of members sharing no component, undefined otherwise. */
  private quorumFailureBound(e: Expr): number | undefined {
    if (e.t !== "kofn") return undefined;
    const seen = new Set<string>();
    const q: number[] = [];
    let up = 0;
    for (const m of e.of) {
      if (m.t === "const") {
        if (m.value) up++;
        continue;
      }
      let a = 1;
      for (const c of componentsOf(m)) {
        if (seen.has(c)) return undefined;
        seen.add(c);
        a *= this.components.get(c)?.reliability.availability ?? 0;
      }
      q.push(1 - a);
    }
    // The members that are not constants: enough of them must fail to leave fewer than k up.
    const cut = q.length - (e.k - up) + 1;
    if (cut < 3) return undefined;
    return deviationTail(q, cut);
  }
}

function union(a: readonly number[], b: readonly number[]): number[] {
  if (b.length === 0) return a as number[];
  if (a.length === 0) return b as number[];
  return [...new Set([...a, ...b])].sort((x, y) => x - y);
}
