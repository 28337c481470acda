// The one quoting function, against a real shell: whatever the value, `sh` reads back exactly it.
import assert from "node:assert/strict";
import { test } from "node:test";
import { shellQuote, shellWords } from "../../src/util/shell-quote.js";
import { run } from "../../src/process/run.js";

const HOSTILE = [
  "plain",
  "",
  "a b",
  "a$(touch /tmp/hlab-quote-x)",
  "a`id`",
  'a"b',
  "a'b",
  "''",
  "'$(id)'",
  "a;b",
  "a\nPostUp = evil",
  "a\\nb",
  "~root",
  "*",
  "$HOME",
  "${IFS}",
  "-n",
  "a=b",
  "a|b&c>d<e",
  "ünïcødé ☃",
  "x".repeat(5000),
];

test("sh reads every quoted value back unchanged, as one word", async () => {
  // One shell for every case: each word is printed between markers, NUL-free by construction.
  const script = HOSTILE.map((v) => `printf '<%s>\\n' ${shellQuote(v)}`).join("\n");
  const r = await run("sh", ["-c", script]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, HOSTILE.map((v) => `<${v}>\n`).join(""));
});

test("a command line of quoted words keeps its word count", async () => {
  const r = await run("sh", ["-c", `set -- ${shellWords(...HOSTILE)}; echo $#`]);
  assert.equal(r.stdout.trim(), String(HOSTILE.length));
});

test("safe words stay bare, so generated scripts read naturally", () => {
  for (const w of ["root@192.168.1.11", "v1.36.3+k3s1", "nodes/k3s-1", "snippets,iso", "--link0"])
    assert.equal(shellQuote(w), w);
  assert.equal(shellQuote("a b"), "'a b'");
  assert.equal(shellQuote("a'b"), `'a'\\''b'`);
});

test("a NUL byte is refused: no shell word can carry it (the schema never lets one through)", () => {
  assert.throws(() => shellQuote("a\0b"), /NUL/);
});
