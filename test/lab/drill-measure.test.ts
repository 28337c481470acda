import assert from "node:assert/strict";
import { test } from "node:test";
import { archivedBound, checkPointInTime, measureRestore } from "../../src/lab/drill/drill-measure.js";
import { walDistance } from "../../src/lab/drill/restore-database.js";
import type { ProbeRecord } from "../../src/lab/probe-target.js";

/** A write every 100 ms from t=0, acknowledged 10 ms after it started; `down` after the disaster. */
const writes = (n: number, disasterAt: number, backAt: number): ProbeRecord[] =>
  Array.from({ length: n }, (_, k) => {
    const s = k * 100;
    const ok = s < disasterAt - 10 || s >= backAt ? 1 : 0;
    return { i: 0, s, d: 10, ok, q: k + 1 };
  });

test("RPO is the age of the oldest lost acknowledged write; RTO the disaster to the next acknowledged one", () => {
  const recs = writes(60, 3000, 5000);
  // The restore brought back writes 1-25 (acknowledged up to 2410 ms).
  const m = measureRestore({ writes: recs, disasterAt: 3000, present: (q) => q <= 25, boundAt: 2000 });
  assert.equal(m.acknowledged, 30);
  assert.deepEqual(m.lost, [26, 27, 28, 29, 30]);
  assert.equal(m.rpoMs, 3000 - 2510);
  assert.equal(m.newestLostAgeMs, 3000 - 2910);
  assert.deepEqual(m.lostInsideBound, []);
  assert.equal(m.rtoMs, 5010 - 3000);
});

test("a lost write acknowledged before the archived bound is reported", () => {
  const m = measureRestore({
    writes: writes(40, 3000, 3500),
    disasterAt: 3000,
    present: (q) => q <= 10,
    boundAt: 2000,
  });
  assert.deepEqual(m.lostInsideBound, [11, 12, 13, 14, 15, 16, 17, 18, 19, 20]);
});

test("the archived bound is the last wal probe still inside the last archived file", () => {
  const wal = (s: number, w: string, a?: string): ProbeRecord => ({ i: 1, s, d: 5, ok: 1, w, a });
  const recs = [
    wal(0, "000000010000000000000005", "000000010000000000000004"),
    wal(250, "000000010000000000000005", "000000010000000000000004"),
    wal(500, "000000010000000000000006", "000000010000000000000005"),
    wal(750, "000000010000000000000006", "000000010000000000000005"),
  ];
  assert.equal(archivedBound(recs, 1000), 250);
  assert.equal(archivedBound(recs, 400), undefined, "nothing archived yet that was current in the window");
  assert.equal(archivedBound([], 1000), undefined);
});

test("a point-in-time restore must bring back exactly the writes before the target", () => {
  const recs = writes(50, 4000, 4500);
  const good = checkPointInTime(recs, 2005, 4000, (q) => q <= 20 || q > 45);
  assert.equal(good.before, 20);
  assert.deepEqual(good.missingBefore, []);
  assert.deepEqual(good.presentAfter, [], "writes made after the restore do not count");
  assert.equal(good.inFlight, 1);
  const bad = checkPointInTime(recs, 2005, 4000, (q) => q <= 25);
  assert.deepEqual(bad.presentAfter, [22, 23, 24, 25]);
});

test("WAL distance counts 16 MiB segments", () => {
  assert.equal(walDistance("000000010000000000000009", "00000001000000000000000B"), 2 * 16 * 1024 * 1024);
  assert.equal(walDistance("0000000100000000000000FF", "000000010000000100000000"), 16 * 1024 * 1024);
});
