// Shared by the lab benchmarks: load a variant of an example, run a lab for the duration of a
// function and always take it down, and say how busy the machine was (figures from a loaded
// machine are worth less, and RESULTS.md says so).
import { mkdtempSync, readdirSync, readFileSync, rmdirSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { labDown, labUp, type UpOptions, type UpResult } from "../src/lab/lifecycle.js";
import { readState, type LabState } from "../src/lab/state.js";
import type { Model } from "../src/model/model.js";
import { loadSpecText } from "../src/spec/load.js";

/**
 * Each bench run keeps its labs in a state directory of its own: a lab of the same example that
 * someone has up on this machine neither blocks it (`a lab of ... is up`) nor sees its labs in
 * `hlab lab status`. Lab ids are unique machine-wide, so the namespaces never collide.
 */
const benchStateDir = mkdtempSync(join(tmpdir(), "hlab-bench-labs-"));
process.env.HLAB_LAB_STATE_DIR = benchStateDir;
process.on("exit", () => {
  try {
    rmdirSync(benchStateDir);
  } catch {
    console.error(`labs left in ${benchStateDir}: ${readdirSync(benchStateDir).join(", ")}`);
  }
});

export function loadVariant(path: string, edit: (text: string) => string = (t) => t): Model {
  const r = loadSpecText(edit(readFileSync(path, "utf8")), path);
  if (!r.model) throw new Error(`${path} does not load: ${r.diagnostics.map((d) => d.message).join("; ")}`);
  return r.model;
}

export async function withLab<T>(
  model: Model,
  specPath: string,
  opts: UpOptions,
  fn: (state: LabState, up: UpResult) => Promise<T>,
): Promise<T> {
  let id: string | undefined;
  try {
    const up = await labUp(model, specPath, opts);
    id = up.state.id;
    if (!up.ready) throw new Error(`lab not ready: waiting for ${up.waitingFor.join(", ")}`);
    return await fn((await readState(id))!, up);
  } finally {
    if (id) await labDown(id);
  }
}

export const load = (): string =>
  loadavg()
    .map((x) => x.toFixed(2))
    .join(" ");

export const ms = (v: number | null | undefined): string =>
  v === null || v === undefined ? "-" : v >= 1000 ? `${(v / 1000).toFixed(2)} s` : `${Math.round(v)} ms`;

export function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1]! : fallback;
}
