// Shared by the lab benchmarks: load a variant of an example, run a lab for the duration of a
// function and always take it down, and say how busy the machine was (figures from a loaded
// machine are worth less, and RESULTS.md says so).
import { readFileSync } from "node:fs";
import { loadavg } from "node:os";
import { labDown, labUp, type UpOptions, type UpResult } from "../src/lab/lifecycle.js";
import { readState, type LabState } from "../src/lab/state.js";
import type { Model } from "../src/model/model.js";
import { loadSpecText } from "../src/spec/load.js";

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
