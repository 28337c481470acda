// Lab ids are claimed machine-wide: an id another lab holds (in any state directory) is never
// handed out again, and a claim whose `lab up` died at once is taken over. Root only (/run).
import assert from "node:assert/strict";
import { existsSync, readFileSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { CLAIM_DIR, claimLabId, releaseLabId } from "../../src/lab/id-claim.js";
import { newLabId } from "../../src/lab/names.js";
import { ownStateDir } from "./harness.js";

const dir = ownStateDir();
const rootOnly = { skip: process.getuid?.() === 0 ? undefined : "claims live under /run (root)" };
const statePathOf = (id: string): string => join(dir, `${id}.json`);

/** An id nobody has claimed, so the test never touches a real lab's claim. */
function unclaimed(): string {
  for (;;) {
    const id = newLabId();
    if (!existsSync(join(CLAIM_DIR, id))) return id;
  }
}

/** Yields `ids` in turn, then fresh unclaimed ones. */
const drawing =
  (...ids: string[]) =>
  (): string =>
    ids.shift() ?? unclaimed();

test("an id claimed by another lab, or with a state file here, is skipped", rootOnly, async () => {
  const held = await claimLabId(() => "/elsewhere/state.json", drawing(unclaimed()));
  const recorded = unclaimed();
  writeFileSync(statePathOf(recorded), "{}");
  try {
    const id = await claimLabId(statePathOf, drawing(held, recorded));
    assert.notEqual(id, held);
    assert.notEqual(id, recorded);
    assert.equal(
      readFileSync(join(CLAIM_DIR, id), "utf8"),
      statePathOf(id),
      "the claim names its state file",
    );
    await releaseLabId(id, statePathOf(id));
    assert.equal(existsSync(join(CLAIM_DIR, id)), false, "released");
    await releaseLabId(held, statePathOf(held));
    assert.equal(existsSync(join(CLAIM_DIR, held)), true, "another lab's claim is never released");
  } finally {
    await releaseLabId(held, "/elsewhere/state.json");
    rmSync(statePathOf(recorded), { force: true });
  }
});

test(
  "a claim left by an `up` that died at once (no state file, no namespace) is taken over",
  rootOnly,
  async () => {
    const id = unclaimed();
    const claim = join(CLAIM_DIR, id);
    writeFileSync(claim, "/nowhere/state.json");
    const old = new Date(Date.now() - 120_000);
    utimesSync(claim, old, old);
    const got = await claimLabId(statePathOf, drawing(id, id));
    assert.equal(got, id);
    await releaseLabId(id, statePathOf(id));
  },
);
