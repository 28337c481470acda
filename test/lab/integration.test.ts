// The lab with the real daemons, as root: seed 003 (keepalived + HAProxy pair, Patroni standing in
// for CloudNativePG) and seed 004 (kube-vip stand-in) each lose the host holding their VIP and then
// see that host's NIC flap. The tests assert behaviour (the VIP moved, no split brain, no
// acknowledged write lost, every outage recovered, nothing left after down), never wall-clock time.
import assert from "node:assert/strict";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { labDown, labUp, recordedAlive } from "../../src/lab/lifecycle.js";
import { runScenario, type LabReport } from "../../src/lab/runner.js";
import { loadScenarioText } from "../../src/lab/scenario.js";
import { listLabs, readState, type LabState } from "../../src/lab/state.js";
import { labStatus, type LabStatus } from "../../src/lab/status.js";
import type { Model } from "../../src/model/model.js";
import { startDaemon } from "../../src/process/run.js";
import { loadSpecFile } from "../../src/spec/load.js";
import { assertNothingLeft, ownStateDir, skipReason } from "./harness.js";

ownStateDir();
const reason = await skipReason();
if (reason) console.log(`# skipping the lab integration tests: ${reason}`);

async function load(file: string): Promise<Model> {
  const r = await loadSpecFile(join("examples", file));
  assert.ok(r.model);
  return r.model;
}

/** Brings a lab up, runs `scenario`, always takes it down, and proves nothing is left. */
async function rehearse(
  file: string,
  scenario: string,
  check?: (status: LabStatus) => void,
): Promise<LabReport> {
  const model = await load(file);
  let state: LabState | undefined;
  let report: LabReport | undefined;
  try {
    const up = await labUp(model, join("examples", file), { readyTimeoutMs: 180_000 });
    state = up.state;
    assert.ok(up.ready, `the lab is ready (waiting for: ${up.waitingFor.join(", ")})`);
    check?.(await labStatus((await readState(state.id))!, recordedAlive));
    const s = loadScenarioText(scenario, "test.yaml", state.plan);
    assert.deepEqual(s.diagnostics, []);
    report = await runScenario((await readState(state.id))!, model, s.scenario!);
  } finally {
    if (state) {
      const latest = (await readState(state.id)) ?? state;
      const down = await labDown(state.id);
      assert.deepEqual(down.leftovers, []);
      await assertNothingLeft(latest);
    }
  }
  return report!;
}

/** Nodes that took the VIP while fault `id` was active. */
function takers(report: LabReport, vip: string, id: string): string[] {
  const f = report.faults.find((x) => x.id === id)!;
  const end = f.atMs + (f.durationMs ?? Infinity);
  return report.vipTimeline
    .filter((e) => e.vip === vip && e.held && e.atMs >= f.atMs && e.atMs <= end)
    .map((e) => e.node);
}

/**
 * No split brain, no lost write, and every outage is over before the end: those the host loss
 * caused, and those after the flapping NIC comes back (where a master that never re-announced the
 * VIP used to leave clients on the backup's MAC until their ARP entry expired).
 */
function assertHealthy(report: LabReport, hostDown: string): void {
  assert.deepEqual(report.splitBrain, [], "no split brain");
  for (const w of report.writes) {
    assert.ok(w.checked, `${w.database}: the table was read back`);
    assert.deepEqual(w.lost, [], `${w.database}: no acknowledged write lost`);
  }
  const fromHostDown = report.outages.filter((o) => o.cause?.fault === hostDown);
  assert.ok(fromHostDown.length > 0, "the probes saw the host loss");
  assert.ok(
    fromHostDown.every((o) => o.recovered),
    "every outage the host loss caused recovered",
  );
  const flap = report.faults.find((f) => f.kind === "nic-flap");
  assert.ok(flap, "the NIC flapped");
  const stuck = report.outages.filter((o) => !o.recovered);
  assert.deepEqual(
    stuck.map((o) => `${o.target} from ${o.startMs} ms`),
    [],
    "every outage recovered, also after the flapping NIC came back",
  );
  assert.ok(
    report.targets.every((t) => t.ok > 0),
    "every probe succeeded at some point",
  );
}

const VIP_HOST_DOWN_THEN_FLAP = (downS: number): string => `
name: host-down-then-nic-flap
warmup: 3s
tail: 8s
steps:
  - { at: 0s, fault: host-down, target: "@holder:ingress", for: ${downS}s }
  - { at: ${downS + 8}s, fault: nic-flap, target: "@holder:ingress", every: 2s, for: 8s }
`;

