// One fixture per loader diagnostic code: each file says, in its `# expect:` lines, which code it
// must raise at which spec path and line.
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { CODES } from "../../src/diagnostic/codes.js";
import { loadSpecFile } from "../../src/spec/load.js";

const dir = "test/fixtures/diagnostics";
const fixtures = readdirSync(dir)
  .filter((f) => f.endsWith(".yaml"))
  .sort();

interface Expectation {
  code: string;
  path: string;
  line: number;
}

function expectations(file: string): Expectation[] {
  return readFileSync(join(dir, file), "utf8")
    .split("\n")
    .filter((l) => l.startsWith("# expect: "))
    .map((l) => {
      const [code, path, line] = l.slice("# expect: ".length).split(" ");
      return { code: code!, path: path === "-" ? "" : path!, line: Number(line) };
    });
}

for (const file of fixtures) {
  test(`fixture ${file}`, async () => {
    const r = await loadSpecFile(join(dir, file));
    const wanted = expectations(file);
    assert.ok(wanted.length > 0, "fixture declares what it expects");
    for (const w of wanted) {
      const hit = r.diagnostics.find((d) => d.code === w.code && d.path === w.path);
      assert.ok(
        hit,
        `expected ${w.code} at ${w.path}; got ${JSON.stringify(r.diagnostics.map((d) => [d.code, d.path, d.line]))}`,
      );
      assert.equal(hit.line, w.line, `${w.code} line`);
      assert.ok(hit.column > 0, "has a column");
      assert.ok(hit.message.length > 0 && hit.hint.length > 0, "has a message and a hint");
      assert.equal(hit.severity, CODES[w.code as keyof typeof CODES].severity);
    }
    // A model exists exactly when nothing is an error.
    assert.equal(r.model !== undefined, !r.diagnostics.some((d) => d.severity === "error"));
  });
}

test("every loader code (HL0xx) has a fixture", () => {
  const covered = new Set(fixtures.map((f) => f.slice(0, 5)));
  // Not from a YAML fixture: an unreadable file (HL028), one over the size limit (HL040) and a typed
  // config (HL042) are tested in test/spec/limits.test.ts.
  const notYaml = ["HL028", "HL040", "HL042"];
  const loaderCodes = Object.keys(CODES).filter((c) => /^HL0\d\d$/.test(c) && !notYaml.includes(c));
  for (const c of loaderCodes) assert.ok(covered.has(c), `no fixture for ${c}`);
});

test("an unreadable spec is HL028, not an exception", async () => {
  const r = await loadSpecFile("test/fixtures/diagnostics/does-not-exist.yaml");
  assert.equal(r.diagnostics[0]?.code, "HL028");
  assert.equal(r.model, undefined);
});

test("the four-mistakes spec gives exactly four diagnostics, each at its line", async () => {
  const r = await loadSpecFile("test/fixtures/four-mistakes.yaml");
  assert.deepEqual(
    r.diagnostics.map((d) => [d.code, d.path, d.line]),
    [
      ["HL002", "hosts.pve-2.adress", 13],
      ["HL012", "guests.k3s-2.host", 16],
      ["HL010", "guests.k3s-3.address.lan", 17],
      ["HL017", "kubernetes.api.vip", 20],
    ],
  );
});

test("docs/diagnostics.md lists every code with its severity", () => {
  const doc = readFileSync("docs/diagnostics.md", "utf8");
  for (const [code, info] of Object.entries(CODES)) {
    const row = doc.split("\n").find((l) => l.startsWith(`| ${code} |`));
    assert.ok(row, `${code} is missing from docs/diagnostics.md`);
    // Cells may be padded (prettier aligns the table).
    const cells = row.split("|").map((c) => c.trim());
    assert.equal(cells[2], info.severity, `${code} has severity ${info.severity} in the docs`);
  }
});
