import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { test } from "node:test";
import { planChange } from "../../src/analyze/change/change-plan.js";
import type { ChangePlan } from "../../src/analyze/change/change-report.js";
import { renderChangeMarkdown, renderChangeText } from "../../src/analyze/change/change-render.js";
import { rollingMaintenance, upgradeK3s, upgradeProblem } from "../../src/analyze/change/maintenance.js";
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

test("rolling maintenance of seed 004 and a K3s upgrade two minors ahead: golden, quorum-safe, one host or node at a time", () => {
  return (async () => {
    const file = "examples/seed004-three-nodes.yaml";
    const model = (await loadSpecFile(file)).model!;
    const rolling = rollingMaintenance(model, file);
    const upgrade = upgradeK3s(model, "v1.38.0+k3s1", file);
    for (const [name, p] of [
      ["seed004-rolling-maintenance", rolling],
      ["seed004-upgrade-k3s", upgrade],
    ] as const) {
      assertQuorumSafe(p);
      assert.ok(
        p.steps.every((s) => !s.outage),
        `${name}: seed 004 takes every step without an outage`,
      );
      const text = renderChangeMarkdown(p, { commands: true });
      const golden = `test/golden/change/${name}.md`;
      if (process.env.UPDATE_GOLDEN) writeFileSync(golden, text);
      assert.equal(text, readFileSync(golden, "utf8"), `${golden} differs (UPDATE_GOLDEN=1 to accept)`);
    }
    assert.deepEqual(
      rolling.steps.map((s) => s.machine),
      ["pve-01", "pve-02", "pve-03"],
    );
    // Snapshot first, then v1.37 on every server, then the target; agents (none here) after servers.
    assert.equal(upgrade.steps[0]!.kind, "etcd-snapshot");
    assert.deepEqual(
      upgrade.steps.slice(1).map((s) => `${s.machine} ${s.title.includes("v1.37") ? "1.37" : "1.38"}`),
      ["k3s-1 1.37", "k3s-2 1.37", "k3s-3 1.37", "k3s-1 1.38", "k3s-2 1.38", "k3s-3 1.38"],
    );
    assert.match(upgradeProblem(model, "v1.30.0+k3s1") ?? "", /does not downgrade/);
    // A single server cannot be upgraded without its API going down, and the plan says so.
    const single = (await loadSpecFile("examples/seed000-single-node.yaml")).model!;
    const one = upgradeK3s(single, "v1.37.0+k3s1", "examples/seed000-single-node.yaml");
    assert.match(one.steps[1]!.outage?.reason ?? "", /only K3s server/);
  })();
});
