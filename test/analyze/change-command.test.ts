import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { main } from "../../src/cli/main.js";
import type { Io } from "../../src/cli/output.js";

async function run(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = "";
  let err = "";
  const io: Io = { out: (t) => void (out += t + "\n"), err: (t) => void (err += t + "\n"), color: false };
  const code = await main(argv, io);
  return { code, out, err };
}

const A = "examples/seed003-before.yaml";
const B = "examples/seed003-lb-pair.yaml";

test("hlab plan A --to B: text, --json and --markdown of the same steps; --runbook writes them with their commands", async () => {
  const text = await run("plan", A, "--to", B);
  assert.equal(text.code, 0, text.err);
  assert.match(text.out, /^hlab plan: k3s-lab \(examples\/seed003-before\.yaml\) -> k3s-lab/);
  const json = JSON.parse((await run("plan", A, "--to", B, "--json")).out) as { steps: { title: string }[] };
  assert.ok(json.steps.length > 5);
  for (const s of json.steps) assert.ok(text.out.includes(s.title), s.title);
  const dir = mkdtempSync(join(tmpdir(), "hlab-runbook-"));
  const file = join(dir, "RUNBOOK.md");
  assert.equal((await run("plan", A, "--to", B, "--runbook", file)).code, 0);
  assert.match(readFileSync(file, "utf8"), /pvecm|tofu -chdir=tofu apply -target=|kubectl drain/);
  assert.equal(
    (await run("plan", A, "--to", B, "--runbook", file)).code,
    0,
    "its own earlier runbook is replaced",
  );
});

test("--runbook never writes over a user file without --force, never through a link, never over the spec", async () => {
  const dir = mkdtempSync(join(tmpdir(), "hlab-runbook-"));
  const mine = join(dir, "notes.md");
  writeFileSync(mine, "my notes\n");
  const refused = await run("plan", A, "--to", B, "--runbook", mine);
  assert.equal(refused.code, 2);
  assert.match(refused.err, /hlab did not write it/);
  assert.equal(readFileSync(mine, "utf8"), "my notes\n");
  const link = join(dir, "link.md");
  symlinkSync(mine, link);
  assert.match((await run("plan", A, "--to", B, "--runbook", link, "--force")).err, /symbolic link/);
  assert.equal(readFileSync(mine, "utf8"), "my notes\n");
  assert.match(
    (await run("plan", A, "--to", B, "--runbook", B, "--force")).err,
    /the file this command reads/,
  );
  assert.equal((await run("plan", A, "--to", B, "--runbook", mine, "--force")).code, 0);
  const usage = await run("plan", A, "--runbook", join(dir, "x.md"));
  assert.equal(usage.code, 2);
  assert.equal((await run("plan", A, "--to", B, "--fail", "host:p1")).code, 2);
});
