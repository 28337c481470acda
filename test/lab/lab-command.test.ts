// `hlab lab` at the command line, without a lab: usage errors say what to do, doctor reports in
// JSON. The state directory is a temporary one, so labs running elsewhere on the machine are never
// seen or touched.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { main } from "../../src/cli/main.js";
import type { Io } from "../../src/cli/output.js";

const stateDir = mkdtempSync(join(tmpdir(), "hlab-lab-state-"));
process.env.HLAB_LAB_STATE_DIR = stateDir;
after(() => rmSync(stateDir, { recursive: true, force: true }));

function io(): Io & { stdout: string; stderr: string } {
  const o = {
    stdout: "",
    stderr: "",
    color: false,
    out(t: string) {
      o.stdout += t + "\n";
    },
    err(t: string) {
      o.stderr += t + "\n";
    },
  };
  return o;
}

const asRoot = process.getuid?.() === 0;

test(
  "lab status with no lab up: exit 2 and how to start one",
  { skip: asRoot ? undefined : "the lab commands need root first" },
  async () => {
    const o = io();
    assert.equal(await main(["lab", "status"], o), 2);
    assert.match(o.stderr, /no lab is up/);
    assert.match(o.stderr, /hlab lab up SPEC/);
  },
);

test(
  "lab down with nothing up is a no-op",
  { skip: asRoot ? undefined : "the lab commands need root first" },
  async () => {
    const o = io();
    assert.equal(await main(["lab", "down"], o), 0);
    assert.match(o.stdout, /no lab is up/);
  },
);

test(
  "lab up on a broken spec prints its diagnostics and creates nothing",
  { skip: asRoot ? undefined : "the lab commands need root first" },
  async () => {
    const o = io();
    assert.equal(await main(["lab", "up", "test/lab/no-such-spec.yaml"], o), 1);
    assert.match(o.stderr, /cannot read the spec/);
  },
);

test(
  "without root the lab refuses with a hint",
  { skip: asRoot ? "running as root" : undefined },
  async () => {
    const o = io();
    assert.equal(await main(["lab", "status"], o), 2);
    assert.match(o.stderr, /needs root/);
  },
);

test("lab doctor --json lists each check with why and a fix", async () => {
  const o = io();
  const code = await main(["lab", "doctor", "--json"], o);
  const checks = JSON.parse(o.stdout) as { name: string; ok: boolean; required: boolean; why: string }[];
  assert.ok(checks.some((c) => c.name === "keepalived"));
  assert.ok(checks.every((c) => typeof c.why === "string" && c.why.length > 0));
  assert.equal(code, checks.some((c) => c.required && !c.ok) ? 1 : 0);
});

test(
  "lab up refuses a run directory that exists, before creating anything",
  { skip: asRoot ? undefined : "the lab commands need root first" },
  async () => {
    const o = io();
    assert.equal(await main(["lab", "up", "examples/seed000-single-node.yaml", "--dir", stateDir], o), 2);
    assert.match(o.stderr, /already exists/);
    assert.match(o.stderr, /--dir/);
    const none = io();
    assert.equal(await main(["lab", "status"], none), 2, "no lab was recorded");
  },
);
