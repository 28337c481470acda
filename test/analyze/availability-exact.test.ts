import assert from "node:assert/strict";
import { test } from "node:test";
import { exactAvailability } from "../../src/analyze/availability-exact.js";
import type { Component } from "../../src/analyze/components.js";
import { Prng } from "../../src/analyze/prng.js";
import { compile, evaluate } from "../../src/analyze/program.js";
import { ExprBuilder, componentsOf, type Expr } from "../../src/analyze/structure.js";

/** A component with availability a and repair time mttr (hours). */
function comp(id: string, a: number, mttrHours = 4): Component {
  const mtbf = a >= 1 ? 1e12 : (a * mttrHours) / (1 - a);
  return {
    id,
    kind: "host",
    name: id,
    path: [],
    reliability: { availability: a, mtbfHours: mtbf, mttrHours, source: "test" },
  };
}

const registry = (list: Component[]): Map<string, Component> => new Map(list.map((c) => [c.id, c]));

function binomial(n: number, k: number): number {
  let r = 1;
  for (let i = 1; i <= k; i++) r = (r * (n - k + i)) / i;
  return r;
}

/** Steady-state availability by plain 2^n enumeration, for reference. */
function bruteForce(root: Expr, components: Map<string, Component>): number {
  const ids = componentsOf(root);
  const index = new Map(ids.map((c, i) => [c, i]));
  const p = compile(root, (c) => index.get(c)!);
  const state = new Uint8Array(ids.length);
  const up = new Uint8Array(p.size);
  let total = 0;
  for (let s = 0; s < 2 ** ids.length; s++) {
    let pr = 1;
    ids.forEach((id, i) => {
      state[i] = (s >> i) & 1;
      const a = components.get(id)!.reliability.availability;
      pr *= state[i] ? a : 1 - a;
    });
    if (evaluate(p, state, up)) total += pr;
  }
  return total;
}

test("2-of-3 at 0.99 is 0.999702 (ha-timings.md)", () => {
  const b = new ExprBuilder();
  const cs = ["a", "b", "c"].map((n) => comp(n, 0.99));
  const r = exactAvailability(
    b,
    b.kofn(
      2,
      cs.map((c) => b.comp(c.id)),
      0,
      "quorum",
    ),
    registry(cs),
  )!;
  assert.ok(Math.abs(r.availability - 0.999702) < 1e-9, String(r.availability));
});

test("property: a k-of-n group of equal members matches the closed formula", () => {
  const rng = new Prng(1);
  for (let trial = 0; trial < 60; trial++) {
    const n = 1 + Math.floor(rng.next() * 8);
    const k = 1 + Math.floor(rng.next() * n);
    const a = 0.05 + rng.next() * 0.949;
    const b = new ExprBuilder();
    const cs = Array.from({ length: n }, (_, i) => comp(`m${i}`, a));
    const r = exactAvailability(
      b,
      b.kofn(
        k,
        cs.map((c) => b.comp(c.id)),
        0,
        "quorum",
      ),
      registry(cs),
    )!;
    let expected = 0;
    for (let i = k; i <= n; i++) expected += binomial(n, i) * a ** i * (1 - a) ** (n - i);
    assert.ok(
      Math.abs(r.availability - expected) <= r.truncationBound + 1e-12,
      `k=${k} n=${n} a=${a}: ${r.availability} vs ${expected}`,
    );
  }
});

test("series multiplies, parallel is one minus the product of unavailabilities", () => {
  const b = new ExprBuilder();
  const cs = [comp("x", 0.9), comp("y", 0.8), comp("z", 0.7)];
  const reg = registry(cs);
  const [x, y, z] = cs.map((c) => b.comp(c.id)) as [Expr, Expr, Expr];
  assert.ok(Math.abs(exactAvailability(b, b.all([x, y, z]), reg)!.availability - 0.9 * 0.8 * 0.7) < 1e-12);
  const par = b.any(
    [x, y, z].map((e) => ({ expr: e, switchMs: 0 })),
    "test",
  );
  assert.ok(Math.abs(exactAvailability(b, par, reg)!.availability - (1 - 0.1 * 0.2 * 0.3)) < 1e-12);
});

test("property: the reductions (constants, single points of failure, units, pruning) keep the exact value", () => {
  const rng = new Prng(2);
  for (let trial = 0; trial < 80; trial++) {
    const b = new ExprBuilder();
    const n = 3 + Math.floor(rng.next() * 8);
    const cs = Array.from({ length: n }, (_, i) =>
      comp(`c${i}`, rng.next() < 0.15 ? 0.2 + rng.next() * 0.3 : 0.9 + rng.next() * 0.0999),
    );
    const leaves = cs.map((c) => b.comp(c.id));
    const pick = (): Expr => leaves[Math.floor(rng.next() * n)]!;
    const build = (depth: number): Expr => {
      if (depth === 0 || rng.next() < 0.25) return pick();
      const width = 2 + Math.floor(rng.next() * 3);
      const kids = Array.from({ length: width }, () => build(depth - 1));
      const r = rng.next();
      if (r < 0.4) return b.all(kids);
      if (r < 0.8)
        return b.any(
          kids.map((e) => ({ expr: e, switchMs: 0 })),
          "alt",
        );
      return b.kofn(1 + Math.floor(rng.next() * width), kids, 0, "quorum");
    };
    const root = build(4);
    const reg = registry(cs);
    const exact = exactAvailability(b, root, reg)!;
    const brute = bruteForce(root, reg);
    assert.ok(
      Math.abs(exact.steady - brute) <= exact.truncationBound + 1e-12,
      `trial ${trial}: ${exact.steady} vs ${brute}`,
    );
  }
});

