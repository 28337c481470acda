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

test("the analyzer raises each plan code with its registered severity", () => {
  for (const [code, info] of planCodes) {
    const calls = [...sources.matchAll(new RegExp(`"${code}",\\s*"(error|warning|info)"`, "g"))];
    assert.ok(calls.length > 0, `${code} raised with a literal severity`);
    for (const c of calls) assert.equal(c[1], info.severity, `${code}`);
  }
});
