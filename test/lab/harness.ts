// Shared by the lab's integration tests: whether this machine can run them (root and the lab's
// packages, else the tests skip and say why), and the proof that `lab down` left nothing behind.
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { runDoctor } from "../../src/lab/doctor.js";
import { ownsLink, ownsNamespace } from "../../src/lab/names.js";
import { linkNames, listNamespaces } from "../../src/lab/netns.js";
import { sameProcess } from "../../src/lab/procfs.js";
import { statePath, type LabState } from "../../src/lab/state.js";

let cached: string | undefined | null = null;

/** Undefined when the integration tests can run; else the reason they skip. */
export async function skipReason(): Promise<string | undefined> {
  if (cached !== null) return cached;
  if (process.getuid?.() !== 0)
    cached = "lab integration tests need root (network namespaces, bridges, daemons)";
  else {
    const missing = (await runDoctor())
      .filter((c) => c.required && !c.ok)
      .map((c) => `${c.name}${c.fix ? ` (${c.fix})` : ""}`);
    cached = missing.length
      ? `lab integration tests need: ${missing.join(", ")}; run scripts/setup.sh`
      : undefined;
  }
  return cached;
}

/** Nothing of lab `state` is left: namespace, root link, process, run directory, state file. */
export async function assertNothingLeft(state: Pick<LabState, "id" | "processes" | "runDir">): Promise<void> {
  const namespaces = (await listNamespaces()).filter((ns) => ownsNamespace(state.id, ns));
  assert.deepEqual(namespaces, [], "no namespace of the lab is left");
  const links = (await linkNames()).filter((l) => ownsLink(state.id, l));
  assert.deepEqual(links, [], "no bridge or port of the lab is left");
  for (const p of state.processes)
    assert.equal(await sameProcess(p.pid, p.start), false, `process ${p.key} (${p.pid}) is gone`);
  assert.equal(existsSync(state.runDir), false, "the run directory is removed");
  assert.equal(existsSync(statePath(state.id)), false, "the state file is removed");
}
