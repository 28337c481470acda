import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { parseMeasured } from "../../src/analyze/failover-costs.js";
import {
  copyAfter,
  dataServices,
  KUBERNETES_DATASTORE,
  predictRecovery,
  recoveryOverrides,
} from "../../src/analyze/recovery.js";
import { cronWorstGapMs } from "../../src/model/cron.js";
import type { Model } from "../../src/model/model.js";
import { loadSpecText } from "../../src/spec/load.js";

const SEED003 = readFileSync("examples/seed003-lb-pair.yaml", "utf8");

/** Seed 003 without its backups, with the database's policy and destinations given here. */
function withBackups(extra: string, dbBackups: string): Model {
  const text = SEED003.replace(/^ {2}etcdSnapshots: .*\n/m, "")
    .replace(
      /^databases:\n {2}app-db:\n( {4}.*\n)+/m,
      `databases:\n  app-db: { engine: cloudnative-pg, instances: 3, synchronous: true, storage: 10GiB, backups: ${dbBackups} }\n`,
    )
    .replace(/^backups:\n( {2}.*\n)+/m, "");
  const r = loadSpecText(`${text}\n${extra}`, "inline.yaml");
  assert.deepEqual(
    r.diagnostics.filter((d) => d.severity === "error").map((d) => `${d.code} ${d.path} ${d.message}`),
    [],
  );
  return r.model!;
}

const NAS = `backups:
  destinations:
    nas: { kind: s3, url: s3://hlab/app-db, endpoint: "https://nas.home.arpa:9000", host: metal, throughput: 100MiB/s }
    b2: { kind: s3, url: s3://offsite-hlab/app-db, offsite: true }
`;

test("cron worst gaps: every 6 h, daily, weekdays only, monthly", () => {
  assert.equal(cronWorstGapMs("0 */6 * * *"), 6 * 3_600_000);
  assert.equal(cronWorstGapMs("@daily"), 86_400_000);
  assert.equal(cronWorstGapMs("0 3 * * mon-fri"), 3 * 86_400_000);
  assert.equal(cronWorstGapMs("0 0 1 * *"), 31 * 86_400_000);
  assert.equal(cronWorstGapMs("not a cron"), undefined);
});

test("a database with WAL archiving: RPO is archive_timeout + push, RTO is read + replay + bootstrap + start", () => {
  const model = withBackups(NAS, '{ schedule: "0 3 * * *", to: nas, archiveTimeout: 60s }');
  const p = predictRecovery(model, "app-db")!;
  assert.equal(p.kind, "database");
  assert.equal(p.best?.mechanism, "cnpg-barman-cloud");
  assert.equal(p.rpoMs, 60_000 + 10_000);
  const terms = Object.fromEntries(p.best!.rtoTerms.map((t) => [t.detail.split(":")[0], t.ms]));
  // 10 GiB at the destination's 100 MiB/s; a day of WAL (1 GiB) at 50 MiB/s.
  assert.equal(terms["base backup"], 102_400);
  assert.equal(terms["WAL since the last base backup"], Math.round((1024 / 50) * 1000));
  assert.equal(
    p.rtoMs,
    p.best!.rtoTerms.reduce((a, t) => a + t.ms, 0),
  );
  assert.deepEqual(p.best!.hosts, ["metal"]);
});

test("measured figures replace the defaults, the way failover timings are replaced", () => {
  const model = withBackups(NAS, '{ schedule: "0 3 * * *", to: nas }');
  const m = parseMeasured({
    source: "drill",
    recovery: { "postgres.start": 2000, "restore.throughput.s3": 200 },
  });
  assert.ok(typeof m !== "string");
  const p = predictRecovery(model, "app-db", recoveryOverrides(m))!;
  const start = p.best!.rtoTerms.find((t) => t.figures.some((f) => f.name === "postgres.start"))!;
  assert.equal(start.ms, 2000);
  assert.match(start.figures[0]!.source, /^measured \(drill\)/);
  assert.equal(p.best!.rtoTerms[0]!.figures[0]!.value, 200);
  assert.equal(p.rpoMs, 300_000 + 10_000, "archive_timeout defaults to CloudNativePG's 5min");
  assert.match(String(parseMeasured({ recovery: { nope: 1 } })), /unknown recovery figure/);
});

