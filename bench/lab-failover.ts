// Failover benchmark of the load balancer pair, one run, side by side: seed 003's own configuration
// (VRRPv2 advert 1 s, HAProxy inter 2000 fall 2 rise 2: the `seed003` profile) against hlab's
// `balanced` and `fast` profiles, each under the same schedule on the seed 003 example: the host
// holding the VIP dies N times (10 s each), then that host's NIC flaps (5 s down, 5 s up, 30 s).
//   npm run build && sudo node dist/bench/lab-failover.js [--profiles seed003,balanced,fast] [--host-downs 6] [--measured-dir DIR] [--reports-dir DIR]
// Prints a markdown table for bench/RESULTS.md and, with --measured-dir, writes each profile's
// measured timings for `hlab plan --measured`.
import { join } from "node:path";
import { writeOwnedFile } from "../src/emit/write.js";
import { measuredTimings } from "../src/lab/measured-file.js";
import { percentile } from "../src/lab/measure.js";
import { runScenario, type LabReport } from "../src/lab/runner.js";
import type { Scenario } from "../src/lab/scenario.js";
import { FailoverCosts } from "../src/analyze/failover-costs.js";
import { arg, load, loadVariant, ms, withLab } from "./lab-common.js";

const SPEC = "examples/seed003-lb-pair.yaml";
const profiles = arg("profiles", "seed003,balanced,fast").split(",");
const hostDowns = Number(arg("host-downs", "6"));
const measuredDir = arg("measured-dir", "");
const reportsDir = arg("reports-dir", "");

function schedule(n: number): Scenario {
  const events: Scenario["events"] = [];
  for (let i = 0; i < n; i++)
    events.push({ at: i * 25_000, step: 0, fault: "host-down", target: "@holder:ingress", forMs: 10_000 });
  events.push({
    at: n * 25_000,
    step: 1,
    fault: "nic-flap",
    target: "@holder:ingress",
    everyMs: 5000,
    forMs: 30_000,
  });
  return { name: `host-down x${n} + nic-flap 5 s`, warmupMs: 5000, tailMs: 15_000, events };
}

interface Row {
  profile: string;
  predictedMs: number;
  hostLoss: number[];
  flapDown: number[];
  flapUp: number[];
  restore: number[];
  unavailability: number;
  splitBrain: number;
  handoverMaxMs: number;
  load: string;
  report: LabReport;
}

const sorted = (v: number[]): number[] => [...v].sort((a, b) => a - b);
const triple = (v: number[]): string =>
  v.length
    ? `${ms(percentile(sorted(v), 0.5))} / ${ms(percentile(sorted(v), 0.95))} / ${ms(Math.max(...v))} (n=${v.length})`
    : "-";

const rows: Row[] = [];
for (const profile of profiles) {
  const model = loadVariant(SPEC, (t) => t.replace(/profile: \w+/, `profile: ${profile}`));
  const lb = model.loadBalancers[0]!;
  console.error(
    `# ${profile}: VRRPv${lb.vrrp.version} advert ${lb.vrrp.advertMs} ms, inter ${lb.healthCheck.interMs} fall ${lb.healthCheck.fall} rise ${lb.healthCheck.rise}`,
  );
  const row = await withLab(
    model,
    SPEC,
    { skip: ["db"], progress: (l) => console.error(`  ${l}`) },
    async (state) => {
      const report = await runScenario(state, model, schedule(hostDowns), {
        progress: (l) => console.error(`  ${l}`),
      });
      const through = (kind: string): number[] =>
        report.faults
          .filter((f) => f.kind === kind)
          .flatMap((f) =>
            f.rows
              .filter((r) => r.predicted?.timing === "vrrp.failover" && r.measuredMs !== null)
              .map((r) => r.measuredMs!),
          );
      const viaVip = report.targets.filter((t) => t.vip === lb.vip);
      return {
        profile,
        predictedMs: Math.round(new FailoverCosts(model).vrrpTakeover(lb)),
        hostLoss: through("host-down"),
        flapDown: report.faults
          .filter((f) => f.kind === "nic-flap")
          .flatMap((f) =>
            f.rows
              .filter((r) => r.measuredMs !== null && r.target.startsWith("http:"))
              .map((r) => r.measuredMs!),
          ),
        flapUp: report.faults
          .filter((f) => f.kind === "nic-flap")
          .flatMap((f) =>
            f.rows
              .filter((r) => r.afterRestoreMs !== null && r.target.startsWith("http:"))
              .map((r) => r.afterRestoreMs!),
          ),
        restore: report.faults
          .filter((f) => f.kind === "host-down")
          .flatMap((f) =>
            f.rows
              .filter((r) => r.afterRestoreMs !== null && r.target.startsWith("http:"))
              .map((r) => r.afterRestoreMs!),
          ),
        unavailability: 1 - viaVip.reduce((a, t) => a + t.ok, 0) / viaVip.reduce((a, t) => a + t.probes, 0),
        splitBrain: report.splitBrain.length,
        handoverMaxMs: report.handovers.maxMs,
        load: load(),
        report,
      };
    },
  );
  rows.push(row);
  if (reportsDir)
    await writeOwnedFile(
      join(reportsDir, `lab-failover-${profile}.json`),
      JSON.stringify(row.report, null, 1) + "\n",
    );
  if (measuredDir) {
    const file = join(measuredDir, `lab-measured-${profile}.json`);
    await writeOwnedFile(
      file,
      JSON.stringify(
        measuredTimings(row.report, `node dist/bench/lab-failover.js (profile ${profile})`),
        null,
        2,
      ) + "\n",
    );
    console.error(`  wrote ${file}`);
  }
}

const col = (f: (r: Row) => string): string => rows.map(f).join(" | ");
console.log(`| seed 003 example, ${hostDowns} host losses + NIC flap | ${col((r) => r.profile)} |`);
console.log(`|---|${rows.map(() => "---").join("|")}|`);
console.log(`| VRRP takeover the plan predicts (backup priority 100) | ${col((r) => ms(r.predictedMs))} |`);
console.log(`| failover on host loss, p50 / p95 / max (VIP probes) | ${col((r) => triple(r.hostLoss))} |`);
console.log(
  `| host back (failback): longest outage, p50 / p95 / max (HTTP probes) | ${col((r) => triple(r.restore))} |`,
);
console.log(`| NIC flap, NIC down: longest outage (HTTP probes) | ${col((r) => triple(r.flapDown))} |`);
console.log(`| NIC flap, NIC back: longest outage (HTTP probes) | ${col((r) => triple(r.flapUp))} |`);
console.log(
  `| unavailability ratio through the VIP (whole run) | ${col((r) => `${(r.unavailability * 100).toFixed(2)} %`)} |`,
);
console.log(
  `| split brain | ${col((r) => (r.splitBrain ? `${r.splitBrain} episode${r.splitBrain > 1 ? "s" : ""}` : "none"))} |`,
);
console.log(`| longest handover overlap | ${col((r) => ms(r.handoverMaxMs))} |`);
console.log(`| load average after the run (1/5/15 min) | ${col((r) => r.load)} |`);
