// Runs the compiled tests with node's test runner. Arguments narrow the run to files whose path
// contains one of them: `npm test -- spec analyze`. Lab tests need root and the lab's packages;
// they skip themselves (and say why) where those are missing.
import { spawnSync } from "node:child_process";
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";

const root = "dist/test";
const files = [];
const walk = (dir) => {
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p);
    else if (name.endsWith(".test.js")) files.push(p);
  }
};
walk(root);
const filters = process.argv.slice(2);
const selected = filters.length ? files.filter((f) => filters.some((x) => f.includes(x))) : files;
if (selected.length === 0) {
  console.error(`no test files match ${filters.join(", ")}`);
  process.exit(1);
}
const r = spawnSync(
  process.execPath,
  ["--test", "--test-concurrency=1", "--test-reporter=spec", ...selected],
  { stdio: "inherit" },
);
process.exit(r.status ?? 1);
