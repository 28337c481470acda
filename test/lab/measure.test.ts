import assert from "node:assert/strict";
import { test } from "node:test";
import {
  attribute,
  flapIntervals,
  lostWrites,
  outages,
  parseMonitor,
  parseProbeLog,
  percentile,
  splitBrain,
  stats,
} from "../../src/lab/measure.js";
import type { ProbeRecord } from "../../src/lab/probe-target.js";

const probes = (pattern: string, start = 1000, every = 50): ProbeRecord[] =>
  [...pattern].map((c, k) => ({
    i: 0,
    s: start + k * every,
    d: 5,
    ok: c === "." ? 1 : 0,
    e: c === "." ? undefined : "timeout",
  }));

test("an outage lasts from the first failed probe to the next good one", () => {
  const recs = probes("..xxx..x.");
  const o = outages("http:a", recs, 2000);
  assert.deepEqual(
    o.map((x) => [x.start, x.end, x.ms, x.failedProbes, x.recovered]),
    [
      [1100, 1250, 150, 3, true],
      [1350, 1400, 50, 1, true],
    ],
  );
});

test("an outage still open when the run ends is flagged unrecovered", () => {
  const o = outages("sql:db", probes("..xx"), 1500);
  assert.equal(o.length, 1);
  assert.equal(o[0]!.recovered, false);
  assert.equal(o[0]!.ms, 1500 - 1100);
});

test("percentiles use the nearest rank", () => {
  const s = [100, 200, 300, 400, 500, 600, 700, 800, 900, 1000];
  assert.equal(percentile(s, 0.5), 500);
  assert.equal(percentile(s, 0.95), 1000);
  assert.deepEqual(stats([3, 1, 2]), { count: 3, p50: 2, p95: 3, max: 3 });
  assert.deepEqual(stats([]), { count: 0, p50: 0, p95: 0, max: 0 });
});

test("an outage is blamed on the latest fault before it (a probe in flight counts)", () => {
  const moments = [
    { fault: "f1", phase: "inject" as const, at: 1000 },
    { fault: "f1", phase: "restore" as const, at: 5000 },
  ];
  const base = { target: "t", end: 0, ms: 0, recovered: true, failedProbes: 1 };
  assert.equal(attribute({ ...base, start: 990 }, moments)?.fault, "f1");
  assert.equal(attribute({ ...base, start: 5200 }, moments)?.phase, "restore");
  assert.equal(attribute({ ...base, start: -500 }, moments), undefined);
});

test("split brain: two reachable holders at once; a powered-off holder does not count", () => {
  const window = { start: 0, end: 10_000 };
  const events = [
    { t: 1000, node: "b", vip: "v", held: true },
    { t: 1300, node: "a", vip: "v", held: false },
  ];
  // a still held the VIP when b took it: 300 ms of two holders.
  const sb = splitBrain("v", ["a"], events, new Map(), window);
  assert.deepEqual(
    sb.map((s) => [s.start, s.end, s.nodes]),
    [[1000, 1300, ["a", "b"]]],
  );
  // a was powered off from 900: its stale address answers nobody.
  const none = splitBrain("v", ["a"], events, new Map([["a", [{ start: 900, end: 2000 }]]]), window);
  assert.deepEqual(none, []);
  // a comes back at 2000 still holding it (it never let go): split brain from then on.
  const back = splitBrain(
    "v",
    ["a"],
    [{ t: 1000, node: "b", vip: "v", held: true }],
    new Map([["a", [{ start: 900, end: 2000 }]]]),
    window,
  );
  assert.deepEqual(
    back.map((s) => [s.start, s.end]),
    [[2000, 10_000]],
  );
});

test("lost writes are acknowledged sequence numbers missing from the table", () => {
  const recs: ProbeRecord[] = [
    { i: 0, s: 1, d: 1, ok: 1, q: 1 },
    { i: 0, s: 2, d: 1, ok: 0, q: 2 },
    { i: 0, s: 3, d: 1, ok: 1, q: 3 },
  ];
  assert.deepEqual(lostWrites("db", recs, new Set([1, 2, 3])), {
    database: "db",
    acknowledged: 2,
    checked: true,
    lost: [],
  });
  assert.deepEqual(lostWrites("db", recs, new Set([1])).lost, [3]);
  // An unacknowledged write that made it is no loss; an unreadable table is "not checked".
  assert.equal(lostWrites("db", recs, undefined).checked, false);
});

test("ip monitor lines become holder events (local time, milliseconds)", () => {
  const text = [
    "[2026-11-22T02:17:59.125576] 2: lan    inet 192.168.1.50/32 scope global lan",
    "       valid_lft forever preferred_lft forever",
    "[2026-11-22T02:17:59.428757] Deleted 2: lan    inet 192.168.1.50/32 scope global lan",
  ].join("\n");
  const ev = parseMonitor("k3s-1", text);
  assert.equal(ev.length, 2);
  assert.deepEqual(
    ev.map((e) => [e.vip, e.held, e.node]),
    [
      ["192.168.1.50", true, "k3s-1"],
      ["192.168.1.50", false, "k3s-1"],
    ],
  );
  assert.equal(ev[1]!.t - ev[0]!.t, 303);
  assert.equal(ev[0]!.t, new Date("2026-11-22T02:17:59.125").getTime());
});

test("probe logs skip anything that is not a probe line; flaps become down intervals", () => {
  assert.equal(
    parseProbeLog('{"i":0,"s":1,"d":2,"ok":1}\nnode: warning\n{"i":0,"s":2,"d":2,"ok":0,"e":"x"}\n{"i":')
      .length,
    2,
  );
  assert.deepEqual(
    flapIntervals(
      [
        { t: 10, up: false },
        { t: 20, up: true },
        { t: 30, up: false },
      ],
      50,
    ),
    [
      { start: 10, end: 20 },
      { start: 30, end: 50 },
    ],
  );
});
