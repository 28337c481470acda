// Benchmark of `hlab plan` on generated specs (bench/generate-spec.ts). Wall-clock figures belong
// here, never in tests.
//   npm run build && node dist/bench/plan-bench.js [hosts guests services]
//     one size (default 50 200 500): load time, planModel median of 5 (wall and CPU), peak memory
//   node dist/bench/plan-bench.js --sweep [H/G/S ...]
//     each size in a fresh process (so the peak memory is that size's), then the growth exponent:
//     the slope of log(time) against log(size) between the smallest and the largest size
//   node dist/bench/plan-bench.js --old <dist folder> [H/G/S]
//     paired comparison with another build (e.g. main before a change, built into /tmp): old and
//     new planModel alternate on the same spec, 5 pairs
// CPU time is reported beside wall time: on a shared 2-vCPU machine it is the steadier of the two.
import { performance } from "node:perf_hooks";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { planModel } from "../src/analyze/plan.js";
import { run } from "../src/process/run.js";
import { loadSpecText } from "../src/spec/load.js";
import { syntheticSpec } from "./generate-spec.js";

type Plan = (model: never) => { availability: { services: { method: string }[] }; findings: unknown[] };

interface Measured {
  size: string;
  services: number;
  wallMs: number;
  cpuMs: number;
  peakMiB: number;
  methods: Record<string, number>;
  findings: number;
}

const SWEEP = ["50/200/500", "100/400/1000", "200/800/2000", "400/1600/4000"];

function parseSize(text: string): [number, number, number] {
  const parts = text.split(/[/ ]/).map(Number);
  if (parts.length !== 3 || parts.some((n) => !Number.isInteger(n) || n <= 0))
    throw new Error(`size \`${text}\` is not HOSTS/GUESTS/SERVICES`);
  return parts as [number, number, number];
}

function timed<T>(f: () => T): { value: T; wallMs: number; cpuMs: number } {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const value = f();
  const wallMs = performance.now() - t0;
  const c = process.cpuUsage(c0);
  return { value, wallMs, cpuMs: (c.user + c.system) / 1000 };
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

function measure(size: string, runs: number): Measured {
  const [hosts, guests, services] = parseSize(size);
  const text = syntheticSpec({ hosts, guests, services });
  const loaded = loadSpecText(text, "bench.yaml");
  if (!loaded.model) {
    console.error(loaded.diagnostics.slice(0, 5));
    throw new Error("the synthetic spec does not load");
  }
  const wall: number[] = [];
  const cpu: number[] = [];
  let report = planModel(loaded.model);
  for (let i = 0; i < runs; i++) {
    const t = timed(() => planModel(loaded.model!));
    report = t.value;
    wall.push(t.wallMs);
    cpu.push(t.cpuMs);
  }
  const methods: Record<string, number> = {};
  for (const s of report.availability.services) methods[s.method] = (methods[s.method] ?? 0) + 1;
  return {
    size,
    services: report.availability.services.length,
    wallMs: median(wall),
    cpuMs: median(cpu),
    peakMiB: process.resourceUsage().maxRSS / 1024,
    methods,
    findings: report.findings.length,
  };
}

async function sweep(sizes: string[]): Promise<void> {
  const rows: Measured[] = [];
  for (const size of sizes) {
    const r = await run(process.execPath, [process.argv[1]!, "--json", size]);
    if (r.code !== 0) throw new Error(`size ${size} failed: ${r.stderr}`);
    const m = JSON.parse(r.stdout) as Measured;
    rows.push(m);
    console.log(
      `${m.size.padEnd(14)} plan median ${(m.wallMs / 1000).toFixed(2)} s wall, ${(m.cpuMs / 1000).toFixed(2)} s CPU; peak ${m.peakMiB.toFixed(0)} MiB; ${JSON.stringify(m.methods)}; findings ${m.findings}`,
    );
  }
  if (rows.length >= 2) {
    const a = rows[0]!;
    const z = rows[rows.length - 1]!;
    const ratio = parseSize(z.size)[0] / parseSize(a.size)[0];
    const exp = (x: number, y: number): string => (Math.log(y / x) / Math.log(ratio)).toFixed(2);
    console.log(
      `growth exponent ${a.size} -> ${z.size}: ${exp(a.wallMs, z.wallMs)} (wall), ${exp(a.cpuMs, z.cpuMs)} (CPU)`,
    );
  }
}

async function paired(oldDist: string, size: string): Promise<void> {
  const [hosts, guests, services] = parseSize(size);
  const url = (p: string): string => pathToFileURL(resolve(oldDist, p)).href;
  const oldPlan = ((await import(url("src/analyze/plan.js"))) as { planModel: Plan }).planModel;
  const oldLoad = ((await import(url("src/spec/load.js"))) as { loadSpecText: typeof loadSpecText })
    .loadSpecText;
  const text = syntheticSpec({ hosts, guests, services });
  const newModel = loadSpecText(text, "bench.yaml").model!;
  const oldModel = oldLoad(text, "bench.yaml").model!;
  const olds: number[] = [];
  const news: number[] = [];
  for (let i = 0; i < 5; i++) {
    olds.push(timed(() => oldPlan(oldModel as never)).cpuMs);
    news.push(timed(() => planModel(newModel)).cpuMs);
  }
  const o = median(olds);
  const n = median(news);
  console.log(`${size}: old ${olds.map((x) => (x / 1000).toFixed(2)).join(" ")} s CPU`);
  console.log(`${size}: new ${news.map((x) => (x / 1000).toFixed(2)).join(" ")} s CPU`);
  console.log(
    `median old ${(o / 1000).toFixed(2)} s, new ${(n / 1000).toFixed(2)} s: ${(o / n).toFixed(1)}x faster`,
  );
}

const args = process.argv.slice(2);
if (args[0] === "--json") console.log(JSON.stringify(measure(args[1]!, 3)));
else if (args[0] === "--sweep") await sweep(args.length > 1 ? args.slice(1) : SWEEP);
else if (args[0] === "--old") await paired(args[1]!, args[2] ?? "50/200/500");
else {
  const size = args.length ? args.join("/") : "50/200/500";
  const t = timed(() => loadSpecText(syntheticSpec({ ...toSize(size) }), "bench.yaml"));
  const m = measure(size, 5);
  console.log(`spec: ${size} (hosts/guests/services), ${m.services} services planned`);
  console.log(`load: ${t.wallMs.toFixed(0)} ms (generation included)`);
  console.log(
    `plan: median ${m.wallMs.toFixed(0)} ms wall, ${m.cpuMs.toFixed(0)} ms CPU over 5 runs; peak ${m.peakMiB.toFixed(0)} MiB`,
  );
  console.log(`services computed: ${JSON.stringify(m.methods)}; findings: ${m.findings}`);
}

function toSize(size: string): { hosts: number; guests: number; services: number } {
  const [hosts, guests, services] = parseSize(size);
  return { hosts, guests, services };
}
