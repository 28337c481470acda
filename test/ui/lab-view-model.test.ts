import assert from "node:assert/strict";
import { test } from "node:test";
import { labPlan } from "../../src/lab/lab-plan.js";
import type { LabStatus } from "../../src/lab/status.js";
import { loadSpecFile } from "../../src/spec/load.js";
import { labFaults, labView } from "../../src/ui/lab-view-model.js";

const model = (await loadSpecFile("examples/seed003-lb-pair.yaml")).model!;
const plan = labPlan(model, "hl0ace");
const launched = plan.daemons
  .filter((d) => d.kind !== "patroni")
  .map((d) => ({ node: d.node, kind: d.kind }));

function status(over: Partial<LabStatus> = {}): LabStatus {
  return {
    id: "hl0ace",
    model: model.name,
    phase: "up",
    poweredOff: [],
    faults: [],
    vips: plan.vips.map((v) => ({
      address: v.address,
      purposes: v.purposes,
      movedBy: v.movedBy,
      standin: v.standin,
      heldBy: [v.candidates[0]!],
    })),
    etcd: { members: [], leader: "metal", healthy: 3, size: 3, quorum: true },
    corosync: [
      { node: "p1", quorate: true, totalVotes: 2, expectedVotes: 2 },
      { node: "p2", quorate: true, totalVotes: 2, expectedVotes: 2 },
    ],
    databases: [],
    backends: [{ node: "k3s-lb01", proxy: "edge_80", server: "k3s-srv01", status: "UP" }],
    processes: [],
    ...over,
  };
}

test("fault buttons: per host power and NICs, per guest stop and the daemons that run there", () => {
  const faults = labFaults(plan, launched, []);
  const of = (target: string): string[] => faults.filter((f) => f.target === target).map((f) => f.id);
  assert.deepEqual(of("p1"), ["host-down p1", "link-down p1:eth0", "nic-flap p1:eth0"]);
  assert.deepEqual(of("k3s-lb01"), [
    "guest-down k3s-lb01",
    "kill k3s-lb01:keepalived",
    "kill k3s-lb01:haproxy",
  ]);
  // The bare-metal server lives in its host's namespace: no guest-down of its own, but its etcd.
  assert.deepEqual(of("k3s-srv03"), ["kill k3s-srv03:etcd"]);
  assert.ok(!faults.some((f) => f.id.includes("patroni")), "no button for a daemon the lab did not start");
  assert.ok(faults.every((f) => !f.active));
});

test("status: holders and leaders named as the topology draws them; faults marked where they hit", () => {
  const v = labView(model, plan, launched, status(), {}, 1000);
  assert.deepEqual(
    v.vips.map((x) => [x.address, x.holder]),
    [["192.168.1.8", "k3s-lb01"]],
    "the database router's address is left out when no database runs",
  );
  assert.match(
    v.checks.find((c) => c.name === "etcd")!.detail,
    /leader k3s-srv03/,
    "the metal host's etcd is k3s-srv03's",
  );
  assert.deepEqual(v.marks, { failed: [], components: [], guestsDown: [] });

  const down = status({
    poweredOff: ["p1", "k3s-lb01", "k3s-srv01"],
    faults: [
      { id: "f1", kind: "host-down", target: "p1", sinceMs: 10 },
      { id: "f2", kind: "kill", target: "k3s-lb02", sinceMs: 5 },
    ],
    vips: status().vips.map((x) => ({ ...x, heldBy: ["k3s-lb02"] })),
    corosync: [
      { node: "p1", error: "powered off" },
      { node: "p2", quorate: true, totalVotes: 1, expectedVotes: 2 },
    ],
  });
  const after = labView(model, plan, launched, down, {}, 2000, new Map([["f2", "kill k3s-lb02:haproxy"]]));
  assert.equal(after.vips[0]!.holder, "k3s-lb02");
  assert.deepEqual(after.marks.failed, ["host:p1"]);
  assert.deepEqual(after.marks.components, ["haproxy@k3s-lb02"]);
  assert.deepEqual(after.marks.guestsDown, ["k3s-lb01", "k3s-srv01"]);
  const active = after.faults.filter((f) => f.active).map((f) => f.id);
  assert.deepEqual(
    active,
    ["host-down p1", "kill k3s-lb02:haproxy"],
    "only the button that injected the kill lights up",
  );
  const fromCli = labView(
    model,
    plan,
    launched,
    status({ faults: [{ id: "f3", kind: "kill", target: "k3s-lb02", detail: "keepalived", sinceMs: 5 }] }),
    {},
    2000,
    new Map(),
  );
  assert.deepEqual(
    fromCli.faults.filter((f) => f.active).map((f) => f.id),
    ["kill k3s-lb02:keepalived"],
    "a kill from the command line names its process: only that button lights up",
  );
  assert.deepEqual(fromCli.marks.components, ["keepalived@k3s-lb02"]);
  assert.equal(
    after.checks.find((c) => c.name === "corosync")!.ok,
    true,
    "a powered-off node does not count against quorum",
  );
});
