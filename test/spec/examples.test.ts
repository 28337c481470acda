import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { parse } from "yaml";
import { loadSpecFile } from "../../src/spec/load.js";
import { spec } from "../../src/spec/schema.js";

const dir = "examples";
const examples = readdirSync(dir).filter((f) => f.endsWith(".yaml"));

test("there is an example per seed design", () => {
  for (const seed of ["seed000", "seed002", "seed003", "seed004"]) {
    assert.ok(
      examples.some((f) => f.startsWith(seed)),
      `missing example for ${seed}`,
    );
  }
});

for (const file of examples) {
  test(`${file} loads without diagnostics`, async () => {
    const r = await loadSpecFile(join(dir, file));
    assert.deepEqual(r.diagnostics, []);
    assert.ok(r.model, "a model is built");
  });

  test(`${file} starts with its yaml-language-server schema line`, () => {
    const first = readFileSync(join(dir, file), "utf8").split("\n")[0];
    assert.equal(first, "# yaml-language-server: $schema=../schema/homelab.schema.json");
  });

  test(`${file} round-trips through the schema`, () => {
    const value = parse(readFileSync(join(dir, file), "utf8"));
    const once = spec.parse(value);
    assert.deepEqual(spec.parse(once), once);
  });
}