test("a failover costs its switch time at the failure frequency of the active alternative", () => {
  const b = new ExprBuilder();
  const x = comp("x", 0.99, 2);
  const y = comp("y", 0.98, 3);
  const root = b.any(
    [
      { expr: b.comp("x"), switchMs: 5000 },
      { expr: b.comp("y"), switchMs: 5000 },
    ],
    "VRRP",
  );
  const r = exactAvailability(b, root, registry([x, y]))!;
  // Only x failing while both run moves the service: frequency a_x a_y / mtbf_x, each costing 5 s.
  const expected = 0.99 * 0.98 * (1 / x.reliability.mtbfHours) * (5000 / 3_600_000);
  assert.ok(Math.abs(r.transition - expected) < 1e-15, `${r.transition} vs ${expected}`);
  assert.ok(Math.abs(r.steady - (1 - 0.01 * 0.02)) < 1e-12);
});

test("a quorum pays an election only when its leader fails and the quorum holds", () => {
  const b = new ExprBuilder();
  const cs = [comp("a", 0.995, 4), comp("b", 0.99, 4), comp("c", 0.98, 4)];
  const root = b.kofn(
    2,
    cs.map((c) => b.comp(c.id)),
    7500,
    "etcd leader election",
  );
  const r = exactAvailability(b, root, registry(cs))!;
  const expected = 0.995 * 0.99 * 0.98 * (1 / cs[0]!.reliability.mtbfHours) * (7500 / 3_600_000);
  assert.ok(Math.abs(r.transition - expected) < 1e-15);
});

test("a failover is capped by the failed part's repair time", () => {
  const b = new ExprBuilder();
  const x = comp("x", 0.999, 0.01); // 36 s repair
  const y = comp("y", 0.999, 4);
  const root = b.any(
    [
      { expr: b.comp("x"), switchMs: 0 },
      { expr: b.comp("y"), switchMs: 600_000 },
    ],
    "reschedule",
  );
  const r = exactAvailability(b, root, registry([x, y]))!;
  const expected = 0.999 * 0.999 * (1 / x.reliability.mtbfHours) * 0.01;
  assert.ok(Math.abs(r.transition - expected) < 1e-15);
});

test("property: adding a replica on a new host never lowers a service's availability", () => {
  const rng = new Prng(3);
  for (let trial = 0; trial < 60; trial++) {
    const b = new ExprBuilder();
    const hosts = Array.from({ length: 3 }, (_, i) =>
      comp(`host:h${i}`, 0.95 + rng.next() * 0.0499, 1 + rng.next() * 8),
    );
    const guests = Array.from({ length: 3 }, (_, i) =>
      comp(`guest:g${i}`, 0.98 + rng.next() * 0.0199, 0.05 + rng.next()),
    );
    const gear = comp("gear:switch", 0.999, 2);
    const node = (g: Component, h: Component): Expr => b.all([b.comp(g.id), b.comp(h.id), b.comp(gear.id)]);
    const control = b.kofn(
      2,
      [0, 1, 2].map((i) => node(guests[i]!, hosts[i]!)),
      7500,
      "etcd",
    );
    const sw = Math.floor(rng.next() * 600_000);
    const replicas = 1 + Math.floor(rng.next() * 2);
    const alternatives = Array.from({ length: replicas }, (_, i) => ({
      expr: node(guests[i]!, hosts[i]!),
      switchMs: 0,
    }));
    const reschedule = { expr: b.all([control, node(guests[2]!, hosts[2]!)]), switchMs: sw };
    const before = b.any([...alternatives, reschedule], "pods");
    const newHost = comp("host:new", 0.95 + rng.next() * 0.0499, 1 + rng.next() * 8);
    const newGuest = comp("guest:new", 0.98 + rng.next() * 0.0199, 0.05 + rng.next());
    const after = b.any(
      [...alternatives, { expr: node(newGuest, newHost), switchMs: 0 }, reschedule],
      "pods",
    );
    const reg = registry([...hosts, ...guests, gear, newHost, newGuest]);
    const a0 = exactAvailability(b, before, reg)!;
    const a1 = exactAvailability(b, after, reg)!;
    assert.ok(
      a1.availability >= a0.availability - a0.truncationBound - a1.truncationBound - 1e-12,
      `trial ${trial}: ${a1.availability} < ${a0.availability}`,
    );
  }
});

test("a single point of failure is reported and its downtime attributed", () => {
  const b = new ExprBuilder();
  const cs = [comp("gear:box", 0.999, 2), comp("a", 0.99), comp("b", 0.99)];
  const root = b.all([
    b.comp("gear:box"),
    b.any(
      [b.comp("a"), b.comp("b")].map((e) => ({ expr: e, switchMs: 0 })),
      "alt",
    ),
  ]);
  const r = exactAvailability(b, root, registry(cs))!;
  assert.deepEqual(r.spofs, ["gear:box"]);
  const box = r.shares.get("gear:box")!;
  // Making the box perfect gains A/a_box - A.
  assert.ok(Math.abs(box.improvement - (r.steady / 0.999 - r.steady)) < 1e-15);
});
