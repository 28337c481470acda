import assert from "node:assert/strict";
import { test } from "node:test";
import { labPlan } from "../../src/lab/lab-plan.js";
import { defaultMeasureScenario, loadScenarioText } from "../../src/lab/scenario.js";
import { resolveTarget } from "../../src/lab/runner.js";
import { loadSpecFile } from "../../src/spec/load.js";

const plan = async (file: string): Promise<ReturnType<typeof labPlan>> =>
  labPlan((await loadSpecFile(`examples/${file}`)).model!, "hl0abc");

test("a scenario unrolls its repeats in time order", async () => {
  const p = await plan("seed003-lb-pair.yaml");
  const r = loadScenarioText(
    [
      "name: t",
      "steps:",
      "  - { at: 10s, fault: kill, target: k3s-lb01, process: keepalived, for: 5s }",
      '  - { at: 0s, fault: host-down, target: "@primary:app-db", for: 20s, repeat: 3, interval: 30s }',
    ].join("\n"),
    "s.yaml",
    p,
  );
  assert.deepEqual(r.diagnostics, []);
  assert.deepEqual(
    r.scenario!.events.map((e) => [e.at, e.fault]),
    [
      [0, "host-down"],
      [10_000, "kill"],
      [30_000, "host-down"],
      [60_000, "host-down"],
    ],
  );
  assert.equal(r.scenario!.warmupMs, 5000);
});

test("scenario mistakes are positioned diagnostics with hints", async () => {
  const p = await plan("seed003-lb-pair.yaml");
  const text = [
    "name: t",
    "steps:",
    "  - at: 1s",
    "    fault: host-down",
    "    target: p3",
    "  - at: 2s",
    "    fault: kill",
    "    target: k3s-lb01",
    "    process: keepalivd",
    "  - at: 3s",
    "    fault: host-dwn",
    "    target: p1",
    "  - at: 4s",
    "    fault: host-down",
    '    target: "@holder:192.168.1.9"',
    "  - { at: 5s, fault: host-down, target: p1, for: 20s, repeat: 2, interval: 10s }",
  ].join("\n");
  const r = loadScenarioText(text, "s.yaml", p);
  assert.equal(r.scenario, undefined);
  const byLine = new Map(r.diagnostics.map((d) => [d.line, d]));
  assert.equal(byLine.get(11)?.code, "HL005");
  assert.match(byLine.get(11)!.hint, /host-down/);
  // Schema errors come first: fix those, then the references are checked.
  const fixed = loadScenarioText(text.replace("host-dwn", "host-down"), "s.yaml", p);
  const lines = new Map(fixed.diagnostics.map((d) => [d.line, d]));
  assert.match(lines.get(5)!.message, /unknown host or guest `p3`/);
  assert.match(lines.get(5)!.hint, /p1|p2/);
  assert.match(lines.get(9)!.hint, /did you mean `keepalived`/);
  assert.match(lines.get(15)!.message, /no VIP `192.168.1.9`/);
  assert.match(lines.get(16)!.message, /repeats would overlap/);
});

test("dynamic targets resolve to the machine that holds the thing now", async () => {
  const p = await plan("seed003-lb-pair.yaml");
  const snap = {
    holders: { "192.168.1.8": ["k3s-lb02"], "192.168.1.253": ["_db-app-db"] },
    etcdLeader: "metal",
    primaries: { "app-db": "k3s-srv01" },
  };
  assert.equal(resolveTarget(p, { fault: "host-down" }, "@holder:ingress", snap), "p2");
  assert.equal(resolveTarget(p, { fault: "nic-flap" }, "@holder:192.168.1.8", snap), "p2");
  assert.equal(resolveTarget(p, { fault: "kill" }, "@holder:192.168.1.8", snap), "k3s-lb02");
  assert.equal(resolveTarget(p, { fault: "kill" }, "@etcd-leader", snap), "metal");
  assert.equal(resolveTarget(p, { fault: "host-down" }, "@primary:app-db", snap), "p1");
  assert.equal(resolveTarget(p, { fault: "host-down" }, "@holder:api", { ...snap, holders: {} }), undefined);
});

test("lab measure takes down each VIP holder, the etcd leader and each primary, long enough to fail over", async () => {
  const p = await plan("seed004-three-nodes.yaml");
  const s = defaultMeasureScenario(p);
  assert.deepEqual(
    s.events.map((e) => [e.fault, e.target, e.process]),
    [
      ["host-down", "@holder:192.168.1.50", undefined],
      ["kill", "@etcd-leader", "etcd"],
    ],
  );
  assert.ok(s.events[0]!.forMs! > 15_000, "longer than the kube-vip lease");
  const s3 = defaultMeasureScenario(await plan("seed003-lb-pair.yaml"));
  assert.deepEqual(
    s3.events.map((e) => e.target),
    ["@holder:192.168.1.8", "@etcd-leader", "@primary:app-db"],
  );
});
