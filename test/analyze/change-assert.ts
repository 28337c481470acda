// What every change plan must hold, shared by the example plans and the property test.
import assert from "node:assert/strict";
import type { ChangePlan } from "../../src/analyze/change/change-report.js";

/** The property every plan must have: no step leaves a quorum lost; losing one during a step is announced. */
export function assertQuorumSafe(p: ChangePlan): void {
  for (const s of p.steps) {
    for (const l of s.after.layers.filter((x) => x.quorum))
      assert.ok(l.quorate, `step ${s.index} (${s.title}) leaves ${l.layer} at ${l.up} of ${l.needed}`);
    for (const l of s.during.layers.filter((x) => x.quorum && !x.quorate))
      assert.ok(s.outage, `step ${s.index} (${s.title}) loses ${l.layer} without saying so`);
  }
}
