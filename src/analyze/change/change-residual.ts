// What still differs between the state the steps reached and the next design: the settings no step
// carries (networks, DNS, access, timings, ...), named so the plan says what its last rebuild does.
import type { Model } from "../../model/model.js";

type Named = { name: string };

const sortedByName = (xs: readonly unknown[]): unknown[] =>
  xs.every((x) => typeof x === "object" && x !== null && typeof (x as Named).name === "string")
    ? [...(xs as Named[])].sort((a, b) => a.name.localeCompare(b.name))
    : [...xs];

/** Stable text of a value: keys sorted, named lists in name order. */
export function canonical(v: unknown): string {
  return JSON.stringify(v, (_k, x: unknown) => {
    if (Array.isArray(x)) return sortedByName(x);
    if (x && typeof x === "object")
      return Object.fromEntries(
        Object.entries(x as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b)),
      );
    return x;
  });
}

/** Sections that differ: `dns`, `kubernetes.version`, `guest k3s-1` (named entries of lists). */
export function residualDifferences(state: Model, next: Model): string[] {
  const out: string[] = [];
  const keys = [...new Set([...Object.keys(state), ...Object.keys(next)])]
    .filter((k) => k !== "source" && k !== "description")
    .sort();
  for (const key of keys) {
    const a = (state as unknown as Record<string, unknown>)[key];
    const b = (next as unknown as Record<string, unknown>)[key];
    if (canonical(a) === canonical(b)) continue;
    if (Array.isArray(a) && Array.isArray(b)) {
      const label = key.replace(/s$/, "");
      const byName = (xs: unknown[]): Map<string, string> =>
        new Map(xs.map((x) => [String((x as Named).name), canonical(x)]));
      const am = byName(a);
      const bm = byName(b);
      const names = [...new Set([...am.keys(), ...bm.keys()])].sort();
      const diff = names.filter((n) => am.get(n) !== bm.get(n));
      out.push(...(diff.length ? diff.map((n) => `${label} ${n}`) : [key]));
    } else if (a && b && typeof a === "object" && typeof b === "object") {
      const ao = a as Record<string, unknown>;
      const bo = b as Record<string, unknown>;
      const sub = [...new Set([...Object.keys(ao), ...Object.keys(bo)])]
        .sort()
        .filter((k) => canonical(ao[k]) !== canonical(bo[k]));
      out.push(...sub.map((k) => `${key}.${k}`));
    } else out.push(key);
  }
  return out;
}
