import assert from "node:assert/strict";
import { test } from "node:test";
import { fmtMs, renderReport, renderStatus, table } from "../../src/lab/report.js";
import type { LabReport } from "../../src/lab/runner.js";
import type { LabStatus } from "../../src/lab/status.js";

test("tables align columns and durations read naturally", () => {
  assert.equal(table(["a", "bb"], [["xxx", "y"]]), "a    bb\n---  --\nxxx  y");
  assert.deepEqual([fmtMs(51), fmtMs(3612), fmtMs(17_050), fmtMs(null)], ["51 ms", "3.61 s", "17.1 s", "-"]);
});

test("a run report names the stand-ins, the plan beside the measurement, split brain and lost writes", () => {
  const stats = { count: 1, p50: 650, p95: 650, max: 650 };
  const report: LabReport = {
    lab: "hl0abc",
    spec: "/x/seed003.yaml",
    model: "k3s-lab",
    scenario: { name: "s" },
    startedAt: "2026-01-01T00:00:00.000Z",
    durationMs: 30_000,
    standins: ["ingress stand-in (Traefik; API stand-in on servers)"],
    targets: [
      {
        id: "http:blog",
        vip: "192.168.1.8",
        probes: 600,
        ok: 587,
        availability: 587 / 600,
        outages: 1,
        longestMs: 650,
      },
    ],
    outages: [{ target: "http:blog", ms: 650, recovered: true, failedProbes: 13, startMs: 5000 }],
    failover: { overall: stats, byTarget: { "http:blog": stats }, byFault: { "host-down": stats } },
    faults: [
      {
        id: "f1",
        kind: "host-down",
        target: "p1",
        requested: "@holder:ingress",
        description: "powered off p1",
        atMs: 5000,
        durationMs: 10_000,
        before: { holders: {}, primaries: {} },
        rows: [
          {
            target: "http:blog",
            predicted: {
              target: "http:blog",
              ms: 722,
              partial: false,
              timing: "vrrp.failover",
              because: "VRRPv3 takeover",
            },
            measuredMs: 650,
            outages: 1,
            afterRestoreMs: 51,
            outAtRestore: false,
          },
        ],
      },
    ],
    skipped: [],
    splitBrain: [],
    vipTimeline: [],
    handovers: { count: 1, maxMs: 12 },
    writes: [{ database: "app-db", acknowledged: 580, checked: true, lost: [] }],
    verdict: { ok: true, problems: [] },
  };
  const text = renderReport(report, false);
  assert.match(text, /stand-ins: ingress stand-in/);
  assert.match(text, /http:blog +722 ms +650 ms +51 ms +VRRPv3 takeover/);
  assert.match(text, /split brain: none \(1 handovers/);
  assert.match(text, /580 acknowledged, none lost/);
  assert.match(text, /verdict: ok/);
});

test("status shows a VIP held twice as such", () => {
  const status: LabStatus = {
    id: "hl0abc",
    model: "m",
    phase: "up",
    poweredOff: [],
    faults: [],
    vips: [
      {
        address: "192.168.1.8",
        purposes: ["lb:edge"],
        movedBy: "keepalived",
        standin: false,
        heldBy: ["lb1", "lb2"],
      },
    ],
    corosync: [{ node: "p1", quorate: true, totalVotes: 2, expectedVotes: 2 }],
    databases: [],
    backends: [],
    processes: [],
  };
  const text = renderStatus(status, false);
  assert.match(text, /lb1 AND lb2/);
  assert.match(text, /corosync p1: quorate \(2\/2 votes\)/);
});
