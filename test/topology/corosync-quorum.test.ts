// One quorum arithmetic for Corosync, read by the plan, the build and the lab: two Proxmox nodes
// (seed 003 after: p1, p2 and the bare-metal box) keep quorum on either survivor under two_node; a
// QDevice adds ffsplit's one vote for an even count and lms's n - 1 for an odd one.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { planModel } from "../../src/analyze/plan.js";
import { PROXMOX_QUORUM } from "../../src/analyze/dependency-graph.js";
import { corosyncGenerator } from "../../src/generate/corosync/corosync.js";
import { COROSYNC_FILE } from "../../src/generate/corosync/paths.js";
import { labPlan, qnetdNode } from "../../src/lab/lab-plan.js";
import { newLabId } from "../../src/lab/names.js";
import type { Model } from "../../src/model/model.js";
import { loadSpecText } from "../../src/spec/load.js";
import { corosyncQuorum, quorateWith } from "../../src/topology/corosync-quorum.js";
import { majority } from "../../src/topology/majority.js";

function spec(name: string, edit: (text: string) => string = (t) => t): Model {
  const r = loadSpecText(edit(readFileSync(`examples/${name}.yaml`, "utf8")), `${name}.yaml`);
  assert.deepEqual(
    r.diagnostics.filter((d) => d.severity === "error"),
    [],
  );
  return r.model!;
}

const withQdevice = (host: string) => (t: string) =>
  t.replace("  links: [lan]\n", `  links: [lan]\n  qdevice: { host: ${host} }\n`);

/** The quorum section of the generated corosync.conf, trimmed lines. */
function quorumSection(m: Model): string[] {
  const conf = corosyncGenerator.generate(m, { publicKeys: new Map() }).find((f) => f.path === COROSYNC_FILE)!
    .content as string;
  const lines = conf.split("\n");
  const start = lines.indexOf("quorum {");
  let depth = 0;
  const out: string[] = [];
  for (const l of lines.slice(start + 1)) {
    if (l.trim() === "}" && depth === 0) break;
    if (l.endsWith("{")) depth++;
    if (l.trim() === "}") depth--;
    out.push(l.trim());
  }
  return out;
}

/** The plan's verdict on the Proxmox quorum when `host` alone fails. */
function planSays(m: Model, host: string): string {
  const s = planModel(m).availability.services.find((x) => x.name === PROXMOX_QUORUM)!;
  return s.hostFailures.find((o) => o.failed.includes(`host:${host}`))?.status ?? "up";
}

test("majority is strictly more than half", () => {
  assert.deepEqual([1, 2, 3, 4, 5, 6].map(majority), [1, 2, 2, 3, 3, 4]);
});

test("seed 003, two Proxmox nodes: plan, corosync.conf and lab all keep the survivor quorate (two_node)", () => {
  const m = spec("seed003-lb-pair");
  const q = corosyncQuorum(m)!;
  assert.equal(q.mode, "two_node");
  assert.equal(q.quorumVotes, 1);
  assert.equal(q.expectedVotes, 2);
  assert.equal(q.waitForAll, true);
  // Build: what corosync reads.
  assert.deepEqual(quorumSection(m), ["provider: corosync_votequorum", "two_node: 1"]);
  // Plan: losing either node keeps quorum; the finding says what two_node costs instead of a loss.
  assert.equal(planSays(m, "p1"), "up");
  assert.equal(planSays(m, "p2"), "up");
  const report = planModel(m);
  const layer = report.failureDomains.find((l) => l.layer === "corosync")!;
  assert.equal(layer.needed, 1);
  assert.deepEqual(layer.breakingHosts, []);
  const hl107 = report.findings.find((f) => f.code === "HL107")!;
  assert.match(hl107.message, /keeps the survivor quorate/);
  assert.match(hl107.message, /wait_for_all/);
  assert.doesNotMatch(hl107.message, /loses quorum/);
  // Lab: the figure `lab status` holds corosync-quorumtool to.
  const plan = labPlan(m, newLabId());
  assert.deepEqual(plan.corosync, q);
  assert.equal(
    quorateWith(q, (n) => n === "p2", false),
    true,
  );
  assert.equal(
    quorateWith(q, () => false, false),
    false,
  );
});

test("a QDevice on an even cluster: ffsplit, one vote stated in corosync.conf, quorum 2 of 3", () => {
  const m = spec("seed003-lb-pair", withQdevice("metal"));
  const q = corosyncQuorum(m)!;
  assert.equal(q.mode, "qdevice");
  assert.deepEqual(
    { ...q.device, address: undefined },
    {
      machine: "metal",
      host: "metal",
      address: undefined,
      algorithm: "ffsplit",
      votes: 1,
      votesInConfig: true,
    },
  );
  assert.equal(q.expectedVotes, 3);
  assert.equal(q.quorumVotes, 2);
  const quorum = quorumSection(m);
  assert.ok(quorum.includes("algorithm: ffsplit") && quorum.includes("votes: 1"));
  assert.ok(!quorum.includes("two_node: 1"));
  assert.equal(planSays(m, "p1"), "up");
  assert.equal(planSays(m, "metal"), "up");
  assert.equal(
    quorateWith(q, (n) => n === "p2", true),
    true,
  );
  assert.equal(
    quorateWith(q, (n) => n === "p2", false),
    false,
  );
  assert.equal(qnetdNode(labPlan(m, newLabId())), "metal");
});

test("a QDevice on an odd cluster: lms with corosync's default n - 1 votes, so one node and the QDevice are quorate", () => {
  const m = spec("seed004-three-nodes", withQdevice("rpi"));
  const q = corosyncQuorum(m)!;
  assert.equal(q.device?.algorithm, "lms");
  assert.equal(q.device?.votes, 2);
  assert.equal(q.expectedVotes, 5);
  assert.equal(q.quorumVotes, 3);
  const quorum = quorumSection(m);
  assert.ok(quorum.includes("algorithm: lms"));
  assert.ok(!quorum.some((l) => l.startsWith("votes:")), "lms leaves the votes to corosync");
  assert.equal(
    quorateWith(q, (n) => n === "pve-01", true),
    true,
  );
  assert.equal(
    quorateWith(q, (n) => n !== "pve-01", false),
    false,
  );
  // The plan: any two nodes may go as long as the QDevice stays.
  const s = planModel(m).availability.services.find((x) => x.name === PROXMOX_QUORUM)!;
  const nodePairs = s.fatalPairs.filter((p) => p.every((c) => /^host:pve-0\d$/.test(c)));
  assert.deepEqual(nodePairs, []);
});

test("no cluster for one Proxmox node: no quorum arithmetic, no corosync in the lab", () => {
  const m = spec("seed002-segmented");
  assert.equal(corosyncQuorum(m), undefined);
  assert.equal(
    labPlan(m, newLabId()).daemons.some((d) => d.kind === "corosync"),
    false,
  );
});
