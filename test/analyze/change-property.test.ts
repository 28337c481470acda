// The planner's safety property over random pairs of designs (fixed seeds): no step leaves a quorum
// layer (corosync, etcd, a database) without its quorum, a step that loses one while it runs says
// so, and no step takes more than one machine out of service.
import assert from "node:assert/strict";
import { test } from "node:test";
import { planChange } from "../../src/analyze/change/change-plan.js";
import { hasErrors } from "../../src/diagnostic/diagnostic.js";
import { loadSpecText } from "../../src/spec/load.js";
import { assertQuorumSafe } from "./change-assert.js";
import { randomSpec } from "./random-spec.js";

const PAIRS = 24;

test(`over ${PAIRS} random pairs of valid specs, no step leaves a layer without quorum`, () => {
  let planned = 0;
  let steps = 0;
  for (let seed = 1; planned < PAIRS && seed < PAIRS * 10; seed++) {
    const a = loadSpecText(randomSpec(seed * 2), `a-${seed}.yaml`);
    const b = loadSpecText(randomSpec(seed * 2 + 1), `b-${seed}.yaml`);
    if (!a.model || hasErrors(a.diagnostics) || !b.model || hasErrors(b.diagnostics)) continue;
    const p = planChange(a.model, b.model, { from: `a-${seed}`, to: `b-${seed}` });
    try {
      assertQuorumSafe(p);
      for (const s of p.steps)
        assert.ok(s.outOfService.length <= 1, `step ${s.index} takes ${s.outOfService.join(", ")} out`);
    } catch (err) {
      throw new Error(`seed ${seed}: ${(err as Error).message}`);
    }
    planned++;
    steps += p.steps.length;
  }
  assert.equal(planned, PAIRS, "enough random pairs load without errors");
  assert.ok(steps > PAIRS * 3, `the pairs differ enough to plan (${steps} steps)`);
});
