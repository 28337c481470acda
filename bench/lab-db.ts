// Database failover benchmark: the seed 003 example (CloudNativePG, 3 instances, synchronous: true;
// the lab runs Patroni as its stand-in), the primary's host dies N times while a probe inserts a
// numbered row every 50 ms through the database VIP. Every acknowledged insert must still be there.
//   npm run build && sudo node dist/bench/lab-db.js [--failovers 20] [--patroni ttl=20,loop_wait=5,retry_timeout=5] [--down 30] [--interval 60] [--report FILE]
import { writeOwnedFile } from "../src/emit/write.js";
import { percentile } from "../src/lab/measure.js";
import { runScenario } from "../src/lab/runner.js";
import type { Scenario } from "../src/lab/scenario.js";
import { dbStatus } from "../src/lab/status.js";
import { arg, load, loadVariant, ms, withLab } from "./lab-common.js";

const SPEC = "examples/seed003-lb-pair.yaml";
const failovers = Number(arg("failovers", "20"));
const downS = Number(arg("down", "30"));
const intervalS = Number(arg("interval", "60"));
const patroniArg = arg("patroni", "ttl=20,loop_wait=5,retry_timeout=5");
const reportFile = arg("report", "");
const patroni = Object.fromEntries(
  patroniArg.split(",").map((kv) => {
    const [k, v] = kv.split("=");
    return [k === "loop_wait" ? "loopWait" : k === "retry_timeout" ? "retryTimeout" : k!, Number(v)];
  }),
);

const scenario: Scenario = {
  name: `primary host down x${failovers}`,
  warmupMs: 5000,
  tailMs: 20_000,
  events: Array.from({ length: failovers }, (_, i) => ({
    at: i * intervalS * 1000,
    step: 0,
    fault: "host-down" as const,
    target: "@primary:app-db",
    forMs: downS * 1000,
  })),
};

const model = loadVariant(SPEC);
await withLab(model, SPEC, { patroni, progress: (l) => console.error(`  ${l}`) }, async (state) => {
  const report = await runScenario(state, model, scenario, { progress: (l) => console.error(`  ${l}`) });
  const final = (await dbStatus(state.plan))[0]?.primary;
  const primaries = [...report.faults.map((f) => f.before.primaries["app-db"]), final];
  const changed = primaries.slice(1).filter((p, i) => p !== undefined && p !== primaries[i]).length;
  const sql = report.faults
    .flatMap((f) =>
      f.rows.filter((r) => r.target === "sql:app-db" && r.measuredMs !== null).map((r) => r.measuredMs!),
    )
    .sort((a, b) => a - b);
  const w = report.writes[0]!;
  if (reportFile) await writeOwnedFile(reportFile, JSON.stringify(report, null, 1) + "\n");
  console.log(`| seed 003 example, synchronous, Patroni ${patroniArg} | value |`);
  console.log("|---|---|");
  console.log(`| primary host losses / primary changed | ${report.faults.length} / ${changed} |`);
  console.log(
    `| SQL outage per failover, p50 / p95 / max | ${ms(percentile(sql, 0.5))} / ${ms(percentile(sql, 0.95))} / ${ms(sql[sql.length - 1])} (n=${sql.length}) |`,
  );
  console.log(`| plan's prediction (cnpg.failover) | ${ms(model.timings["cnpg.failover"])} |`);
  console.log(
    `| inserts acknowledged / lost | ${w.acknowledged} / ${w.checked ? w.lost.length : "not checked"} |`,
  );
  console.log(
    `| split brain on the VIPs | ${report.splitBrain.length ? report.splitBrain.length : "none"} |`,
  );
  console.log(`| load average after the run | ${load()} |`);
  if (!w.checked || w.lost.length) process.exitCode = 1;
});
