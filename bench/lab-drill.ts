// Restore drills, repeated (issue 13): per example with a database, one lab, then N database
// restore drills (pgBackRest to a TLS repository on another lab machine, every member destroyed)
// and N etcd snapshot restores, each while numbered writes flow. Prints RTO and RPO p50/max beside
// the prediction as a Markdown table for bench/RESULTS.md, and writes the measured recovery figures
// (medians) for `hlab plan --measured`.
//   npm run build && sudo node dist/bench/lab-drill.js [--example seed003-lb-pair] [--runs 5] [--write 15] [--archive-timeout 5] [--out bench/lab-measured-drill-seed003.json]
import { join } from "node:path";
import { writeOwnedFile } from "../src/emit/write.js";
import { drillMeasuredFile } from "../src/lab/drill/drill-defaults.js";
import { rtoVerdict, type DrillReport } from "../src/lab/drill/drill-report.js";
import { drillDatabase } from "../src/lab/drill/restore-database.js";
import { drillEtcd } from "../src/lab/drill/restore-etcd.js";
import { drillArchiveTimeoutMs, drillSnapshotIntervalMs } from "../src/lab/drill/drill-defaults.js";
import { percentile } from "../src/lab/measure.js";
import { readState } from "../src/lab/state.js";
import { arg, load, loadVariant, ms, withLab } from "./lab-common.js";

const example = arg("example", "seed003-lb-pair");
const runs = Number(arg("runs", "5"));
const writeMs = Number(arg("write", "15")) * 1000;
const archiveArg = arg("archive-timeout", "");
const out = arg("out", `bench/lab-measured-drill-${example.split("-")[0]}.json`);
const specPath = join("examples", `${example}.yaml`);
const model = loadVariant(specPath);
const progress = (l: string): void => console.error(`  ${l}`);
const started = Date.now();

const reports = await withLab(
  model,
  specPath,
  { readyTimeoutMs: 180_000, patroni: { ttl: 20, loopWait: 5, retryTimeout: 5 } },
  async (state) => {
    const all: DrillReport[] = [];
    for (const db of state.plan.databases)
      for (let i = 0; i < runs; i++) {
        progress(`database ${db.name}, drill ${i + 1}/${runs}`);
        all.push(
          await drillDatabase((await readState(state.id))!, model, db.name, {
            writeMs,
            archiveTimeoutMs: archiveArg ? Number(archiveArg) * 1000 : drillArchiveTimeoutMs(model, db.name),
            timeoutMs: 180_000,
            progress,
          }),
        );
      }
    if (state.plan.etcd)
      for (let i = 0; i < runs; i++) {
        progress(`etcd, drill ${i + 1}/${runs}`);
        all.push(
          await drillEtcd((await readState(state.id))!, model, {
            writeMs,
            snapshotIntervalMs: drillSnapshotIntervalMs(model),
            timeoutMs: 180_000,
            progress,
          }),
        );
      }
    return all;
  },
);

const p = (xs: number[], q: number): number =>
  percentile(
    [...xs].sort((a, b) => a - b),
    q,
  );
const groups = new Map<string, DrillReport[]>();
for (const r of reports) {
  const key = r.kind === "database" ? `database ${r.database}` : "etcd";
  groups.set(key, [...(groups.get(key) ?? []), r]);
}
console.log(
  `### ${example}: ${runs} restore drills per data store, writes for ${writeMs / 1000} s after each backup (load ${load()})\n`,
);
console.log(
  "| data store | drills ok | RTO p50 / max | predicted RTO | RPO p50 / max | predicted RPO bound | writes lost / acknowledged | lost older than the bound |",
);
console.log("| --- | --- | --- | --- | --- | --- | --- | --- |");
for (const [key, rs] of groups) {
  const rto = rs.map((r) => r.measurement.rtoMs).filter((x): x is number => x !== null);
  const rpo = rs.map((r) => r.measurement.rpoMs);
  const pred = rs[0]!.prediction;
  const lost = rs.reduce((n, r) => n + r.measurement.lost.length, 0);
  const acked = rs.reduce((n, r) => n + r.measurement.acknowledged, 0);
  const inside = rs.reduce((n, r) => n + r.measurement.lostInsideBound.length, 0);
  console.log(
    `| ${key}${rs[0]!.kind === "database" && rs[0]!.standin ? " (pgBackRest as the stand-in for barman-cloud)" : ""} | ${rs.filter((r) => r.verdict.ok).length}/${rs.length} | ${ms(p(rto, 0.5))} / ${ms(Math.max(...rto))} | ${ms(pred.rtoMs)} (${rtoVerdict(p(rto, 0.5), pred.rtoMs).split(":")[0]}) | ${ms(p(rpo, 0.5))} / ${ms(Math.max(...rpo))} | ${ms(pred.rpoMs)} | ${lost} / ${acked} | ${inside} |`,
  );
}
for (const r of reports.filter((x) => !x.verdict.ok))
  console.log(`\n- ${r.kind}: ${r.verdict.problems.join("; ")}`);
const file = drillMeasuredFile(reports, `node dist/bench/lab-drill.js --example ${example} --runs ${runs}`);
await writeOwnedFile(out, JSON.stringify(file, null, 2) + "\n");
console.log(
  `\nmeasured recovery figures (medians): ${JSON.stringify(file.recovery)} -> ${out} (${Math.round((Date.now() - started) / 1000)} s)`,
);
if (reports.some((r) => !r.verdict.ok)) process.exitCode = 1;
