// Keys a JavaScript object cannot hold as data. `__proto__` as a guest name is dropped by the
// schema pass (it sets the prototype instead of adding an entry), and `constructor` or `toString`
// collide with what every object inherits, so a lookup by name finds a function. Refused anywhere
// in the document, before any stage reads the value by its key.
import type { Diagnostic, PathSegment } from "../diagnostic/diagnostic.js";
import { diagnosticAt, formatPath } from "../diagnostic/diagnostic.js";
import type { YamlSourceLocator } from "./source.js";

export const RESERVED_KEYS: ReadonlySet<string> = new Set([
  ...Object.getOwnPropertyNames(Object.prototype),
  "prototype",
]);

export function reservedKeys(input: unknown, source: YamlSourceLocator): Diagnostic[] {
  const out: Diagnostic[] = [];
  const walk = (value: unknown, path: PathSegment[]): void => {
    if (Array.isArray(value)) {
      value.forEach((v, i) => walk(v, [...path, i]));
      return;
    }
    if (value === null || typeof value !== "object") return;
    // Own keys, __proto__ included: parsed YAML defines it as an own data property.
    for (const key of Object.getOwnPropertyNames(value)) {
      const here = [...path, key];
      if (RESERVED_KEYS.has(key)) {
        out.push(
          diagnosticAt(
            "HL031",
            { file: source.file, ...source.locateKey(here), path: formatPath(here) },
            `\`${key}\` cannot be used as a key`,
            "it names a built-in property of every object: choose another name",
          ),
        );
      }
      walk((value as Record<string, unknown>)[key], here);
    }
  };
  walk(input, []);
  return out;
}
