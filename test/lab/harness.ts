// Shared by the lab's integration tests: whether this machine can run them (root and the lab's
// packages, else the tests skip and say why), and the proof that `lab down` left nothing behind.
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readdirSync, rmdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after } from "node:test";
import { runDoctor } from "../../src/lab/doctor.js";
import { ownsLink, ownsNamespace } from "../../src/lab/names.js";
import { linkNames, listNamespaces } from "../../src/lab/netns.js";
import { sameProcess } from "../../src/lab/procfs.js";
import { statePath, type LabState } from "../../src/lab/state.js";

/**
 * Gives the calling test file a lab state directory of its own, so labs anyone else runs on this
 * machine (of the same spec or not) are never listed, selected or taken down by it; lab ids are
 * unique machine-wide, so the namespaces never collide either. Removed at the end when empty; a lab
 * a failed test left behind stays there, and the path is printed to take it down by hand.
 */
export function ownStateDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "hlab-test-labs-"));
  process.env.HLAB_LAB_STATE_DIR = dir;
  after(() => {
    try {
      rmdirSync(dir);
    } catch {
      console.log(
        `# labs left in ${dir}: ${readdirSync(dir).join(", ")} (HLAB_LAB_STATE_DIR=${dir} hlab lab down --lab ID)`,
      );
    }
  });
  return dir;
}

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
