// Corosync's quorum in the lab against the plan's arithmetic (src/topology/corosync-quorum.ts): the
// real corosync on the generated corosync.conf, only the Proxmox cluster's daemons started, one host
// powered off. Root only; each test lasts a few of corosync's token timeouts.
import assert from "node:assert/strict";
import { join } from "node:path";
import { test } from "node:test";
import { PROXMOX_QUORUM } from "../../src/analyze/dependency-graph.js";
import { planModel } from "../../src/analyze/plan.js";
import { applyFault } from "../../src/lab/chaos.js";
import { qnetdNode } from "../../src/lab/lab-plan.js";
import { labDown, labUp, waitFor } from "../../src/lab/lifecycle.js";
import { readState, type LabState } from "../../src/lab/state.js";
import { corosyncStatus, type CorosyncStatus } from "../../src/lab/status.js";
import type { Model } from "../../src/model/model.js";
import { hasCommand } from "../../src/process/run.js";
import { loadSpecFile } from "../../src/spec/load.js";
import { assertNothingLeft, ownStateDir, skipReason } from "./harness.js";

ownStateDir();
const reason = await skipReason();
const qdeviceTools = (await hasCommand("corosync-qnetd")) && (await hasCommand("corosync-qdevice"));

/** The QDevice test also needs Debian's corosync-qnetd and corosync-qdevice. */
function qdeviceSkip(): string | undefined {
  return (
    reason ?? (qdeviceTools ? undefined : "needs corosync-qnetd and corosync-qdevice (scripts/setup.sh)")
  );
}

/** Every daemon kind but the cluster's own: the quorum is all this measures. */
const NOT_CLUSTER = ["etcd", "kubevip-standin", "keepalived", "haproxy", "ingress-standin", "db"];

interface Seen {
  model: Model;
  survivors: CorosyncStatus[];
}

/** Brings up the spec's Proxmox cluster alone, powers `host` off, and reads corosync on the others. */
async function powerOff(file: string, host: string): Promise<Seen> {
  const model = (await loadSpecFile(file)).model!;
  let state: LabState | undefined;
  try {
    const up = await labUp(model, file, { skip: NOT_CLUSTER, readyTimeoutMs: 60_000, again: true });
    state = up.state;
    assert.ok(up.ready, `the lab is ready (waiting for: ${up.waitingFor.join(", ")})`);
    await applyFault(state.id, { kind: "host-down", target: host });
    const q = state.plan.corosync!;
    const deviceUp = q.device !== undefined && qnetdNode(state.plan) !== host;
    // The votes a survivor counts once its membership has dropped the host (token, then consensus).
    const votes =
      q.voters.filter((v) => v.name !== host).reduce((s, v) => s + v.votes, 0) +
      (deviceUp ? q.device!.votes : 0);
    let survivors: CorosyncStatus[] = [];
    await waitFor(async () => {
      survivors = (await corosyncStatus((await readState(state!.id))!)).filter((c) => c.node !== host);
      return survivors.every((c) => c.totalVotes === votes);
    }, 30_000);
    return { model, survivors };
  } finally {
    if (state) {
      const latest = (await readState(state.id)) ?? state;
      assert.deepEqual((await labDown(state.id)).leftovers, []);
      await assertNothingLeft(latest);
    }
  }
}

/** What corosync-quorumtool said on each survivor equals what the plan predicts for losing `host`. */
function assertAgrees({ model, survivors }: Seen, host: string): void {
  const plan = planModel(model).availability.services.find((s) => s.name === PROXMOX_QUORUM)!;
  const outcome = plan.hostFailures.find((o) => o.failed.includes(`host:${host}`));
  const planQuorate = outcome?.status !== "down";
  assert.ok(survivors.length > 0, "corosync runs on the other nodes");
  for (const c of survivors) {
    assert.equal(c.error, undefined, `${c.node}: ${c.error}`);
    assert.ok(c.planned, `${c.node}: lab status carries the plan's figure`);
    assert.equal(c.quorate, planQuorate, `${c.node} quorate as the plan says (${JSON.stringify(c)})`);
    assert.equal(c.planned.quorate, planQuorate, `${c.node}: lab status and plan agree`);
    assert.equal(c.quorumVotes, c.planned.quorumVotes, `${c.node}: corosync's quorum is the plan's`);
    assert.equal(c.expectedVotes, c.planned.expectedVotes, `${c.node}: expected votes are the plan's`);
  }
}

test(
  "seed 003, two Proxmox nodes (two_node): p1 powered off, p2 stays quorate with quorum 1, as the plan says",
  { skip: reason, timeout: 120_000 },
  async () => {
    const seen = await powerOff(join("examples", "seed003-lb-pair.yaml"), "p1");
    assertAgrees(seen, "p1");
    assert.equal(seen.survivors[0]!.quorate, true);
    assert.equal(seen.survivors[0]!.quorumVotes, 1);
  },
);

test(
  "a QDevice (real corosync-qnetd on pi, corosync-qdevice on each node): p1 powered off, p2 keeps quorum 2 of 3, as the plan says",
  { skip: qdeviceSkip(), timeout: 120_000 },
  async () => {
    const seen = await powerOff(join("test", "fixtures", "lab", "two-nodes-qdevice.yaml"), "p1");
    assertAgrees(seen, "p1");
    assert.equal(seen.survivors[0]!.quorate, true);
    assert.equal(seen.survivors[0]!.totalVotes, 2, "p2's vote and the QDevice's");
  },
);
