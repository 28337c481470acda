import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
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

test("hlab plan exits 0 on a sound design and prints the verdict, availability and findings", async () => {
  const r = await run("plan", "examples/seed004-three-nodes.yaml");
  assert.equal(r.code, 0, r.err);
  assert.match(
    r.out.split("\n")[2]!,
    /^Sound: every service survives the loss of any one host, and no finding is an error\.$/,
  );
  assert.match(r.out, /Availability \(exact enumeration\)/);
  assert.match(r.out, /IP plan/);
  assert.match(r.out, /HL117/);
});

test("a single-host lab: the verdict leads with what breaks, everywhere in the same words; exit 0 (no error)", async () => {
  const file = "examples/seed000-single-node.yaml";
  const verdict = "Not sound: losing server takes down every service.";
  const text = await run("plan", file);
  assert.equal(text.code, 0, text.err);
  assert.equal(text.out.split("\n")[2], verdict, "right under the title");
  assert.doesNotMatch(text.out, /design is sound|verdict: sound|stays up as long as/i, "nothing flatters");
  const md = await run("plan", file, "--markdown");
  assert.ok(md.out.split("\n").includes(`**${verdict}**`), "the Markdown leads with the same sentence");
  const json = JSON.parse((await run("plan", file, "--json")).out) as {
    summary: { sound: boolean; verdict: string };
  };
  assert.deepEqual([json.summary.sound, json.summary.verdict], [false, verdict]);
});

test("hlab plan exits 1 on an error finding, rendered like hlab check", async () => {
  const r = await run("plan", "test/fixtures/plan/seed004-two-servers-one-host.yaml");
  assert.equal(r.code, 1);
  assert.match(r.out, /seed004-two-servers-one-host\.yaml:\d+:\d+: error HL100/);
  assert.match(r.out, /= at: guests\.k3s-2\.host/);
  // The errors come before the tables; the warnings and notes after them.
  const errorsAt = r.out.indexOf("\nErrors\n");
  assert.ok(errorsAt > 0, "an Errors section");
  assert.ok(r.out.indexOf("error HL100") > errorsAt);
  assert.ok(r.out.indexOf("error HL100") < r.out.indexOf("Availability ("), "HL100 before the tables");
  assert.ok(r.out.indexOf("warning HL") > r.out.indexOf("\nWarnings and notes\n"));
  assert.match(r.out.split("\n")[2]!, /^Not sound: losing pve-01 takes down .*; 1 finding is an error\.$/);
});

test("--json is the PlanReport; --markdown is a document", async () => {
  const j = await run("plan", "examples/seed003-before.yaml", "--json");
  assert.equal(j.code, 1);
  const report = JSON.parse(j.out) as { summary: { sound: boolean }; findings: { code: string }[] };
  assert.equal(report.summary.sound, false);
  assert.ok(report.findings.some((f) => f.code === "HL100"));
  const md = await run("plan", "examples/seed004-three-nodes.yaml", "--markdown");
  assert.match(md.out, /^# Plan: homelab/);
  assert.match(md.out, /\| Service \| Availability \|/);
  assert.equal((await run("plan", "examples/seed004-three-nodes.yaml", "--json", "--markdown")).code, 2);
});

test("--fail says what goes down and what fails over; exit 1 when a service goes down", async () => {
  const ok = await run("plan", "examples/seed004-three-nodes.yaml", "--fail", "host:pve-02");
  assert.equal(ok.code, 0);
  assert.match(ok.out, /Failed: host:pve-02\./);
  assert.match(ok.out, /fails over/);
  const down = await run("plan", "examples/seed003-before.yaml", "--fail", "nic:p1/eth0", "--json");
  assert.equal(down.code, 1);
  const w = JSON.parse(down.out) as { guestsDown: string[] };
  assert.deepEqual(w.guestsDown, ["k3s-srv01", "k3s-srv02"]);
  const bad = await run("plan", "examples/seed004-three-nodes.yaml", "--fail", "host:nope");
  assert.equal(bad.code, 2);
  assert.match(bad.err, /unknown host `nope`/);
});

test("--compare puts two designs side by side", async () => {
  const r = await run("plan", "examples/seed003-before.yaml", "--compare", "examples/seed003-lb-pair.yaml");
  assert.equal(r.code, 1);
  assert.match(r.out, /blog\s+19\.94 %\s+99\.9\d+ %/);
  assert.match(r.out, /A fails with any one of/);
});

test("--measured and --timings override the failover figures; bad values are usage errors", async () => {
  const dir = mkdtempSync(join(tmpdir(), "hlab-plan-"));
  const file = join(dir, "measured.json");
  writeFileSync(file, JSON.stringify({ timings: { "kubevip.failover": 2500 }, source: "hlab lab, 3 runs" }));
  const r = await run("plan", "examples/seed004-three-nodes.yaml", "--measured", file, "--json");
  assert.equal(r.code, 0);
  const report = JSON.parse(r.out) as {
    availability: { timings: { name: string; ms: number; source: string }[] };
  };
  assert.deepEqual(
    report.availability.timings.find((t) => t.name === "kubevip.failover"),
    { name: "kubevip.failover", ms: 2500, source: "measured", detail: "hlab lab, 3 runs" },
  );
  writeFileSync(file, JSON.stringify({ timings: { "kubevip.fail": 1 } }));
  assert.equal((await run("plan", "examples/seed004-three-nodes.yaml", "--measured", file)).code, 2);
  assert.equal(
    (await run("plan", "examples/seed004-three-nodes.yaml", "--timings", "k8s.podEviction=60000")).code,
    0,
  );
  assert.equal(
    (await run("plan", "examples/seed004-three-nodes.yaml", "--timings", "k8s.podEviction=1m")).code,
    2,
  );
});

test("a spec with errors is reported like hlab check, exit 1", async () => {
  const dir = mkdtempSync(join(tmpdir(), "hlab-plan-"));
  const file = join(dir, "bad.yaml");
  writeFileSync(
    file,
    "version: 1\nname: x\nnetworks: {}\nhosts: { a: { kind: proxmox, cpu: 1, memory: 1GiB, address: { lan: 10.0.0.1 } } }\n",
  );
  const r = await run("plan", file);
  assert.equal(r.code, 1);
  assert.match(r.err, /error HL013/);
});
