// The restore drill with the real tools, as root, on seed 003 (Patroni standing in for CloudNativePG,
// pgBackRest standing in for its barman-cloud backups): a full backup to a pgBackRest TLS server on
// another lab machine while numbered writes flow, every member destroyed, a restore. Asserted: the
// RPO bound (no acknowledged write older than the last archived WAL is lost, and the loss window is
// within the predicted bound), a write acknowledged again, and the prediction corrected from the
// measurement matching it within 30 % (the defaults are guesses; the measured figures replace them).
import assert from "node:assert/strict";
import { join } from "node:path";
import { test } from "node:test";
import { predictDatabaseRestore } from "../../src/lab/drill/prediction.js";
import { drillDatabase } from "../../src/lab/drill/restore-database.js";
import { drillEtcd } from "../../src/lab/drill/restore-etcd.js";
import { rtoVerdict } from "../../src/lab/drill/drill-report.js";
import { labDown, labUp } from "../../src/lab/lifecycle.js";
import { readState, type LabState } from "../../src/lab/state.js";
import { hasCommand } from "../../src/process/run.js";
import { loadSpecFile } from "../../src/spec/load.js";
import { assertNothingLeft, ownStateDir, skipReason } from "./harness.js";

ownStateDir();
const reason =
  (await skipReason()) ?? ((await hasCommand("pgbackrest")) ? undefined : "pgbackrest is not installed");
if (reason) console.log(`# skipping the restore drill: ${reason}`);

test(
  "seed 003: restore drills keep every write older than the last archived WAL (database) or the snapshot (etcd)",
  { skip: reason },
  async () => {
    const spec = join("examples", "seed003-lb-pair.yaml");
    const r = await loadSpecFile(spec);
    assert.ok(r.model);
    let state: LabState | undefined;
    try {
      const up = await labUp(r.model, spec, {
        readyTimeoutMs: 180_000,
        patroni: { ttl: 20, loopWait: 5, retryTimeout: 5 },
      });
      state = up.state;
      assert.ok(up.ready, `the lab is ready (waiting for: ${up.waitingFor.join(", ")})`);
      const report = await drillDatabase((await readState(state.id))!, r.model, "app-db", {
        writeMs: 8000,
        archiveTimeoutMs: 3000,
        timeoutMs: 120_000,
      });
      const m = report.measurement;
      assert.ok(m.acknowledged > 50, "writes flowed before the disaster");
      assert.ok(m.boundAt !== undefined, "a WAL file was archived before the disaster");
      assert.deepEqual(
        m.lostInsideBound,
        [],
        "no acknowledged write older than the last archived WAL is lost",
      );
      assert.ok(
        m.rpoMs <= report.prediction.rpoMs,
        `RPO ${m.rpoMs} ms within the bound ${report.prediction.rpoMs} ms`,
      );
      assert.ok(m.rtoMs !== null, "a write is acknowledged through the service address after the restore");
      assert.equal(report.repository.node, "p1", "the repository is on a machine running no member");
      const corrected = predictDatabaseRestore({
        archiveTimeoutMs: report.archiveTimeoutMs,
        backupBytes: report.backup.bytes,
        walBytes: report.walBytes,
        figures: report.measured,
      });
      console.log(
        `# RTO ${m.rtoMs} ms; default prediction ${report.prediction.rtoMs} ms: ${rtoVerdict(m.rtoMs, report.prediction.rtoMs)}; corrected ${corrected.rtoMs} ms`,
      );
      assert.ok(
        Math.abs(corrected.rtoMs - m.rtoMs!) <= 0.3 * m.rtoMs!,
        `the prediction from the measured figures (${corrected.rtoMs} ms) is within 30 % of the RTO (${m.rtoMs} ms)`,
      );
      assert.ok(report.verdict.ok, report.verdict.problems.join("; "));

      // The datastore next, on the same lab: a snapshot, every member destroyed, a snapshot restore.
      const e = await drillEtcd((await readState(state.id))!, r.model, {
        writeMs: 3000,
        snapshotIntervalMs: 21_600_000,
        timeoutMs: 60_000,
      });
      assert.ok(e.measurement.acknowledged > 20, "API writes flowed before the disaster");
      assert.deepEqual(
        e.measurement.lostInsideBound,
        [],
        "no write acknowledged before the snapshot is lost",
      );
      assert.ok(e.measurement.lost.length > 0, "writes made after the snapshot are lost: the RPO is real");
      assert.ok(e.measurement.rtoMs !== null, "the API takes writes again after the restore");
      assert.ok(e.verdict.ok, e.verdict.problems.join("; "));
    } finally {
      if (state) {
        const latest = (await readState(state.id)) ?? state;
        const down = await labDown(state.id);
        assert.deepEqual(down.leftovers, []);
        await assertNothingLeft(latest);
      }
    }
  },
);
