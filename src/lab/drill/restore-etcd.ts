// `hlab lab drill restore etcd`: while numbered writes flow through the Kubernetes API address (the
// API stand-in writes each to etcd), save a snapshot over the network from another lab machine
// (`etcdctl snapshot save`, what `k3s etcd-snapshot save` does inside K3s), destroy every member
// (etcd killed, its data directory removed), restore each member from the snapshot and start them
// again, and measure RTO and RPO.
//
// Tools: etcd 3.4 (Debian's etcd-client 3.4.23) has no etcdutl (it came in 3.5), so the restore is
// `etcdctl snapshot restore` with --name, --data-dir, --initial-cluster, --initial-cluster-token and
// --initial-advertise-peer-urls (etcd-io/etcd etcdctl/ctlv3/command/snapshot_command.go, v3.4.23).
// A restored store keeps the snapshot's revision, so the value the snapshot held is read back at
// that revision even after new writes.
import { mkdir, rm } from "node:fs/promises";
import { join } from "node:path";
import type { Model } from "../../model/model.js";
import { restart } from "../chaos.js";
import type { LabPlan } from "../lab-plan.js";
import { signalRecorded } from "../launcher.js";
import { waitFor } from "../lifecycle.js";
import { execIn } from "../netns.js";
import { probeTargets } from "../probe-target.js";
import { etcdStatus } from "../status.js";
import { readState, updateState, type LabState } from "../state.js";
import { measureRestore, type RestoreMeasurement } from "./drill-measure.js";
import { DrillError, mustSucceed, sleep, startWriter } from "./drill-common.js";
import { KUBERNETES_DATASTORE } from "../../analyze/recovery.js";
import { planPrediction } from "./plan-prediction.js";
import { predictEtcdRestore, type RestorePrediction } from "./prediction.js";

export interface EtcdDrillOptions {
  writeMs: number;
  /** The snapshot schedule's interval: the RPO bound the plan predicts. */
  snapshotIntervalMs: number;
  timeoutMs: number;
  progress?: (line: string) => void;
}

export interface EtcdDrillReport {
  kind: "etcd";
  lab: string;
  tool: string;
  snapshot: {
    node: string;
    from: string;
    path: string;
    bytes: number;
    revision: number;
    ms: number;
    note: string;
  };
  disasterAt: number;
  destroyed: string[];
  phases: { name: string; ms: number }[];
  measurement: RestoreMeasurement;
  prediction: RestorePrediction;
  measured: Record<string, number>;
  verdict: { ok: boolean; problems: string[] };
}

const PEER_PORT = 2380;
/** The key the API stand-in writes `PUT /hlab/kv/probe` to (standins/ingress.ts API_KEY_PREFIX; that file runs when imported). */
const KEY = "/hlab/api/probe";

/** The machine that keeps the snapshots: the first host running no etcd member, else a guest. */
function snapshotNode(plan: LabPlan): string | undefined {
  const members = new Set(plan.etcd?.members.map((m) => m.node));
  for (const kind of ["host", "guest"] as const) {
    const n = plan.nodes.find(
      (x) => x.kind === kind && !members.has(x.name) && x.ifaces.some((i) => i.address),
    );
    if (n) return n.name;
  }
  return undefined;
}

