// The fidelity matrix (issue 11): per example, each host, guest and host NIC down in turn and each
// pair of hosts, the plan's predicted state of every probed service beside what the lab's probes
// measured. Prints a Markdown table for bench/RESULTS.md.
//   node dist/bench/lab-fidelity.js --example seed004-three-nodes [--window 40] [--only hosts|all]
import { join } from "node:path";
import { downMismatch, stateText } from "../src/lab/fidelity.js";
import { fidelityFaults, runFidelity } from "../src/lab/fidelity-run.js";
import { arg, load, loadVariant, withLab } from "./lab-common.js";

const example = arg("example", "seed004-three-nodes");
const windowMs = Number(arg("window", "40")) * 1000;
const all = arg("only", "hosts") === "all";
const specPath = join("examples", `${example}.yaml`);
const model = loadVariant(specPath);
const faults = fidelityFaults(model, { pairs: true, nics: all, guests: all });

const started = Date.now();
const results = await withLab(model, specPath, { readyTimeoutMs: 180_000 }, (state) =>
  runFidelity(state, model, faults, { windowMs, progress: (l) => console.error(`  ${l}`) }),
);
const rows = results.flatMap((r) => (r.rows ?? []).map((x) => ({ fault: r.label, ...x })));
const downWrong = rows.filter(downMismatch).length;
const stateWrong = rows.filter((r) => !r.stateMatch).length;
const timeWrong = rows.filter((r) => r.stateMatch && !r.timeMatch).length;
console.log(`### ${example}: ${faults.length} faults, window ${windowMs / 1000} s (load ${load()})\n`);
console.log("| fault | probe | plan | lab | |");
console.log("| --- | --- | --- | --- | --- |");
for (const r of rows)
  console.log(
    `| ${r.fault} | ${r.target} | ${stateText(r.planned)} | ${stateText(r.measured)} | ${
      downMismatch(r)
        ? "**down set differs**"
        : !r.stateMatch
          ? "state differs"
          : !r.timeMatch
            ? "time > 20 %"
            : "ok"
    }${r.note ? ` (${r.note})` : ""} |`,
  );
for (const r of results.filter((x) => x.problem || !x.rows))
  console.log(`| ${r.label} | - | ${r.problem ?? "not modelled by the plan"} | | |`);
console.log(
  `\n${rows.length} comparisons: ${downWrong} in the set of services down, ${stateWrong} in state, ${timeWrong} in time (${Math.round((Date.now() - started) / 1000)} s)`,
);
