// The golden harness for every generator: each example is built in memory with a fixed context and
// every generated file (the encrypted store aside, whose bytes are random by design) is compared
// with test/golden/<example>/<path>. UPDATE_GOLDEN=1 rewrites them; review the diff before committing.
import assert from "node:assert/strict";
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync, existsSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { test } from "node:test";
import { renderRepository } from "../../src/pipeline/build.js";
import { EXAMPLES, exampleModel, exampleName, fixedContext } from "./fixtures.js";

const GOLDEN = "test/golden";
const update = process.env.UPDATE_GOLDEN === "1";

function walk(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? walk(p) : [p];
  });
}

/** Where two texts part, so a failure says what changed without opening the files. */
function firstDifference(golden: string, generated: string): string {
  const a = golden.split("\n");
  const b = generated.split("\n");
  const i = a.findIndex((line, n) => line !== b[n]);
  const at = i === -1 ? a.length : i;
  return `(line ${at + 1}: golden ${JSON.stringify(a[at] ?? "<end>")}, generated ${JSON.stringify(b[at] ?? "<end>")})`;
}

for (const file of EXAMPLES) {
  const name = exampleName(file);
  test(`golden files of ${name}`, async () => {
    const model = await exampleModel(file);
    const files = renderRepository(model, fixedContext(model)).filter((f) => !f.path.startsWith("secrets/"));
    assert.ok(files.length > 0, "the example generates files");
    const root = join(GOLDEN, name);
    const generated = new Set(files.map((f) => f.path));
    const stale = walk(root)
      .map((p) => relative(root, p).split("\\").join("/"))
      .filter((p) => !generated.has(p));
    if (update) {
      for (const p of stale) rmSync(join(root, p));
      for (const f of files) {
        mkdirSync(dirname(join(root, f.path)), { recursive: true });
        writeFileSync(join(root, f.path), f.content);
      }
      return;
    }
    const problems: string[] = [];
    for (const f of files) {
      const path = join(root, f.path);
      if (!existsSync(path)) problems.push(`missing golden file ${path}`);
      else {
        const golden = readFileSync(path, "utf8");
        if (golden !== f.content)
          problems.push(`${path} differs from what is generated ${firstDifference(golden, f.content)}`);
      }
    }
    for (const p of stale) problems.push(`${join(root, p)} is no longer generated`);
    assert.deepEqual(
      problems,
      [],
      "run `UPDATE_GOLDEN=1 node scripts/run-tests.mjs golden` and review the diff",
    );
  });
}

test("generation is deterministic: two renders are identical", async () => {
  for (const file of EXAMPLES) {
    const model = await exampleModel(file);
    assert.deepEqual(
      renderRepository(model, fixedContext(model)),
      renderRepository(await exampleModel(file), fixedContext(model)),
    );
  }
});
