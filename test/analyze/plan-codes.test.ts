import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { CODES } from "../../src/diagnostic/codes.js";

const planCodes = Object.entries(CODES).filter(([code]) => /^HL1\d\d$/.test(code));
const sources = readdirSync("src/analyze")
  .filter((f) => f.endsWith(".ts"))
  .map((f) => readFileSync(join("src/analyze", f), "utf8"))
  .join("\n");
const docs = readFileSync("docs/availability-model.md", "utf8");

test("every plan code is raised by the analyzer and documented with its severity", () => {
  assert.ok(planCodes.length > 0);
  for (const [code, info] of planCodes) {
    assert.ok(sources.includes(`"${code}"`), `${code} is raised in src/analyze`);
    const row = docs.split("\n").find((l) => l.startsWith(`| ${code} |`));
    assert.ok(row, `${code} is in docs/availability-model.md`);
    assert.equal(row.split("|")[2]!.trim(), info.severity, `${code}: documented severity`);
  }
});

test("no call site picks a severity: it always comes from the code registry", () => {
  const all = ["src/analyze", "src/spec", "src/generate", "src/lab", "src/emit", "src/secrets"]
    .flatMap((d) => readdirSync(d, { recursive: true, encoding: "utf8" }).map((f) => join(d, f)))
    .filter((f) => f.endsWith(".ts"))
    .map((f) => readFileSync(f, "utf8"))
    .join("\n");
  const literal = [...all.matchAll(/"HL\d{3}",\s*"(error|warning|info)"/g)].map((m) => m[0]);
  assert.deepEqual(literal, []);
  assert.doesNotMatch(all, /code: "HL\d{3}",\s*severity:/);
});