export async function drillEtcd(
  state: LabState,
  model: Model,
  opts: EtcdDrillOptions,
): Promise<EtcdDrillReport> {
  const say = opts.progress ?? ((): void => undefined);
  const plan = state.plan;
  const etcd = plan.etcd;
  if (!etcd || !state.launches.some((l) => l.kind === "etcd"))
    throw new DrillError(
      "the lab runs no etcd",
      "a spec with K3s servers on embedded etcd (or a database) has one",
    );
  const write = probeTargets(plan, { endpoint: model.kubernetes?.api.endpoint }, {}, () => "").find(
    (t) => t.kind === "api-write",
  );
  if (!write)
    throw new DrillError(
      "the lab has no API address to write through",
      "the drill writes through the K3s API (embedded etcd)",
    );
  const node = snapshotNode(plan);
  if (!node)
    throw new DrillError("no lab machine outside the etcd members can keep the snapshot", "add a host");
  const ns = (n: string): string => plan.nodes.find((x) => x.name === n)!.namespace;
  const endpoints = etcd.members.map((m) => `http://${m.address}:2379`).join(",");
  const dir = join(state.runDir, "nodes", node, "etcd-snapshots");
  await mkdir(dir, { recursive: true });
  const runDir = join(state.runDir, "drills", `etcd-${Date.now()}`);
  const writer = await startWriter(state, runDir, [{ ...write, numbered: true }]);
  try {
    say(`numbered writes flowing through the API address ${write.address}:${write.port} every 50 ms`);
    await sleep(2000);
    const path = join(dir, `snapshot-${Date.now()}.db`);
    // etcdctl saves from one member: the leader, as K3s's etcd-snapshot does from the server it runs on.
    const leader = (await etcdStatus(plan))?.leader;
    const from = etcd.members.find((m) => m.node === leader) ?? etcd.members[0]!;
    const t0 = Date.now();
    mustSucceed(
      await execIn(
        ns(node),
        "etcdctl",
        ["--endpoints", `http://${from.address}:2379`, "snapshot", "save", path],
        60_000,
      ),
      "etcdctl snapshot save",
      "etcd must have quorum: `hlab lab status`",
    );
    const saved = Date.now();
    const st = JSON.parse(
      mustSucceed(
        await execIn(ns(node), "etcdctl", ["snapshot", "status", path, "-w", "json"]),
        "etcdctl snapshot status",
        "",
      ).stdout,
    ) as { revision: number; totalSize: number };
    say(`snapshot saved on ${node} in ${((saved - t0) / 1000).toFixed(1)} s (revision ${st.revision})`);
    await sleep(opts.writeMs);

    const disasterAt = Date.now();
    const current = (await readState(state.id))!;
    const keys = current.launches.filter((l) => l.kind === "etcd").map((l) => l.key);
    await Promise.all(
      current.processes.filter((p) => keys.includes(p.key)).map((p) => signalRecorded(p, "SIGKILL")),
    );
    await sleep(100);
    for (const m of etcd.members)
      await rm(join(state.runDir, "etcd", m.node), { recursive: true, force: true });
    const destroyed = etcd.members.map((m) => m.node);
    say(`disaster: etcd on ${destroyed.join(", ")} killed, data directories removed`);
    const phases: { name: string; ms: number }[] = [];
    const mark = (name: string): void => {
      phases.push({ name, ms: Date.now() - disasterAt });
      say(`${name} (+${((Date.now() - disasterAt) / 1000).toFixed(1)} s)`);
    };
    const cluster = etcd.members.map((m) => `${m.node}=http://${m.address}:${PEER_PORT}`).join(",");
    await Promise.all(
      etcd.members.map(async (m) =>
        mustSucceed(
          await execIn(
            ns(m.node),
            "etcdctl",
            [
              "snapshot",
              "restore",
              path,
              "--name",
              m.node,
              "--data-dir",
              join(state.runDir, "etcd", m.node),
              "--initial-cluster",
              cluster,
              "--initial-cluster-token",
              plan.id,
              "--initial-advertise-peer-urls",
              `http://${m.address}:${PEER_PORT}`,
            ],
            60_000,
          ),
          `etcdctl snapshot restore on ${m.node}`,
          "see the lab's logs",
        ),
      ),
    );
    mark("snapshot restored into every member's data directory");
    await updateState(state.id, (s) => restart(s, keys));
    mark("etcd started on every member");
    const firstWrite = await waitFor(
      async () => (await writer.records())[0]!.some((r) => r.ok && r.s >= disasterAt),
      opts.timeoutMs,
      200,
    );
    if (firstWrite) mark("first write acknowledged through the API address");
    await sleep(300);
    await writer.stop();
    const records = (await writer.records())[0]!;
    const got = await execIn(
      ns(etcd.members[0]!.node),
      "etcdctl",
      ["--endpoints", endpoints, "get", KEY, `--rev=${st.revision}`, "--print-value-only"],
      10_000,
    );
    const restored = Number(got.stdout.trim() || "0");
    const measurement = measureRestore({
      writes: records,
      disasterAt,
      present: (q) => q <= restored,
      boundAt: t0,
    });
    const prediction =
      planPrediction(model, KUBERNETES_DATASTORE, { bytes: st.totalSize }) ??
      predictEtcdRestore({ snapshotIntervalMs: opts.snapshotIntervalMs });
    const problems: string[] = [];
    if (got.code !== 0) problems.push(`could not read the restored value: ${got.stderr.trim()}`);
    if (measurement.rtoMs === null) problems.push("no write was acknowledged after the restore");
    if (measurement.lostInsideBound.length)
      problems.push(
        `${measurement.lostInsideBound.length} writes acknowledged before the snapshot were lost`,
      );
    if (measurement.rpoMs > prediction.rpoMs)
      problems.push(`RPO ${measurement.rpoMs} ms exceeds the predicted bound ${prediction.rpoMs} ms`);
    return {
      kind: "etcd",
      lab: state.id,
      tool: "etcdctl snapshot restore (etcd 3.4: no etcdutl)",
      snapshot: {
        node,
        from: `${from.node} (${from.address})`,
        path,
        bytes: st.totalSize,
        revision: st.revision,
        ms: saved - t0,
        note: `each member read the snapshot from ${node}'s directory on this machine's one disk (a real restore copies it to each server first)`,
      },
      disasterAt,
      destroyed,
      phases,
      measurement,
      prediction,
      // The plan's figure for the datastore's restore and restart (K3s's cluster reset); the lab
      // measures etcd's own (no K3s around it), said in docs/lab.md.
      measured: measurement.rtoMs !== null ? { "k3s.clusterReset": measurement.rtoMs } : {},
      verdict: { ok: problems.length === 0, problems },
    };
  } finally {
    await writer.stop().catch(() => undefined);
  }
}
