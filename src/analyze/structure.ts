// The structure function of a service: which combinations of working components keep it up, and
// what each failover between alternatives costs. Expressions are hash-consed by a builder, so the
// same sub-expression (a guest's path to the network, the etcd quorum) is one shared node: that
// makes service signatures cheap to compare and lets the exact engine merge components that only
// ever appear together.

export type Expr = CompExpr | ConstExpr | AllExpr | AnyExpr | KofnExpr;

interface Node {
  /** Unique within its builder; identical expressions share it. */
  id: number;
}

export interface CompExpr extends Node {
  t: "comp";
  comp: string;
}

export interface ConstExpr extends Node {
  t: "const";
  value: boolean;
}

export interface AllExpr extends Node {
  t: "all";
  of: Expr[];
}

/**
 * Up when any alternative is up. The first alternative up is the one serving (keepalived's master,
 * the pod's current node); moving to alternative i costs switchMs[i].
 */
export interface AnyExpr extends Node {
  t: "any";
  of: Expr[];
  switchMs: number[];
  mechanism: string;
  timing?: string;
}

/**
 * Up when at least k members are up (a quorum). The first member up is the leader; losing it costs
 * an election of electionMs even when the quorum holds.
 */
export interface KofnExpr extends Node {
  t: "kofn";
  k: number;
  of: Expr[];
  electionMs: number;
  mechanism: string;
  timing?: string;
}

export interface Alternative {
  expr: Expr;
  switchMs: number;
}

export class ExprBuilder {
  private readonly table = new Map<string, Expr>();
  private next = 0;
  readonly TRUE: ConstExpr;
  readonly FALSE: ConstExpr;

  constructor() {
    this.TRUE = this.intern("T", (id) => ({ id, t: "const", value: true }));
    this.FALSE = this.intern("F", (id) => ({ id, t: "const", value: false }));
  }

  private intern<E extends Expr>(key: string, make: (id: number) => E): E {
    const found = this.table.get(key);
    if (found) return found as E;
    const e = make(this.next++);
    this.table.set(key, e);
    return e;
  }

  comp(comp: string): CompExpr {
    return this.intern(`c:${comp}`, (id) => ({ id, t: "comp", comp }));
  }

  all(parts: readonly Expr[]): Expr {
    const flat: Expr[] = [];
    const seen = new Set<number>();
    for (const p of parts) {
      const items = p.t === "all" ? p.of : [p];
      for (const e of items) {
        if (e.t === "const") {
          if (!e.value) return this.FALSE;
          continue;
        }
        if (!seen.has(e.id)) {
          seen.add(e.id);
          flat.push(e);
        }
      }
    }
    if (flat.length === 0) return this.TRUE;
    if (flat.length === 1) return flat[0]!;
    flat.sort((a, b) => a.id - b.id);
    return this.intern(`A(${flat.map((e) => e.id).join(",")})`, (id) => ({ id, t: "all", of: flat }));
  }

  /** Alternatives in preference order; a repeated alternative keeps its first (cheapest) place. */
  any(alternatives: readonly Alternative[], mechanism: string, timing?: string): Expr {
    const of: Expr[] = [];
    const switchMs: number[] = [];
    const seen = new Set<number>();
    for (const a of alternatives) {
      if (a.expr.t === "const" && !a.expr.value) continue;
      if (seen.has(a.expr.id)) continue;
      seen.add(a.expr.id);
      of.push(a.expr);
      switchMs.push(a.switchMs);
    }
    if (of.length === 0) return this.FALSE;
    if (of.length === 1) return of[0]!;
    if (of[0]!.t === "const") return this.TRUE;
    const key = `Y[${mechanism}|${timing ?? ""}](${of.map((e, i) => `${e.id}:${switchMs[i]}`).join(",")})`;
    return this.intern(key, (id) => ({ id, t: "any", of, switchMs, mechanism, timing }));
  }

  kofn(k: number, members: readonly Expr[], electionMs: number, mechanism: string, timing?: string): Expr {
    if (k <= 0) return this.TRUE;
    const of = members.filter((m) => !(m.t === "const" && !m.value));
    if (k > of.length) return this.FALSE;
    if (of.length === 1) return of[0]!;
    const key = `K${k}[${mechanism}|${timing ?? ""}|${electionMs}](${of.map((e) => e.id).join(",")})`;
    return this.intern(key, (id) => ({ id, t: "kofn", k, of, electionMs, mechanism, timing }));
  }
}

/** Every component an expression reads, in first-seen order. */
export function componentsOf(root: Expr): string[] {
  const out: string[] = [];
  const seen = new Set<number>();
  const seenComp = new Set<string>();
  const walk = (e: Expr): void => {
    if (seen.has(e.id)) return;
    seen.add(e.id);
    if (e.t === "comp") {
      if (!seenComp.has(e.comp)) {
        seenComp.add(e.comp);
        out.push(e.comp);
      }
    } else if (e.t !== "const") for (const c of e.of) walk(c);
  };
  walk(root);
  return out;
}

/** Rebuilds an expression with components replaced (by a constant or another expression). */
export function substitute(b: ExprBuilder, root: Expr, replace: (comp: string) => Expr | undefined): Expr {
  const memo = new Map<number, Expr>();
  const walk = (e: Expr): Expr => {
    const hit = memo.get(e.id);
    if (hit) return hit;
    let out: Expr;
    switch (e.t) {
      case "comp":
        out = replace(e.comp) ?? e;
        break;
      case "const":
        out = e;
        break;
      case "all":
        out = b.all(e.of.map(walk));
        break;
      case "any":
        out = b.any(
          e.of.map((c, i) => ({ expr: walk(c), switchMs: e.switchMs[i]! })),
          e.mechanism,
          e.timing,
        );
        break;
      case "kofn":
        out = b.kofn(e.k, e.of.map(walk), e.electionMs, e.mechanism, e.timing);
        break;
    }
    memo.set(e.id, out);
    return out;
  };
  return walk(root);
}

const sortedMemo = new WeakMap<Expr, readonly string[]>();

/**
 * Every component an expression reads, sorted (code-unit order, as Array.prototype.sort) and
 * memoised per node: services share large parts (a cluster's quorum), whose lists are merged once.
 */
export function sortedComponentsOf(root: Expr): string[] {
  return [...sortedOf(root)];
}

function sortedOf(e: Expr): readonly string[] {
  const hit = sortedMemo.get(e);
  if (hit) return hit;
  let out: readonly string[];
  if (e.t === "comp") out = [e.comp];
  else if (e.t === "const") out = [];
  else out = e.of.reduce<readonly string[]>((acc, c) => mergeSorted(acc, sortedOf(c)), []);
  sortedMemo.set(e, out);
  return out;
}

function mergeSorted(a: readonly string[], b: readonly string[]): readonly string[] {
  if (b.length === 0) return a;
  if (a.length === 0) return b;
  const out: string[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const x = a[i]!;
    const y = b[j]!;
    if (x < y) {
      out.push(x);
      i++;
    } else if (y < x) {
      out.push(y);
      j++;
    } else {
      out.push(x);
      i++;
      j++;
    }
  }
  while (i < a.length) out.push(a[i++]!);
  while (j < b.length) out.push(b[j++]!);
  return out;
}
