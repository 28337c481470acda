// Benchmark of `hlab plan` on a generated spec (default 50 hosts, 200 guests, 500 services):
//   npm run build && node dist/bench/plan-bench.js [hosts guests services]
// Prints the time to load the spec and the time of planModel (median of a few runs), and checks
// that the plan is complete. Wall-clock figures belong here, never in tests.
import { performance } from "node:perf_hooks";
import { planModel } from "../src/analyze/plan.js";
import { loadSpecText } from "../src/spec/load.js";
import { syntheticSpec } from "./generate-spec.js";

const [hosts = 50, guests = 200, services = 500] = process.argv.slice(2).map(Number);
const text = syntheticSpec({ hosts, guests, services });

const t0 = performance.now();
const loaded = loadSpecText(text, "bench.yaml");
const loadMs = performance.now() - t0;
if (!loaded.model) {
  console.error(loaded.diagnostics.slice(0, 5));
  throw new Error("the synthetic spec does not load");
}

const runs: number[] = [];
let report = planModel(loaded.model);
for (let i = 0; i < 5; i++) {
  const t = performance.now();
  report = planModel(loaded.model);
  runs.push(performance.now() - t);
}
runs.sort((a, b) => a - b);
const first = (() => {
  const fresh = loadSpecText(text, "bench.yaml").model!;
  const t = performance.now();
  planModel(fresh);
  return performance.now() - t;
})();
const methods = report.availability.services.reduce<Record<string, number>>(
  (m, s) => ({ ...m, [s.method]: (m[s.method] ?? 0) + 1 }),
  {},
);
console.log(
  `spec: ${hosts} hosts, ${loaded.model.guests.length} guests, ${loaded.model.services.length} services (${text.length} bytes of YAML)`,
);
console.log(`load: ${loadMs.toFixed(0)} ms`);
console.log(
  `plan: median ${runs[2]!.toFixed(0)} ms, min ${runs[0]!.toFixed(0)} ms, max ${runs[4]!.toFixed(0)} ms over 5 runs; cold run ${first.toFixed(0)} ms`,
);
console.log(`services computed: ${JSON.stringify(methods)}; findings: ${report.findings.length}`);
