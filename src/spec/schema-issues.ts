// Turns schema validation issues into hlab diagnostics with a message a homelab owner understands
// and a hint that says what to write instead.
import { z } from "zod";
import type { Diagnostic, PathSegment } from "../diagnostic/diagnostic.js";
import { isCode, type Code } from "../diagnostic/codes.js";
import { diagnosticAt, formatPath } from "../diagnostic/diagnostic.js";
import { didYouMean } from "../util/suggest.js";
import type { YamlSourceLocator } from "./source.js";

type Issue = z.core.$ZodIssue;
type AnySchema = z.core.$ZodType;

/** The schema that validates the value at `path`, following objects, records, arrays and wrappers. */
export function schemaAt(root: AnySchema, path: readonly PathSegment[]): AnySchema | undefined {
  let s: AnySchema | undefined = unwrap(root);
  for (const seg of path) {
    if (!s) return undefined;
    const def = s._zod.def as unknown as Record<string, unknown> & { type: string };
    if (def.type === "object") s = (def.shape as Record<string, AnySchema>)[String(seg)];
    else if (def.type === "record") s = def.valueType as AnySchema;
    else if (def.type === "array") s = def.element as AnySchema;
    else return undefined;
    s = s ? unwrap(s) : undefined;
  }
  return s;
}

function unwrap(s: AnySchema): AnySchema {
  let cur = s;
  for (;;) {
    const def = cur._zod.def as unknown as { type: string; innerType?: AnySchema };
    if ((def.type === "optional" || def.type === "default" || def.type === "nullable") && def.innerType) {
      cur = def.innerType;
    } else return cur;
  }
}

export function objectKeys(root: AnySchema, path: readonly PathSegment[]): string[] {
  const s = schemaAt(root, path);
  if (!s) return [];
  const def = s._zod.def as unknown as { type: string; shape?: Record<string, unknown> };
  return def.type === "object" && def.shape ? Object.keys(def.shape) : [];
}

function describeValue(v: unknown): string {
  if (v === undefined) return "nothing";
  if (v === null) return "null";
  if (Array.isArray(v)) return "a list";
  if (typeof v === "object") return "a map";
  // JSON quoting: a newline or an escape sequence in a hostile value stays visible and inert.
  if (typeof v === "string") return JSON.stringify(v.length > 40 ? v.slice(0, 37) + "..." : v);
  return String(v);
}

function valueAt(root: unknown, path: readonly PathSegment[]): unknown {
  let cur: unknown = root;
  for (const seg of path) {
    if (cur === null || typeof cur !== "object") return undefined;
    cur = (cur as Record<string | number, unknown>)[seg];
  }
  return cur;
}

const TYPE_WORDS: Record<string, string> = {
  string: "text",
  number: "a number",
  int: "a whole number",
  boolean: "true or false",
  object: "a map (key: value lines)",
  array: "a list (- item lines)",
  record: "a map (key: value lines)",
};

function exampleFor(schema: AnySchema | undefined): string {
  const desc = schema ? z.globalRegistry.get(schema as z.ZodType)?.description : undefined;
  return desc ? ` (${desc})` : "";
}