test("the K3s datastore: local snapshots on every server, and the upload that outlives the site", () => {
  const model = withBackups(NAS, '{ schedule: "0 3 * * *", to: nas }');
  const p = predictRecovery(model, KUBERNETES_DATASTORE)!;
  assert.equal(p.kind, "datastore");
  assert.equal(p.rpoMs, 6 * 3_600_000);
  assert.deepEqual(
    p.copies.map((c) => c.hosts.join()),
    ["p1", "p2", "metal"].sort(),
    "one local copy per server host",
  );
  assert.equal(copyAfter(p, { hosts: new Set(), gear: new Set(), site: true }), undefined);
  assert.ok(copyAfter(p, { hosts: new Set(["p1"]), gear: new Set(), site: false }));
});

test("data-bearing services: the datastore, each database, each service with a volume", () => {
  const model = withBackups(NAS, '{ schedule: "0 3 * * *", to: nas }');
  assert.deepEqual(dataServices(model).slice(0, 2), [KUBERNETES_DATASTORE, "app-db"]);
  const offsite = withBackups(NAS, '{ schedule: "0 3 * * *", to: b2 }');
  const p = predictRecovery(offsite, "app-db")!;
  assert.ok(copyAfter(p, { hosts: new Set(), gear: new Set(), site: true }), "offsite survives the site");
});

test("the older bare destination URL still works, as a destination of unknown place", () => {
  const model = withBackups("", '{ schedule: "0 3 * * *", destination: "s3://bucket/app-db" }');
  const p = predictRecovery(model, "app-db")!;
  assert.equal(p.best?.locationKnown, false);
  assert.equal(model.databases[0]!.backups?.destination, "s3://bucket/app-db");
});

test("seed 004 and seed 003 plans show RPO and RTO for every data-bearing service", async () => {
  const { loadSpecFile } = await import("../../src/spec/load.js");
  const { planModel } = await import("../../src/analyze/plan.js");
  for (const file of ["examples/seed004-three-nodes.yaml", "examples/seed003-lb-pair.yaml"]) {
    const r = planModel((await loadSpecFile(file)).model!);
    assert.ok(r.recovery.services.length > 0, file);
    for (const p of r.recovery.services) {
      assert.notEqual(p.rpoMs, null, `${file} ${p.name} has an RPO`);
      assert.notEqual(p.rtoMs, null, `${file} ${p.name} has an RTO`);
    }
    assert.deepEqual(
      r.findings.filter((d) => ["HL150", "HL151", "HL153", "HL154"].includes(d.code)).map((d) => d.message),
      [],
    );
  }
});

test("held back: the backup destination on a host of the database is flagged at the policy line", async () => {
  const { loadSpecFile } = await import("../../src/spec/load.js");
  const { planModel } = await import("../../src/analyze/plan.js");
  const file = "test/fixtures/plan/seed003-backup-same-host.yaml";
  const r = planModel((await loadSpecFile(file)).model!);
  const hit = r.findings.find((d) => d.code === "HL150" && d.path === "databases.app-db.backups.to");
  assert.ok(hit, JSON.stringify(r.findings.map((d) => [d.code, d.path])));
  const line =
    readFileSync(file, "utf8")
      .split("\n")
      .findIndex((l) => l.includes("to: nas, retention")) + 1;
  assert.equal(hit.line, line);
});

test("what-if: losing the whole site says what comes back from offsite, and from when", async () => {
  const { loadSpecFile } = await import("../../src/spec/load.js");
  const { whatIf } = await import("../../src/analyze/what-if.js");
  const model = (await loadSpecFile("examples/seed003-lb-pair.yaml")).model!;
  const site = whatIf(model, ["site"]);
  const db = site.data!.find((d) => d.name === "app-db")!;
  assert.equal(db.status, "restored");
  assert.equal(db.destination, "offsite");
  assert.equal(site.data!.find((d) => d.name === KUBERNETES_DATASTORE)!.status, "lost");
  const oneHost = whatIf(model, ["host:p1"]);
  assert.ok(
    oneHost.data!.every((d) => d.status === "intact"),
    "replicas elsewhere keep every copy",
  );
});
