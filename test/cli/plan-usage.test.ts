// `hlab plan` options a user can get wrong: each is a usage error (exit 2) with the allowed range,
// checked before the spec is loaded, never an internal error or a run without end.
import assert from "node:assert/strict";
import { test } from "node:test";
import { main } from "../../src/cli/main.js";
import { captureIo } from "./capture-io.js";

const io = captureIo;

const SPEC = "examples/seed000-single-node.yaml";

test("plan --simulate and --seed out of range are usage errors naming the range", async () => {
  const cases: [string[], RegExp][] = [
    [["--simulate", "1e12"], /--simulate wants a number of years from 1 to 100000, not `1e12`/],
    [["--simulate", "0"], /from 1 to 100000/],
    [["--simulate", "abc"], /from 1 to 100000, not `abc`/],
    [["--simulate", "--seed", "-1"], /--seed wants a whole number from 0 to 4294967295, not `-1`/],
    [["--simulate", "--seed", "4294967296"], /from 0 to 4294967295/],
    [["--simulate", "--seed", "1.5"], /whole number/],
    [["--seed", "7"], /--seed only seeds the simulator/],
  ];
  for (const [args, message] of cases) {
    const o = io();
    assert.equal(await main(["plan", SPEC, ...args], o), 2, args.join(" "));
    assert.match(o.stderr, message);
    assert.doesNotMatch(o.stderr, /internal error/);
  }
});

test("plan --simulate within range still runs", async () => {
  const o = io();
  assert.notEqual(await main(["plan", SPEC, "--json", "--simulate", "10", "--seed", "42"], o), 2, o.stderr);
});

test("plan --fail with a misspelt name suggests the real one; --fail with --simulate is refused", async () => {
  const spec = "examples/seed004-three-nodes.yaml";
  const o = io();
  assert.equal(await main(["plan", spec, "--fail", "host:pve-1"], o), 2);
  assert.match(o.stderr, /unknown host `pve-1`[^]*did you mean `pve-01`\?/);
  const s = io();
  assert.equal(await main(["plan", spec, "--fail", "host:pve-01", "--simulate"], s), 2);
  assert.match(s.stderr, /--simulate and --seed apply to the plan report, not to --fail/);
});
