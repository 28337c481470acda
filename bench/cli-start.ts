// Start-up cost of the CLI against a bare node: `hlab check` on an example and `node -e 0`, run
// alternately so both see the same load (the machine is shared), each pair one after the other.
//   npm run build && node dist/bench/cli-start.js [--runs 15] [--spec examples/seed004-three-nodes.yaml] [--bin B]
// Reports both medians (wall) and their ratio; issue 17's target is a ratio of at most 2.
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { run } from "../src/process/run.js";

const args = process.argv.slice(2);
const opt = (name: string, fallback: string): string => {
  const i = args.indexOf(name);
  return i >= 0 && args[i + 1] ? args[i + 1]! : fallback;
};
const runs = Number(opt("--runs", "15"));
const spec = opt("--spec", "examples/seed004-three-nodes.yaml");
// --bin another build's bin.js (e.g. main before a change, built into /tmp) to compare with it.
const bin = opt("--bin", fileURLToPath(new URL("../src/cli/bin.js", import.meta.url)));

async function timed(argv: string[]): Promise<number> {
  const t0 = performance.now();
  const r = await run(process.execPath, argv);
  if (r.code !== 0) throw new Error(`${argv.join(" ")} exited ${r.code}: ${r.stderr}`);
  return performance.now() - t0;
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const hlab: number[] = [];
const bare: number[] = [];
for (let i = 0; i < runs; i++) {
  // Alternate which goes first, so neither always gets the warmer cache.
  if (i % 2) {
    bare.push(await timed(["-e", "0"]));
    hlab.push(await timed([bin, "check", spec]));
  } else {
    hlab.push(await timed([bin, "check", spec]));
    bare.push(await timed(["-e", "0"]));
  }
}
const h = median(hlab);
const b = median(bare);
console.log(`hlab check ${spec}: median ${h.toFixed(0)} ms (${hlab.map((x) => x.toFixed(0)).join(" ")})`);
console.log(`node -e 0: median ${b.toFixed(0)} ms (${bare.map((x) => x.toFixed(0)).join(" ")})`);
console.log(`ratio ${(h / b).toFixed(2)} over ${runs} alternated pairs`);
