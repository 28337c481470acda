import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { test } from "node:test";
import { planChange } from "../../src/analyze/change/change-plan.js";
import type { ChangePlan } from "../../src/analyze/change/change-report.js";
import { renderChangeMarkdown, renderChangeText } from "../../src/analyze/change/change-render.js";
import { loadSpecFile } from "../../src/spec/load.js";
import { assertQuorumSafe } from "./change-assert.js";

async function plan(from: string, to: string): Promise<ChangePlan> {
  const a = await loadSpecFile(from);
  const b = await loadSpecFile(to);
  assert.ok(a.model && b.model);
  return planChange(a.model, b.model, { from, to });
}

const CASES = [
  ["seed000-single-node", "seed000-two-nodes"],
  ["seed000-two-nodes", "seed000-three-nodes"],
  ["seed003-before", "seed003-lb-pair"],
] as const;

for (const [a, b] of CASES)
  test(`change plan ${a} -> ${b}: quorum-safe, and the text and runbook match their golden files`, async () => {
    const p = await plan(`examples/${a}.yaml`, `examples/${b}.yaml`);
    assertQuorumSafe(p);
    assert.deepEqual(p.residual, [], "every difference is carried by a step");
    for (const [ext, text] of [
      ["txt", renderChangeText(p) + "\n"],
      ["md", renderChangeMarkdown(p, { commands: true })],
    ] as const) {
      const file = `test/golden/change/${a}--${b}.${ext}`;
      if (process.env.UPDATE_GOLDEN) writeFileSync(file, text);
      assert.equal(text, readFileSync(file, "utf8"), `${file} differs (UPDATE_GOLDEN=1 to accept)`);
    }
  });

const index = (p: ChangePlan, kind: string, machine: string): number =>
  p.steps.find((s) => s.kind === kind && s.machine === machine)?.index ?? -1;

test("seed 000 to three nodes: QDevice out before the third node, servers join one by one before the old one leaves", async () => {
  const p = await plan("examples/seed000-two-nodes.yaml", "examples/seed000-three-nodes.yaml");
  assert.ok(index(p, "remove-qdevice", "server") < index(p, "add-proxmox-node", "pve-3"));
  const joins = p.steps
    .filter((s) => s.kind === "add-k3s-server")
    .map((s) => s.title.match(/etcd (\d) -> (\d)/)?.slice(1));
  assert.deepEqual(joins, [
    ["1", "2"],
    ["2", "3"],
    ["3", "4"],
  ]);
  const leave = index(p, "remove-k3s-server", "k3s");
  assert.ok(p.steps.filter((s) => s.kind === "add-k3s-server").every((s) => s.index < leave));
  // The single sqlite server's conversion to etcd is an outage, and says so.
  const convert = p.steps.find((s) => s.kind === "reconfigure-k3s-server")!;
  assert.match(convert.outage?.reason ?? "", /only K3s server/);
  // Volumes move off local-path before the node that holds them leaves.
  assert.ok(p.steps.filter((s) => s.kind === "change-storage").every((s) => s.index < leave));
});

test("seed 003 move: the VIP serves before any server moves, the NIC is replaced last", async () => {
  const p = await plan("examples/seed003-before.yaml", "examples/seed003-lb-pair.yaml");
  const api = index(p, "switch-api-endpoint", "k3s-lb01");
  assert.ok(api > 0 && api < index(p, "move-guest", "k3s-srv02"));
  assert.ok(index(p, "remove-k3s-server", "k3s-srv03") < index(p, "add-k3s-server", "k3s-srv03"));
  assert.equal(p.steps.at(-1)!.kind, "reboot-host");
  assert.equal(p.steps.at(-1)!.machine, "p1");
  // Losing p1 in the final design takes nothing down for good.
  assert.ok(p.steps.at(-1)!.during.services.every((s) => s.status !== "down"));
});

test("the same design twice: no step", async () => {
  const p = await plan("examples/seed004-three-nodes.yaml", "examples/seed004-three-nodes.yaml");
  assert.equal(p.steps.length, 0);
  assert.match(p.lines[0]!, /nothing to do/);
});
