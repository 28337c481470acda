// Time of one what-if answer, as the dashboard computes it (src/ui/wiring.ts calls whatIf on the
// loaded model for each request): per example, each host lost alone, after one warm-up request.
//   npm run build && node dist/bench/what-if.js [--runs 5]
// Reports the median and the slowest answer per example; issue 17's target is under 50 ms each.
import { readdirSync } from "node:fs";
import { performance } from "node:perf_hooks";
import { whatIf } from "../src/analyze/what-if.js";
import { loadSpecFile } from "../src/spec/load.js";

const i = process.argv.indexOf("--runs");
const runs = i >= 0 ? Number(process.argv[i + 1]) : 5;
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
let worst = 0;
for (const f of readdirSync("examples")
  .filter((x) => x.endsWith(".yaml"))
  .sort()) {
  const model = (await loadSpecFile(`examples/${f}`)).model;
  if (!model) throw new Error(`examples/${f} does not load`);
  const failures = model.hosts.map((h) => `host:${h.name}`);
  whatIf(model, [failures[0]!]);
  const times: number[] = [];
  for (let r = 0; r < runs; r++)
    for (const fail of failures) {
      const t0 = performance.now();
      whatIf(model, [fail]);
      times.push(performance.now() - t0);
    }
  const max = Math.max(...times);
  worst = Math.max(worst, max);
  console.log(
    `${f.padEnd(26)} ${failures.length} hosts x ${runs}: median ${median(times).toFixed(1)} ms, max ${max.toFixed(1)} ms`,
  );
}
console.log(`slowest what-if answer: ${worst.toFixed(1)} ms`);
