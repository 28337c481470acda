// How long `hlab lab up` takes for the seed 004 example (8 namespaces, 3 Corosync, 3 etcd, 3 kube-vip
// stand-ins, 3 ingress stand-ins) until the lab is ready: every VIP held once, etcd and Corosync
// quorate. Each run is taken down before the next.
//   npm run build && sudo node dist/bench/lab-up.js [--runs 5] [--spec examples/seed004-three-nodes.yaml]
import { performance } from "node:perf_hooks";
import { percentile } from "../src/lab/measure.js";
import { arg, load, loadVariant, ms, withLab } from "./lab-common.js";

const spec = arg("spec", "examples/seed004-three-nodes.yaml");
const runs = Number(arg("runs", "5"));
const model = loadVariant(spec);
const totals: number[] = [];
const phases = new Map<string, number[]>();
for (let i = 0; i < runs; i++) {
  const t0 = performance.now();
  await withLab(model, spec, {}, async (_state, up) => {
    totals.push(performance.now() - t0);
    for (const p of up.phases) phases.set(p.name, [...(phases.get(p.name) ?? []), p.ms]);
  });
  console.error(`  run ${i + 1}: ready in ${ms(totals[totals.length - 1])}`);
}
const med = (v: number[]): number =>
  percentile(
    [...v].sort((a, b) => a - b),
    0.5,
  );
console.log(`| lab up, ${spec} (${runs} runs) | median | max |`);
console.log("|---|---|---|");
for (const [name, v] of phases) console.log(`| ${name} | ${ms(med(v))} | ${ms(Math.max(...v))} |`);
console.log(`| total until ready | ${ms(med(totals))} | ${ms(Math.max(...totals))} |`);
console.log(`| load average after the runs | ${load()} | |`);