export function issuesToDiagnostics(
  issues: readonly Issue[],
  root: AnySchema,
  input: unknown,
  source: YamlSourceLocator,
): Diagnostic[] {
  const out: Diagnostic[] = [];
  const push = (
    code: Code,
    path: readonly PathSegment[],
    message: string,
    hint: string,
    at: "key" | "value" = "value",
  ): void => {
    const pos = at === "key" ? source.locateKey(path) : source.locate(path);
    out.push(diagnosticAt(code, { file: source.file, ...pos, path: formatPath(path) }, message, hint));
  };

  const handle = (issue: Issue, basePath: readonly PathSegment[]): void => {
    const path = [...basePath, ...(issue.path as PathSegment[])];
    const value = valueAt(input, path);
    const here = schemaAt(root, path);
    switch (issue.code) {
      case "unrecognized_keys": {
        const known = objectKeys(root, path);
        for (const key of issue.keys) {
          push(
            "HL002",
            [...path, key],
            `unknown key \`${key}\`${path.length ? ` in \`${formatPath(path)}\`` : ""}`,
            didYouMean(key, known, "allowed keys:"),
            "key",
          );
        }
        return;
      }
      case "invalid_type": {
        if (value === undefined) {
          const key = path[path.length - 1];
          push(
            "HL004",
            path,
            `missing key \`${String(key)}\``,
            `add \`${String(key)}:\`${exampleFor(here)} under \`${formatPath(path.slice(0, -1)) || "the top level"}\``,
            "key",
          );
        } else {
          const want = TYPE_WORDS[issue.expected] ?? issue.expected;
          push(
            "HL003",
            path,
            `expected ${want}, found ${describeValue(value)}`,
            `write ${want} here${exampleFor(here)}`,
          );
        }
        return;
      }
      case "invalid_value": {
        const allowed = issue.values.map((v) => String(v));
        const hint =
          typeof value === "string"
            ? didYouMean(value, allowed, "allowed:")
            : `allowed: ${allowed.join(", ")}`;
        push("HL005", path, `${describeValue(value)} is not allowed here`, hint);
        return;
      }
      case "invalid_format": {
        push(
          "HL005",
          path,
          `${describeValue(value)} is not ${issue.message ?? "valid"}`,
          `write ${issue.message}`,
        );
        return;
      }
      case "too_small":
      case "too_big": {
        const bound = issue.code === "too_small" ? `at least ${issue.minimum}` : `at most ${issue.maximum}`;
        const what = issue.origin === "array" ? "items" : issue.origin === "string" ? "characters" : "";
        push(
          "HL005",
          path,
          `${describeValue(value)} is out of range`,
          `give ${bound}${what ? " " + what : ""}`,
        );
        return;
      }
      case "invalid_key": {
        const key = path[path.length - 1];
        const format = issue.issues.find((i) => i.code === "invalid_format" || i.code === "too_big");
        push(
          "HL005",
          path,
          `${describeValue(String(key))} is not a valid key here`,
          format?.code === "invalid_format" && format.message
            ? `write ${format.message}`
            : "use lower-case letters, digits and '-'",
          "key",
        );
        return;
      }
      case "invalid_union": {
        // A union of number|string or of objects: report the branch that got furthest.
        const branches = issue.errors.filter((b) => b.length > 0);
        const best = branches.find((b) => b.some((i) => i.code !== "invalid_type")) ?? branches[0];
        if (best) for (const i of best) handle(i, path);
        else push("HL005", path, `${describeValue(value)} is not valid here`, "see the schema");
        return;
      }
      case "custom": {
        // Refinements in schema.ts name their own code and hint (bounds on sizes, durations, percentages).
        // zod types params as any: the code is checked against the registry, not trusted.
        const params = (issue.params ?? {}) as { code?: unknown; hint?: string };
        push(
          isCode(params.code) ? params.code : "HL005",
          path,
          `${describeValue(value)} ${issue.message}`,
          params.hint ?? "see docs/spec.md for this key",
        );
        return;
      }
      default:
        push("HL005", path, issue.message, "see docs/spec.md for this key");
    }
  };

  for (const issue of issues) handle(issue, []);
  // A misspelt required key shows up twice (unknown `adress`, missing `address`): keep the one that
  // names the typo, whose hint already says what was meant.
  const suggested = new Set(
    out
      .filter((d) => d.code === "HL002" && d.hint.startsWith("did you mean"))
      .map((d) => `${d.path.slice(0, d.path.lastIndexOf("."))}.${/`([^`]+)`/.exec(d.hint)?.[1]}`),
  );
  return out.filter((d) => !(d.code === "HL004" && suggested.has(d.path)));
}
