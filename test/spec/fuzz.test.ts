// Feeds thousands of mutated specs to the loader. Whatever the input, it must return diagnostics or
// a model, never throw: a user's typo must never become a stack trace.
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { parse, stringify } from "yaml";
import { loadSpecText } from "../../src/spec/load.js";

const CASES = Number(process.env.HLAB_FUZZ_CASES ?? 10_000);

/** mulberry32: small, seeded, good enough to pick mutations reproducibly. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
const pick = <T>(r: () => number, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;

const WEIRD: Json[] = [
  null,
  true,
  false,
  0,
  -1,
  1.5,
  1e12,
  "",
  "x",
  "192.168.1.300",
  "10.0.0.0/33",
  "16GiB",
  "1-2",
  [],
  {},
  [1, "a"],
  { a: { b: null } },
  "pve-01",
  "lan",
  "k3s-server",
  "99.9%",
  "NaN",
];

function paths(
  v: Json,
  prefix: (string | number)[] = [],
  out: (string | number)[][] = [],
): (string | number)[][] {
  out.push(prefix);
  if (Array.isArray(v)) v.forEach((x, i) => paths(x, [...prefix, i], out));
  else if (v && typeof v === "object") for (const [k, x] of Object.entries(v)) paths(x, [...prefix, k], out);
  return out;
}

function mutate(doc: Json, r: () => number): Json {
  const copy = structuredClone(doc);
  const all = paths(copy).filter((p) => p.length > 0);
  const n = 1 + Math.floor(r() * 3);
  for (let i = 0; i < n && all.length; i++) {
    const p = pick(r, all);
    const parent = p
      .slice(0, -1)
      .reduce<Json>((acc, k) => (acc as Record<string, Json>)?.[k as string] ?? null, copy);
    if (parent === null || typeof parent !== "object") continue;
    const key = p[p.length - 1]!;
    const op = r();
    if (op < 0.3) {
      if (Array.isArray(parent)) parent.splice(Number(key), 1);
      else delete (parent as Record<string, Json>)[key as string];
    } else if (op < 0.7) {
      (parent as Record<string, Json>)[key as string] = pick(r, WEIRD);
    } else if (op < 0.85 && !Array.isArray(parent)) {
      (parent as Record<string, Json>)[`${String(key)}x`] = pick(r, WEIRD);
    } else {
      // Copy another value in: references to things that exist, in the wrong place.
      const other = pick(r, all).reduce<Json>(
        (acc, k) => (acc as Record<string, Json>)?.[k as string] ?? null,
        copy,
      );
      (parent as Record<string, Json>)[key as string] = structuredClone(other);
    }
  }
  return copy;
}

function garble(text: string, r: () => number): string {
  const chars = [
    "{",
    "}",
    "[",
    "]",
    ":",
    "-",
    " ",
    "\n",
    "\t",
    "'",
    '"',
    "&a",
    "*a",
    "!!binary ",
    "<<: *a",
    "#",
  ];
  let out = text;
  const n = 1 + Math.floor(r() * 4);
  for (let i = 0; i < n; i++) {
    const at = Math.floor(r() * out.length);
    out =
      r() < 0.5
        ? out.slice(0, at) + pick(r, chars) + out.slice(at)
        : out.slice(0, at) + out.slice(at + 1 + Math.floor(r() * 20));
  }
  return out;
}

test(`the loader survives ${CASES} mutated specs`, () => {
  const dir = "examples";
  const seeds = readdirSync(dir)
    .filter((f) => f.endsWith(".yaml"))
    .map((f) => readFileSync(join(dir, f), "utf8"));
  const docs = seeds.map((t) => parse(t) as Json);
  const r = rng(20261122);
  let models = 0;
  let withDiagnostics = 0;
  for (let i = 0; i < CASES; i++) {
    const k = Math.floor(r() * seeds.length);
    const text = r() < 0.75 ? stringify(mutate(docs[k]!, r)) : garble(seeds[k]!, r);
    let result;
    try {
      result = loadSpecText(text, `fuzz-${i}.yaml`);
    } catch (err) {
      assert.fail(`case ${i} threw ${(err as Error).stack}\n--- input ---\n${text}`);
    }
    if (result.model) models++;
    if (result.diagnostics.length) withDiagnostics++;
    for (const d of result.diagnostics) {
      assert.ok(d.code && d.message && d.hint !== undefined, `case ${i}: incomplete diagnostic`);
      assert.ok(Number.isInteger(d.line) && d.line >= 0, `case ${i}: bad line`);
    }
  }
  assert.ok(models + withDiagnostics >= CASES, "every case gave a model or diagnostics");
  assert.ok(withDiagnostics > CASES / 2, "the mutations mostly break the spec");
});
