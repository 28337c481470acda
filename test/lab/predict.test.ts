import assert from "node:assert/strict";
import { test } from "node:test";
import { labPlan } from "../../src/lab/lab-plan.js";
import { measuredTimings } from "../../src/lab/measured-file.js";
import { keepalivedPriority, predict } from "../../src/lab/predict.js";
import { probeTargets } from "../../src/lab/probe-target.js";
import type { LabReport } from "../../src/lab/runner.js";
import type { Model } from "../../src/model/model.js";
import { loadSpecFile } from "../../src/spec/load.js";

async function setup(
  file: string,
): Promise<{ model: Model; plan: ReturnType<typeof labPlan>; targets: ReturnType<typeof probeTargets> }> {
  const model = (await loadSpecFile(`examples/${file}`)).model!;
  const plan = labPlan(model, "hl0abc");
  const targets = probeTargets(
    plan,
    { endpoint: model.kubernetes?.api.endpoint },
    { address: model.kubernetes?.ingress.address },
    () => "pw",
  );
  return { model, plan, targets };
}

test("probes: every service with a host name through the ingress address, API writes and reads, SQL", async () => {
  const { targets } = await setup("seed003-lb-pair.yaml");
  assert.deepEqual(
    targets.map((t) => `${t.id} ${t.address}:${t.port}`),
    [
      "http:blog 192.168.1.8:80",
      "http:longhorn 192.168.1.8:80",
      "api:write 192.168.1.8:6443",
      "api:read 192.168.1.8:6443",
      "sql:app-db 192.168.1.253:5432",
    ],
  );
});

test("losing the VRRP master's host: the plan expects the profile's Master_Down_Interval", async () => {
  const { model, plan, targets } = await setup("seed003-lb-pair.yaml");
  const before = {
    holders: { "192.168.1.8": ["k3s-lb01"] },
    etcdLeader: "k3s-srv02",
    primaries: { "app-db": "k3s-srv02" },
  };
  const p = predict(
    plan,
    model,
    { kind: "host-down", down: ["p1", "k3s-lb01", "k3s-srv01"] },
    before,
    targets,
    { "k3s-lb02": 100 },
  );
  const blog = p.find((x) => x.target === "http:blog")!;
  // balanced: VRRPv3, advert 200 ms, backup priority 100: 3 x 200 + (256 - 100) x 200 / 256.
  assert.equal(blog.ms, 722);
  assert.equal(blog.timing, "vrrp.failover");
  assert.equal(
    p.find((x) => x.target === "sql:app-db"),
    undefined,
    "the primary was elsewhere",
  );
  // The backup's host dies instead: only the dead backend, until HAProxy marks it down.
  const q = predict(
    plan,
    model,
    { kind: "host-down", down: ["p2", "k3s-lb02", "k3s-srv02"] },
    before,
    targets,
    {},
  );
  const partial = q.find((x) => x.target === "http:blog")!;
  assert.equal(partial.partial, true);
  assert.equal(partial.ms, 500 + 200);
  const sql = q.find((x) => x.target === "sql:app-db")!;
  assert.equal(sql.timing, "cnpg.failover");
  assert.equal(sql.ms, model.timings["cnpg.failover"]);
});

