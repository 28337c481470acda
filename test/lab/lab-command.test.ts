// `hlab lab` at the command line, without a lab: usage errors say what to do, doctor reports in
// JSON. The state directory is a temporary one, so labs running elsewhere on the machine are never
// seen or touched.
import assert from "node:assert/strict";
import { rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { test } from "node:test";
import { main } from "../../src/cli/main.js";
import { captureIo } from "../cli/capture-io.js";
import { labDown } from "../../src/lab/lifecycle.js";
import { listLabs } from "../../src/lab/state.js";
import { ownStateDir, skipReason } from "./harness.js";

const stateDir = ownStateDir();

const io = captureIo;

const asRoot = process.getuid?.() === 0;

test(
  "lab status with no lab up: exit 2 and how to start one",
  { skip: asRoot ? undefined : "the lab commands need root first" },
  async () => {
    const o = io();
    assert.equal(await main(["lab", "status"], o), 2);
    assert.match(o.stderr, /no lab is up/);
    assert.match(o.stderr, /hlab lab up SPEC/);
  },
);

test(
  "lab down with nothing up is a no-op",
  { skip: asRoot ? undefined : "the lab commands need root first" },
  async () => {
    const o = io();
    assert.equal(await main(["lab", "down"], o), 0);
    assert.match(o.stdout, /no lab is up/);
  },
);

test(
  "lab up on a broken spec prints its diagnostics and creates nothing",
  { skip: asRoot ? undefined : "the lab commands need root first" },
  async () => {
    const o = io();
    assert.equal(await main(["lab", "up", "test/lab/no-such-spec.yaml"], o), 1);
    assert.match(o.stderr, /cannot read the spec/);
  },
);

test(
  "without root the lab refuses with a hint",
  { skip: asRoot ? "running as root" : undefined },
  async () => {
    const o = io();
    assert.equal(await main(["lab", "status"], o), 2);
    assert.match(o.stderr, /needs root/);
  },
);

test("lab doctor --json lists each check with why and a fix", async () => {
  const o = io();
  const code = await main(["lab", "doctor", "--json"], o);
  const checks = JSON.parse(o.stdout) as { name: string; ok: boolean; required: boolean; why: string }[];
  assert.ok(checks.some((c) => c.name === "keepalived"));
  assert.ok(checks.every((c) => typeof c.why === "string" && c.why.length > 0));
  assert.equal(code, checks.some((c) => c.required && !c.ok) ? 1 : 0);
});

test(
  "lab up refuses a run directory that exists, before creating anything",
  { skip: asRoot ? undefined : "the lab commands need root first" },
  async () => {
    const o = io();
    assert.equal(await main(["lab", "up", "examples/seed000-single-node.yaml", "--dir", stateDir], o), 2);
    assert.match(o.stderr, /already exists/);
    assert.match(o.stderr, /--dir/);
    const none = io();
    assert.equal(await main(["lab", "status"], none), 2, "no lab was recorded");
  },
);

const rootOnly = { skip: asRoot ? undefined : "the lab commands need root first" };

test(
  "lab chaos: durations out of range or without a unit are usage errors, before any lab is looked up",
  rootOnly,
  async () => {
    for (const [flag, value] of [
      ["--for", "-5s"],
      ["--for", "5"],
      ["--for", "abc"],
      ["--for", "0s"],
      ["--every", "0s"],
      ["--every", "1e400s"],
    ] as const) {
      const o = io();
      assert.equal(await main(["lab", "chaos", "host-down", "p1", flag, value], o), 2, `${flag} ${value}`);
      assert.match(o.stderr, new RegExp(`${flag} wants a duration from .* not \`${value}\``));
      assert.doesNotMatch(o.stderr, /internal error|no lab is up/);
    }
  },
);

test("lab up: a bad --timeout, --skip or --patroni is refused before anything starts", rootOnly, async () => {
  const spec = "examples/seed000-single-node.yaml";
  const cases: [string[], RegExp][] = [
    [["--timeout", "forever"], /--timeout wants a duration from 1s to 1h/],
    [["--skip", "etc"], /no daemon kind `etc`[^]*did you mean `etcd`/],
    [["--patroni", "ttl=x"], /--patroni: cannot read `ttl=x`/],
  ];
  for (const [args, message] of cases) {
    const o = io();
    assert.equal(await main(["lab", "up", spec, ...args], o), 2, args.join(" "));
    assert.match(o.stderr, message);
  }
  const none = io();
  assert.equal(await main(["lab", "status"], none), 2, "no lab was recorded");
});

test("--lab takes a lab id only, never a path", rootOnly, async () => {
  for (const cmd of [["status"], ["down"], ["chaos", "restore"]]) {
    const o = io();
    assert.equal(await main(["lab", ...cmd, "--lab", "../../etc/passwd"], o), 2, cmd.join(" "));
    assert.match(o.stderr, /`..\/..\/etc\/passwd` is not a lab id/);
  }
});

test(
  "lab up twice for one spec: the second names the lab that is up and refuses, exit 2, unless --again",
  { skip: await skipReason() },
  async (t) => {
    const spec = "examples/seed000-single-node.yaml";
    const first = io();
    await main(["lab", "up", spec, "--json", "--timeout", "60s"], first);
    const ids = await listLabs();
    t.after(async () => {
      // Only the lab this test started, by its id.
      for (const id of ids) await labDown(id);
    });
    assert.equal(ids.length, 1, first.stderr);
    const id = ids[0]!;
    assert.equal((JSON.parse(first.stdout) as { id: string }).id, id);

    const second = io();
    assert.equal(await main(["lab", "up", spec], second), 2);
    assert.match(second.stderr, new RegExp(`a lab of ${spec} is up: ${id} \\(since `));
    assert.match(second.stderr, /--again/);
    assert.deepEqual(await listLabs(), [id], "no second lab");

    // --again passes that check (and here stops at the next one: a run directory that exists).
    const again = io();
    assert.equal(await main(["lab", "up", spec, "--again", "--dir", stateDir], again), 2);
    assert.match(again.stderr, /already exists/);
    assert.deepEqual(await listLabs(), [id]);
  },
);

test("an unreadable state file is a usage error naming it, not an internal error", rootOnly, async () => {
  const file = join(stateDir, "hl9f9f.json");
  writeFileSync(file, "{cut short");
  try {
    for (const cmd of [["status"], ["down", "--lab", "hl9f9f"]]) {
      const o = io();
      assert.equal(await main(["lab", ...cmd], o), 2, cmd.join(" "));
      assert.match(o.stderr, /the state file of lab hl9f9f .* cannot be read/);
    }
  } finally {
    rmSync(file, { force: true });
  }
});

/** A state file for a lab that created nothing, so `lab down` of it only removes the file. */
function fakeLab(id: string, spec: string, startedFrom?: string[]): string {
  const file = join(stateDir, `${id}.json`);
  const state = {
    version: 1,
    id,
    spec: resolve(spec),
    createdAt: "2026-12-03T07:00:00.000Z",
    startedFrom,
    runDir: join(stateDir, `run-${id}`),
    ownsRunDir: false,
    keepLogs: false,
    phase: "up",
    namespaces: [],
    rootLinks: [],
    processes: [],
    launches: [],
    faults: [],
    poweredOff: [],
    adjustments: [],
  };
  writeFileSync(file, JSON.stringify(state));
  return file;
}

const SEED3 = "examples/seed003-lb-pair.yaml";
const SEED4 = "examples/seed004-three-nodes.yaml";
const SEED0 = "examples/seed000-single-node.yaml";

test(
  "status, down and chaos name a lab by its spec; none or several matching say which labs are up",
  rootOnly,
  async (t) => {
    t.after(async () => {
      for (const id of await listLabs()) if (id.startsWith("hlf")) rmSync(join(stateDir, `${id}.json`));
    });
    fakeLab("hlf003", SEED3);
    fakeLab("hlf004", SEED4);
    for (const cmd of [
      ["status", SEED0],
      ["down", SEED0],
      ["chaos", SEED0, "host-down", "pve"],
    ]) {
      const o = io();
      assert.equal(await main(["lab", ...cmd], o), 2, cmd.join(" "));
      assert.match(o.stderr, /no lab of examples\/seed000-single-node.yaml is up/);
      assert.match(
        o.stderr,
        /labs up: hlf003 \(examples\/seed003-lb-pair.yaml, up since [^)]+\); hlf004 \(examples\/seed004/,
      );
    }
    const o = io();
    assert.equal(await main(["lab", "chaos", SEED3], o), 2);
    assert.match(o.stderr, /after the spec examples\/seed003-lb-pair.yaml, name the fault/);

    const down = io();
    assert.equal(await main(["lab", "down", `./${SEED3}`], down), 0, down.stderr);
    assert.match(down.stdout, /lab hlf003: nothing to remove/);
    assert.deepEqual(await listLabs(), ["hlf004"], "only the lab of that spec went");

    fakeLab("hlf005", SEED4);
    const two = io();
    assert.equal(await main(["lab", "status", SEED4], two), 2);
    assert.match(two.stderr, /2 labs of examples\/seed004-three-nodes.yaml are up: hlf004, hlf005/);
    assert.match(two.stderr, /--lab ID/);
    const both = io();
    assert.equal(await main(["lab", "down", SEED4, "--lab", "hlf004"], both), 2);
    assert.match(both.stderr, /by its spec or by --lab ID, not both/);
  },
);

test(
  "down --all: labs this shell did not start are listed, and removed only after yes (terminal) or --yes (script)",
  rootOnly,
  async (t) => {
    t.after(async () => {
      for (const id of await listLabs()) if (id.startsWith("hla")) rmSync(join(stateDir, `${id}.json`));
    });
    // A session no shell here has: another terminal's lab.
    fakeLab("hla001", SEED3, ["999999999:34816"]);
    fakeLab("hla002", SEED4);

    const script = io();
    assert.equal(await main(["lab", "down", "--all"], script), 2);
    assert.match(
      script.stderr,
      /--all would remove 2 labs this shell did not start:\n {2}hla001 \(examples\/seed003-lb-pair.yaml/,
    );
    assert.match(script.stderr, /--yes/);
    assert.deepEqual(await listLabs(), ["hla001", "hla002"], "nothing removed");

    const questions: string[] = [];
    const no = Object.assign(io(), { ask: async (q: string) => (questions.push(q), "n") });
    assert.equal(await main(["lab", "down", "--all"], no), 1);
    assert.match(no.stderr, /this shell did not start 2 labs:\n {2}hla001 [^\n]*\n {2}hla002/);
    assert.match(no.stderr, /nothing removed/);
    assert.deepEqual(questions, ["remove all 2 labs? [y/N] "]);
    assert.deepEqual(await listLabs(), ["hla001", "hla002"]);

    const yes = Object.assign(io(), { ask: async () => "y" });
    assert.equal(await main(["lab", "down", "--all"], yes), 0);
    assert.match(yes.stdout, /lab hla001: nothing to remove\nlab hla002: nothing to remove/);
    assert.deepEqual(await listLabs(), []);

    fakeLab("hla003", SEED3);
    const forced = io();
    assert.equal(await main(["lab", "down", "--all", "--yes"], forced), 0);
    assert.match(forced.stdout, /lab hla003/);
    assert.deepEqual(await listLabs(), []);
  },
);

test(
  "lab chaos --background without --for is a usage error, before any lab is looked up",
  rootOnly,
  async () => {
    const o = io();
    assert.equal(await main(["lab", "chaos", "host-down", "p1", "--background"], o), 2);
    assert.match(o.stderr, /--background needs --for/);
    assert.doesNotMatch(o.stderr, /no lab is up/);
  },
);
