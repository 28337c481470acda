// The plan's answers pinned: the whole plan report and the what-if of single host losses, for every
// example and for generated specs (bench/generate-spec.ts) of several shapes, recorded before the
// plan was made faster (issue 17). A speed-up must leave them unchanged; a change of answer is
// either a bug fix (rerecord with UPDATE_GOLDEN=1 and say so in the commit) or a bug.
import assert from "node:assert/strict";
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { gunzipSync, gzipSync } from "node:zlib";
import { planModel } from "../../src/analyze/plan.js";
import { whatIf } from "../../src/analyze/what-if.js";
import { loadSpecText } from "../../src/spec/load.js";
import { syntheticSpec, type SyntheticSize } from "../../bench/generate-spec.js";

const update = process.env.UPDATE_GOLDEN === "1";
const DIR = "test/fixtures/plan-answers";

/** Small enough for a test run, different enough to reach every engine path (25/100/250 was 42 s). */
const SYNTHETIC: SyntheticSize[] = [
  { hosts: 8, guests: 30, services: 60, seed: 7 },
  { hosts: 12, guests: 48, services: 120, seed: 3 },
  { hosts: 25, guests: 100, services: 250, seed: 7 },
];

const specs: { name: string; file: string; text: () => string }[] = [
  ...readdirSync("examples")
    .filter((f) => f.endsWith(".yaml"))
    .sort()
    .map((f) => ({
      name: f.replace(/\.yaml$/, ""),
      file: `examples/${f}`,
      text: () => readFileSync(`examples/${f}`, "utf8"),
    })),
  ...SYNTHETIC.map((s) => ({
    name: `synthetic-${s.hosts}-${s.guests}-${s.services}-${s.seed}`,
    file: "bench.yaml",
    text: () => syntheticSpec(s),
  })),
];

/** What the plan answers: the report, and the what-if of each of the first hosts lost alone. */
function answers(file: string, text: string): string {
  const model = loadSpecText(text, file).model;
  assert.ok(model, `${file} loads`);
  const plan = planModel(model);
  const whatIfs: Record<string, unknown> = {};
  for (const h of model.hosts.slice(0, 4)) whatIfs[`host:${h.name}`] = whatIf(model, [`host:${h.name}`]);
  return JSON.stringify({ plan, whatIfs }, null, 1);
}

for (const s of specs)
  test(`plan answers unchanged: ${s.name}`, () => {
    const got = answers(s.file, s.text());
    const path = join(DIR, `${s.name}.json.gz`);
    if (update) {
      mkdirSync(DIR, { recursive: true });
      writeFileSync(path, gzipSync(got, { level: 9 }));
      return;
    }
    if (!existsSync(path))
      assert.fail(`${s.name}: no recorded answers at ${path}; record them with UPDATE_GOLDEN=1 and review`);
    const want = gunzipSync(readFileSync(path)).toString("utf8");
    if (got !== want) {
      const out = join("/tmp", `plan-answers-${s.name}.json`);
      writeFileSync(out, got);
      assert.fail(
        `${s.name}: the plan's answers changed (got ${out}, want zcat ${path}); if intended, UPDATE_GOLDEN=1`,
      );
    }
  });