test("seed004: kube-vip's lease, etcd's election, and a flapping NIC that comes back first", async () => {
  const { model, plan, targets } = await setup("seed004-three-nodes.yaml");
  const before = { holders: { "192.168.1.50": ["k3s-2"] }, etcdLeader: "k3s-1", primaries: {} };
  const p = predict(plan, model, { kind: "host-down", down: ["pve-02", "k3s-2"] }, before, targets, {});
  const only = (node: string): string[] =>
    plan.ingress[0]!.services.filter((x) => x.replicas.every((r) => r === node)).map((x) => `http:${x.name}`);
  for (const x of p) {
    if (only("k3s-2").includes(x.target)) {
      // Every replica was on the lost node: the plan charges a reschedule (the lab does not do one).
      assert.ok(x.ms! > 300_000 && x.timing === undefined, `${x.target}: ${x.because}`);
    } else assert.ok(x.timing === "kubevip.failover" && x.ms === 15_000, `${x.target}: ${x.because}`);
  }
  assert.ok(only("k3s-2").length > 0, "some service lives on k3s-2 only");
  const e = predict(
    plan,
    model,
    { kind: "kill", down: [], process: { node: "k3s-1", name: "etcd" } },
    before,
    targets,
    {},
  );
  assert.deepEqual(
    e.map((x) => [x.target, x.timing]),
    [
      ["api:write", "etcd.election"],
      ["api:read", "etcd.election"],
    ],
  );
  const f = predict(
    plan,
    model,
    { kind: "nic-flap", down: ["pve-02", "k3s-2"], downForMs: 3000 },
    before,
    targets,
    {},
  );
  assert.ok(f.every((x) => x.ms === 3000 && x.capped));
});

test("a keepalived config's priority (100 when unset)", () => {
  assert.equal(keepalivedPriority("vrrp_instance V {\n    state BACKUP\n    priority 150\n}"), 150);
  assert.equal(keepalivedPriority("vrrp_instance V {\n}"), 100);
});

test("measured timings: the median of each component's failovers, flaps and partial outages left out", () => {
  const row = (
    ms: number,
    timing: string,
    extra: object = {},
  ): LabReport["faults"][number]["rows"][number] => ({
    target: "t",
    measuredMs: ms,
    outages: 1,
    afterRestoreMs: null,
    outAtRestore: false,
    predicted: { target: "t", ms: 1, partial: false, timing, because: "", ...extra },
  });
  const report = {
    lab: "hl0abc",
    startedAt: "2026-01-01T00:00:00.000Z",
    faults: [
      { rows: [row(700, "vrrp.failover"), row(900, "vrrp.failover"), row(800, "vrrp.failover")] },
      { rows: [row(3000, "vrrp.failover", { capped: true }), row(50, "vrrp.failover", { partial: true })] },
      { rows: [row(31_000, "cnpg.failover")] },
    ],
  } as unknown as LabReport;
  const m = measuredTimings(report, "hlab lab measure");
  assert.deepEqual(m.timings, { "patroni.failover": 31_000, "vrrp.failover": 800 });
  assert.match(m.source, /^hlab lab measure/);
});

test("two VIP holders are split brain only beyond one advertisement interval (and its handling)", async () => {
  const { handoverLimitMs } = await import("../../src/lab/runner.js");
  const { keepalivedAdvertMs } = await import("../../src/lab/predict.js");
  assert.equal(keepalivedAdvertMs("    advert_int 0.2\n"), 200);
  assert.equal(keepalivedAdvertMs(""), 1000);
  const { plan } = await setup("seed003-lb-pair.yaml");
  assert.equal(handoverLimitMs(plan, "192.168.1.8", { "k3s-lb01": 200, "k3s-lb02": 200 }), 250);
  assert.equal(handoverLimitMs(plan, "192.168.1.253", {}), 50);
  const seed004 = await setup("seed004-three-nodes.yaml");
  assert.equal(handoverLimitMs(seed004.plan, "192.168.1.50", {}), 2000);
});

test("the measured file is what `hlab plan --measured` accepts", async () => {
  const { parseMeasured } = await import("../../src/analyze/failover-costs.js");
  const report = {
    lab: "hl0abc",
    startedAt: "2026-01-01T00:00:00.000Z",
    faults: [
      {
        rows: ["vrrp.failover", "kubevip.failover", "etcd.election", "cnpg.failover", "patroni.failover"].map(
          (timing) => ({
            target: "t",
            measuredMs: 1000,
            outages: 1,
            afterRestoreMs: null,
            predicted: { target: "t", ms: 1, partial: false, timing, because: "" },
          }),
        ),
      },
    ],
  } as unknown as LabReport;
  const parsed = parseMeasured(JSON.parse(JSON.stringify(measuredTimings(report, "hlab lab measure"))));
  assert.notEqual(typeof parsed, "string", String(parsed));
});
