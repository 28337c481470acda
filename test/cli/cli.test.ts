import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { main } from "../../src/cli/main.js";
import type { Io } from "../../src/cli/output.js";
import { run } from "../../src/process/run.js";
import { loadSpecFile } from "../../src/spec/load.js";

const ESC = String.fromCharCode(27);
const hasColour = (s: string): boolean => s.includes(`${ESC}[`);

function io(color = false): Io & { stdout: string; stderr: string } {
  const o = {
    stdout: "",
    stderr: "",
    color,
    out(t: string) {
      o.stdout += t.endsWith("\n") ? t : t + "\n";
    },
    err(t: string) {
      o.stderr += t.endsWith("\n") ? t : t + "\n";
    },
  };
  return o;
}

const examples = readdirSync("examples")
  .filter((f) => f.endsWith(".yaml"))
  .map((f) => join("examples", f));
const tmp = mkdtempSync(join(tmpdir(), "hlab-cli-"));
after(() => rmSync(tmp, { recursive: true, force: true }));

test("check: every example is clean, exit 0", async () => {
  const o = io();
  assert.equal(await main(["check", ...examples], o), 0);
  assert.match(o.stderr, /no problems/);
});

test("check: four mistakes, exit 1, rendered with source line and caret", async () => {
  const o = io();
  assert.equal(await main(["check", "test/fixtures/four-mistakes.yaml"], o), 1);
  assert.match(o.stderr, /four-mistakes\.yaml:13:\d+: error HL002: unknown key `adress`/);
  assert.match(o.stderr, /\n13 \| {3}pve-2: .*\n {3}\| +\^/);
  assert.match(o.stderr, /hint: did you mean `address`\?/);
  assert.match(o.stderr, /4 errors, 0 warnings/);
  assert.ok(!hasColour(o.stderr), "no colour when not a TTY");
});

test("check --json: the documented shape", async () => {
  const o = io();
  assert.equal(await main(["check", "--json", "test/fixtures/four-mistakes.yaml"], o), 1);
  const parsed = JSON.parse(o.stdout) as { diagnostics: Record<string, unknown>[] };
  assert.equal(parsed.diagnostics.length, 4);
  for (const d of parsed.diagnostics) {
    assert.deepEqual(Object.keys(d), [
      "code",
      "severity",
      "path",
      "file",
      "line",
      "column",
      "message",
      "hint",
    ]);
  }
});

test("colour only when asked for by the terminal", async () => {
  const o = io(true);
  await main(["check", "test/fixtures/four-mistakes.yaml"], o);
  assert.ok(hasColour(o.stderr));
  const n = io(true);
  await main(["--no-color", "check", "test/fixtures/four-mistakes.yaml"], n);
  assert.ok(!hasColour(n.stderr));
});

test("usage errors exit 2 without a stack trace", async () => {
  for (const argv of [["check"], ["frobnicate"], ["init", "--template", "nope", join(tmp, "x.yaml")]]) {
    const o = io();
    assert.equal(await main(argv, o), 2, argv.join(" "));
    assert.doesNotMatch(o.stderr + o.stdout, /\n\s+at /, "no stack trace");
  }
});

test("a missing spec file is a diagnostic, exit 1", async () => {
  const o = io();
  assert.equal(await main(["check", join(tmp, "nope.yaml")], o), 1);
  assert.match(o.stderr, /HL028/);
});

test("init writes a starter spec that checks clean, and never overwrites", async () => {
  const file = join(tmp, "homelab.yaml");
  const o = io();
  assert.equal(await main(["init", file], o), 0);
  const text = readFileSync(file, "utf8");
  assert.match(text.split("\n")[0]!, /^# yaml-language-server: \$schema=.*schema\/homelab\.schema\.json$/);
  assert.equal((await loadSpecFile(file)).diagnostics.length, 0);
  writeFileSync(file, "mine\n");
  const again = io();
  assert.equal(await main(["init", file], again), 2);
  assert.match(again.stderr, /already exists/);
  assert.equal(readFileSync(file, "utf8"), "mine\n", "the user's file is untouched");
});

test("init --list names every example", async () => {
  const o = io();
  assert.equal(await main(["init", "--list"], o), 0);
  for (const e of examples) assert.ok(o.stdout.includes(e.replace("examples/", "").replace(".yaml", "")));
});

test("schema: the committed JSON Schema is current (run `npm run schema` after changing the spec)", async () => {
  const o = io();
  assert.equal(await main(["schema"], o), 0);
  assert.equal(o.stdout, readFileSync("schema/homelab.schema.json", "utf8"));
  const s = JSON.parse(o.stdout) as Record<string, unknown>;
  assert.equal(s.$schema, "http://json-schema.org/draft-07/schema#");
});

test("a typed homelab.config.ts loads through defineHomelab", async () => {
  const r = await loadSpecFile("test/fixtures/config/homelab.config.ts");
  assert.deepEqual(r.diagnostics, []);
  assert.equal(r.model?.guests[0]?.name, "k3s-1");
});

test("the installed binary sets its exit code", async () => {
  const ok = await run(process.execPath, ["dist/src/cli/bin.js", "check", ...examples]);
  assert.equal(ok.code, 0);
  const bad = await run(process.execPath, [
    "dist/src/cli/bin.js",
    "check",
    "test/fixtures/four-mistakes.yaml",
  ]);
  assert.equal(bad.code, 1);
  const usage = await run(process.execPath, ["dist/src/cli/bin.js", "check"]);
  assert.equal(usage.code, 2);
  assert.ok(!existsSync("homelab.yaml"), "nothing written in the working directory");
});
