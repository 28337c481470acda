import assert from "node:assert/strict";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import type { Component } from "../../src/analyze/components.js";
import { simulate } from "../../src/analyze/monte-carlo.js";
import { planModel } from "../../src/analyze/plan.js";
import { ExprBuilder } from "../../src/analyze/structure.js";
import { loadSpecFile } from "../../src/spec/load.js";

const specs = [
  ...readdirSync("examples")
    .filter((f) => f.endsWith(".yaml"))
    .map((f) => join("examples", f)),
  ...readdirSync("test/fixtures/plan")
    .filter((f) => f.endsWith(".yaml"))
    .map((f) => join("test/fixtures/plan", f)),
].sort();

// The simulator runs with its fixed default seed and horizon (2 million events), the settings of
// `hlab plan --simulate`: the outcome is deterministic. Each interval is a 95 % one, so a given seed
// misses about one spec in twenty by chance (services of one spec share their random history). With
// an earlier default of 500 000 events three specs missed by about one half-width; 40 other seeds
// showed 95-97 % coverage and no bias, and the 2 million default agrees everywhere.
for (const file of specs) {
  test(`exact and Monte Carlo figures agree within the 95 % interval: ${file}`, async () => {
    const loaded = await loadSpecFile(file);
    assert.ok(loaded.model, `${file} loads`);
    const report = planModel(loaded.model, { simulate: true });
    assert.ok(report.availability.monteCarlo, "the simulator ran");
    for (const s of report.availability.services) {
      assert.ok(s.check, `${s.name} was simulated`);
      assert.ok(
        s.check.agrees,
        `${s.name}: exact ${s.availability} outside [${s.check.ci[0]}, ${s.check.ci[1]}]`,
      );
    }
  });
}

test("the simulator is reproducible: same seed, same figures", () => {
  const b = new ExprBuilder();
  const c = (id: string): Component => ({
    id,
    kind: "host",
    name: id,
    path: [],
    reliability: { availability: 0.99, mtbfHours: 396, mttrHours: 4, source: "test" },
  });
  const comps = new Map([c("a"), c("b")].map((x) => [x.id, x]));
  const root = b.any(
    [
      { expr: b.comp("a"), switchMs: 1000 },
      { expr: b.comp("b"), switchMs: 1000 },
    ],
    "alt",
  );
  const one = simulate([root], comps, { seed: 42, maxEvents: 20_000 });
  const two = simulate([root], comps, { seed: 42, maxEvents: 20_000 });
  assert.deepEqual(one, two);
  const other = simulate([root], comps, { seed: 43, maxEvents: 20_000 });
  assert.notDeepEqual(one.figures, other.figures);
});

test("a parallel pair simulated over a long horizon lands near 1 - u^2", () => {
  const b = new ExprBuilder();
  const c = (id: string): Component => ({
    id,
    kind: "host",
    name: id,
    path: [],
    reliability: { availability: 0.9, mtbfHours: 36, mttrHours: 4, source: "test" },
  });
  const comps = new Map([c("a"), c("b")].map((x) => [x.id, x]));
  const root = b.any(
    [
      { expr: b.comp("a"), switchMs: 0 },
      { expr: b.comp("b"), switchMs: 0 },
    ],
    "alt",
  );
  const r = simulate([root], comps, { seed: 7, maxEvents: 400_000 });
  const f = r.figures[0]!;
  assert.ok(f.ci[0] <= 0.99 && 0.99 <= f.ci[1], `0.99 outside [${f.ci[0]}, ${f.ci[1]}]`);
  assert.ok(f.ci[1] - f.ci[0] < 0.002, "the interval is narrow");
});