test(
  "seed 003: the VIP holder's host dies, then its NIC flaps: keepalived moves the VIP, nothing is lost",
  { skip: reason, timeout: 420_000 },
  async () => {
    const report = await rehearse("seed003-lb-pair.yaml", VIP_HOST_DOWN_THEN_FLAP(8), (status) => {
      // What `lab status` and the dashboard read, before any fault.
      assert.equal(status.vips.find((v) => v.address === "192.168.1.8")?.heldBy.length, 1, "one VIP holder");
      assert.ok(status.etcd?.quorum && status.etcd.leader, "etcd has a leader and quorum");
      assert.ok(status.corosync.length > 0 && status.corosync.every((c) => c.quorate), "Corosync is quorate");
      const lb = status.backends.filter((b) => b.node === "k3s-lb01" || b.node === "k3s-lb02");
      assert.equal(lb.length, 18, "both HAProxy report 3 servers in each of their 3 backends");
      assert.ok(
        lb.every((b) => b.status.startsWith("UP")),
        "every backend server is up",
      );
      assert.ok(
        status.processes.every((p) => p.alive),
        "every recorded process runs",
      );
    });
    const [down, flap] = report.faults;
    assert.equal(down?.kind, "host-down");
    const holder = down!.before.holders["192.168.1.8"]![0]!;
    const moved = takers(report, "192.168.1.8", down!.id);
    assert.ok(
      moved.some((n) => n !== holder),
      `another load balancer took 192.168.1.8 (before: ${holder}, took it: ${moved.join(",")})`,
    );
    assert.equal(flap?.kind, "nic-flap");
    assert.ok(
      takers(report, "192.168.1.8", flap!.id).some((n) => n !== flap!.before.holders["192.168.1.8"]![0]),
      "the other load balancer took the VIP while the NIC was down",
    );
    assert.ok(
      report.writes.length === 1 && report.writes[0]!.acknowledged > 0,
      "SQL inserts went through the database VIP",
    );
    assertHealthy(report, down!.id);
  },
);

test(
  "seed 004: the kube-vip holder's host dies, then its NIC flaps: the stand-in's lease moves the VIP",
  { skip: reason, timeout: 300_000 },
  async () => {
    // Longer than kube-vip's lease (15 s) plus its retry jitter, so the lease can expire.
    const report = await rehearse("seed004-three-nodes.yaml", VIP_HOST_DOWN_THEN_FLAP(24));
    const down = report.faults[0]!;
    const holder = down.before.holders["192.168.1.50"]![0]!;
    const moved = takers(report, "192.168.1.50", down.id);
    assert.ok(
      moved.some((n) => n !== holder),
      `another server took 192.168.1.50 (before: ${holder})`,
    );
    assert.ok(
      report.standins.some((s) => s.includes("kube-vip stand-in")),
      "the report names the stand-in",
    );
    assertHealthy(report, down.id);
  },
);

test(
  "seed 003: the VIP holder cut off from every K3s node gives the VIP to its peer (route check), and takes it back",
  { skip: reason, timeout: 300_000 },
  async () => {
    const report = await rehearse(
      "seed003-lb-pair.yaml",
      `
name: lb-cut-off-from-nodes
warmup: 8s
tail: 10s
steps:
  - { at: 0s, fault: partition, groups: [[k3s-lb01], [k3s-srv01, k3s-srv02, k3s-srv03, metal]], for: 12s }
`,
    );
    const cut = report.faults[0]!;
    assert.equal(cut.before.holders["192.168.1.8"]?.[0], "k3s-lb01", "k3s-lb01 held the VIP before");
    assert.ok(
      takers(report, "192.168.1.8", cut.id).includes("k3s-lb02"),
      "k3s-lb02, which still reaches the nodes, took the VIP",
    );
    const after = report.vipTimeline.filter(
      (e) => e.vip === "192.168.1.8" && e.atMs > cut.atMs + cut.durationMs!,
    );
    assert.ok(
      after.some((e) => e.node === "k3s-lb01" && e.held),
      "k3s-lb01 took it back once it could route again",
    );
    assert.deepEqual(report.splitBrain, [], "no split brain");
    assert.deepEqual(
      report.outages.filter((o) => !o.recovered).map((o) => o.target),
      [],
      "every outage recovered",
    );
  },
);

test(
  "lab down after a crashed `lab up` leaves no namespace, bridge, process or file",
  { skip: reason, timeout: 120_000 },
  async () => {
    // Its own run directory identifies the crashed lab among any others running on this machine.
    const dir = join(tmpdir(), `hlab-crash-test-${process.pid}-${Date.now()}`);
    const bin = join(process.cwd(), "dist", "src", "cli", "bin.js");
    const pid = startDaemon(
      process.execPath,
      [bin, "lab", "up", join("examples", "seed004-three-nodes.yaml"), "--dir", dir],
      { logFile: "/dev/null" },
    );
    let id: string | undefined;
    let state: LabState | undefined;
    try {
      // Crash it once etcd is running: namespaces, bridges and daemons exist, the lab is half-made.
      const deadline = Date.now() + 60_000;
      while (Date.now() < deadline) {
        for (const x of await listLabs()) {
          const s = await readState(x);
          if (s?.runDir === dir) [id, state] = [x, s];
        }
        if (state && state.processes.length >= 3) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      process.kill(pid, "SIGKILL");
      assert.ok(state && state.processes.length >= 3, "the crashed up had started daemons");
    } finally {
      try {
        process.kill(pid, "SIGKILL");
      } catch {
        // already gone
      }
      if (id) {
        const latest = (await readState(id)) ?? state!;
        const down = await labDown(id);
        assert.deepEqual(down.leftovers, []);
        await assertNothingLeft(latest);
      }
    }
  },
);
