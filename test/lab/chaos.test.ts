import assert from "node:assert/strict";
import { test } from "node:test";
import { isUserError, type UserError } from "../../src/diagnostic/user-error.js";
import { parseFaultArgs } from "../../src/lab/chaos.js";
import { labPlan } from "../../src/lab/lab-plan.js";
import { loadScenarioFile } from "../../src/lab/scenario.js";
import { loadSpecFile } from "../../src/spec/load.js";

const plan = async (): Promise<ReturnType<typeof labPlan>> =>
  labPlan((await loadSpecFile("examples/seed003-lb-pair.yaml")).model!, "hl0abc");

test("faults read from the command line", async () => {
  const p = await plan();
  assert.deepEqual(parseFaultArgs(p, "host-down", ["p1"], {}), {
    kind: "host-down",
    target: "p1",
    process: undefined,
    iface: undefined,
    everyMs: undefined,
    forMs: undefined,
    percent: undefined,
  });
  assert.equal(parseFaultArgs(p, "kill", ["k3s-lb01:keepalived"], {}).process, "keepalived");
  assert.equal(parseFaultArgs(p, "kill", ["k3s-srv03:postgres"], {}).target, "k3s-srv03");
  assert.equal(parseFaultArgs(p, "nic-flap", ["p1:eth0"], { everyMs: 2000 }).iface, "eth0");
  assert.deepEqual(parseFaultArgs(p, "partition", ["p1", "p2,metal"], {}).groups, [["p1"], ["p2", "metal"]]);
  assert.equal(parseFaultArgs(p, "freeze", ["k3s-srv01"], {}).process, undefined);
});

/** The user error a fault on this plan is refused with; fails the test when it is accepted. */
const refusal =
  (p: Awaited<ReturnType<typeof plan>>) =>
  (kind: string, targets: string[], opts = {}): UserError => {
    try {
      parseFaultArgs(p, kind, targets, opts);
    } catch (err) {
      assert.ok(isUserError(err) && err.code === "bad-fault", String(err));
      return err;
    }
    throw new Error(`expected ${kind} ${targets.join(" ")} to be refused`);
  };

test("fault mistakes say what would be right", async () => {
  const p = await plan();
  const fails = refusal(p);
  assert.match(fails("host-dwn", ["p1"]).hint, /host-down/);
  assert.match(fails("host-down", ["p9"]).message, /unknown host or guest `p9`/);
  assert.match(fails("host-down", ["k3s-lb01"]).hint, /guest-down|host-down p1/);
  assert.match(fails("kill", ["k3s-lb01"]).message, /needs a process/);
  assert.match(fails("kill", ["k3s-lb01:etcd"]).hint, /haproxy|keepalived/);
  assert.match(fails("loss", ["p1"]).message, /--percent/);
  assert.match(fails("partition", ["p1"]).message, /two groups/);
});

test("faults that would do nothing are refused, naming what exists", async () => {
  const p = await plan();
  const fails = refusal(p);
  const noNic = fails("nic-flap", ["p1:nosuchnic"], { everyMs: 2000 });
  assert.match(noNic.message, /p1 has no NIC `nosuchnic`/);
  assert.match(noNic.hint, /eth0/);
  assert.match(fails("link-down", ["p1:eht0"]).hint, /its NICs: `eth0`/);
  assert.match(fails("partition", ["p1", "p1"]).message, /^`p1`.* would be on both sides/);
  assert.match(fails("partition", ["p1", "p2,p1"]).message, /both sides/);
  assert.match(fails("partition", [",", "p2"]).message, /each side/);
  assert.match(fails("host-down", ["p1:eth0"]).message, /takes a host or guest, not `p1:eth0`/);
  assert.match(fails("kill", ["k3s-lb01:keepalived:x"]).message, /not `k3s-lb01:keepalived:x`/);
});

test("a scenario file is read only up to the spec size limit", async () => {
  const r = await loadScenarioFile("/dev/zero", await plan());
  assert.equal(r.diagnostics[0]?.code, "HL040");
  assert.match(r.diagnostics[0]!.message, /the scenario is larger than 4 MiB/);
});
