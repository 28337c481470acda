// Loading a spec: parse (YAML with positions), validate (schema), cross-check (references and the
// address plan), normalise (the model). Every stage adds diagnostics instead of throwing; a model is
// returned only when no error was found.
import { open, stat } from "node:fs/promises";
import { extname } from "node:path";
import { isScalar, LineCounter, parseDocument, visit, type Document } from "yaml";
import type { Diagnostic, SourceLocator } from "../diagnostic/diagnostic.js";
import {
  dedupeDiagnostics,
  diagnosticAt,
  hasErrors,
  noSource,
  sortDiagnostics,
  unreadableFile,
} from "../diagnostic/diagnostic.js";
import type { Model } from "../model/model.js";
import { normalise } from "./normalise.js";
import { TIMING_NAMES } from "../model/timings.js";
import { didYouMean } from "../util/suggest.js";
import { runConfigModule, type ConfigRunOptions } from "./config-module.js";
import { crossCheck } from "./crosscheck.js";
import { configTimeoutMs, formatBytes, MAX_SPEC_BYTES_ENV, maxSpecBytes } from "./limits.js";
import { reservedKeys } from "./reserved-keys.js";
import { issuesToDiagnostics } from "./schema-issues.js";
import { spec as specSchema, type Spec } from "./schema.js";
import { yamlSource, type YamlSourceLocator } from "./source.js";

export interface LoadResult {
  diagnostics: Diagnostic[];
  /** Present only when there is no error. */
  model?: Model;
  source: SourceLocator;
}

/** Validates an already parsed document (YAML or a typed config) and builds the model. */
export function checkSpecValue(input: unknown, source: YamlSourceLocator): LoadResult {
  const diagnostics: Diagnostic[] = [];
  const parsed = specSchema.safeParse(input);
  if (!parsed.success)
    diagnostics.push(...issuesToDiagnostics(parsed.error.issues, specSchema, input, source));
  diagnostics.push(...crossCheck(input, source), ...reservedKeys(input, source));
  const timings = (input as { plan?: { timings?: unknown } } | null)?.plan?.timings;
  if (timings && typeof timings === "object") {
    for (const key of Object.keys(timings)) {
      if (!(TIMING_NAMES as string[]).includes(key)) {
        const path = ["plan", "timings", key];
        diagnostics.push(
          diagnosticAt(
            "HL002",
            { file: source.file, ...source.locateKey(path), path: path.join(".") },
            `unknown timing \`${key}\``,
            didYouMean(key, TIMING_NAMES, "timings:"),
          ),
        );
      }
    }
  }
  const sorted = sortDiagnostics(dedupeDiagnostics(diagnostics));
  if (!parsed.success || hasErrors(sorted)) return { diagnostics: sorted, source };
  return { diagnostics: sorted, model: normalise(parsed.data, source), source };
}

/** YAML parsed with positions: the document, its source locator and the HL001 syntax findings. */
export function parseYamlText(
  text: string,
  file: string,
): { doc: Document; source: YamlSourceLocator; syntax: Diagnostic[] } {
  const lines = new LineCounter();
  // logLevel "error": the yaml package would otherwise print its own warnings to stderr.
  // uniqueKeys off: the package compares each key with every earlier key of its map (quadratic in a
  // map's size); duplicates are found below with one set per map, with the package's rule (the same
  // node, or scalars of equal value) and its message.
  const doc = parseDocument(text, {
    lineCounter: lines,
    prettyErrors: false,
    uniqueKeys: false,
    logLevel: "error",
  });
  const source = yamlSource(file, text, doc, lines);
  const syntax: Diagnostic[] = [...doc.errors, ...doc.warnings].map((e) => {
    const p = lines.linePos(e.pos[0]);
    const first = e.message.split("\n")[0] ?? e.message;
    return diagnosticAt(
      doc.errors.includes(e as never) ? "HL001" : "HL029",
      { file, line: p.line, column: p.col },
      first.replace(/ at line \d+, column \d+:?$/, ""),
      yamlHint(e.code),
    );
  });
  visit(doc, {
    Map(_, map) {
      const seen = new Set<string>();
      for (const pair of map.items) {
        if (!isScalar(pair.key)) continue;
        const v = pair.key.value;
        // Scalars of equal value: `1` and `1.0` are one key, `1` and `"1"` two.
        const id = `${typeof v}:${String(v)}`;
        if (!seen.has(id)) {
          seen.add(id);
          continue;
        }
        const p = lines.linePos(pair.key.range?.[0] ?? 0);
        syntax.push(
          diagnosticAt(
            "HL001",
            { file, line: p.line, column: p.col },
            "Map keys must be unique",
            yamlHint("DUPLICATE_KEY"),
          ),
        );
      }
    },
    Pair(_, pair) {
      if (pair.key !== null && !isScalar(pair.key)) {
        const p = lines.linePos((pair.key as { range?: [number, number, number] }).range?.[0] ?? 0);
        syntax.push(
          diagnosticAt(
            "HL001",
            { file, line: p.line, column: p.col },
            "a key must be a plain name, not a list or a map",
            "check for a stray `?`, `[` or `{` before the colon",
          ),
        );
      }
    },
  });
  return { doc, source, syntax };
}

export function loadSpecText(text: string, file: string, opts: { maxBytes?: number } = {}): LoadResult {
  const maxBytes = opts.maxBytes ?? maxSpecBytes();
  // UTF-8 takes at least one byte per UTF-16 unit: only a text that may be too large is measured.
  if (text.length > maxBytes || (text.length * 3 > maxBytes && Buffer.byteLength(text) > maxBytes))
    return { diagnostics: [tooLargeText(file, maxBytes, Buffer.byteLength(text))], source: noSource(file) };
  const { doc, source, syntax } = parseYamlText(text, file);
  if (syntax.some((d) => d.severity === "error")) return { diagnostics: sortDiagnostics(syntax), source };
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: 1000 });
  } catch (err) {
    return {
      diagnostics: [
        diagnosticAt(
          "HL001",
          { file, line: 1, column: 1 },
          (err as Error).message,
          "simplify the aliases in this document",
        ),
      ],
      source,
    };
  }
  if (value === null || value === undefined || typeof value !== "object" || Array.isArray(value)) {
    return {
      diagnostics: [
        diagnosticAt(
          "HL003",
          { file, line: 1, column: 1 },
          "the spec must be a map of sections",
          "start from `hlab init` for a commented example",
        ),
      ],
      source,
    };
  }
  const result = checkSpecValue(value, source);
  return { ...result, diagnostics: sortDiagnostics([...syntax, ...result.diagnostics]) };
}

function yamlHint(code: string): string {
  switch (code) {
    case "DUPLICATE_KEY":
      return "each key may appear once in a map: merge or rename the two";
    case "BAD_INDENT":
    case "MISSING_CHAR":
      return "check the indentation: nested keys need more spaces than their parent, never tabs";
    case "TAB_AS_INDENT":
      return "YAML indents with spaces, not tabs";
    default:
      return "fix the YAML syntax at this position";
  }
}

export interface LoadOptions {
  /** Largest spec read, in bytes (default: maxSpecBytes(), HLAB_MAX_SPEC_BYTES). */
  maxBytes?: number;
  /** How long a config module may run (default: configTimeoutMs(), HLAB_CONFIG_TIMEOUT). */
  configTimeoutMs?: number;
}

/** Reads a spec from a YAML file, or from a typed `homelab.config.ts`/`.js` exporting defineHomelab(). */
export async function loadSpecFile(path: string, opts: LoadOptions = {}): Promise<LoadResult> {
  const maxBytes = opts.maxBytes ?? maxSpecBytes();
  const read = await readBoundedText(
    path,
    "spec",
    "check the path, or create a spec with `hlab init`",
    maxBytes,
  );
  if ("problem" in read) return { diagnostics: [read.problem], source: noSource(path) };
  const text = read.text;
  if (CONFIG_EXTENSIONS.includes(extname(path)))
    return loadConfigModule(path, text, { maxBytes, timeoutMs: opts.configTimeoutMs ?? configTimeoutMs() });
  return loadSpecText(text, path, { maxBytes });
}

const CONFIG_EXTENSIONS = [".ts", ".js", ".mjs", ".mts"];

/** The file's bytes, or undefined when it has more than `max` (a FIFO or /dev/zero included). */
async function readAtMost(path: string, max: number): Promise<Buffer | undefined> {
  const h = await open(path, "r");
  try {
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const buf = Buffer.alloc(Math.min(1 << 20, max + 1 - total));
      const { bytesRead } = await h.read(buf, 0, buf.length, null);
      if (bytesRead === 0) return Buffer.concat(chunks, total);
      chunks.push(buf.subarray(0, bytesRead));
      total += bytesRead;
      if (total > max) return undefined;
    }
  } finally {
    await h.close();
  }
}

/**
 * A spec-like file (a spec, a scenario) as text, read only up to the size limit: HL028 when it cannot
 * be read, HL040 (with its size when it has one) when it is larger.
 */
export async function readBoundedText(
  path: string,
  what: string,
  hint: string,
  maxBytes = maxSpecBytes(),
): Promise<{ text: string } | { problem: Diagnostic }> {
  let bytes: Buffer | undefined;
  try {
    bytes = await readAtMost(path, maxBytes);
  } catch (err) {
    return { problem: unreadableFile(path, what, err, hint) };
  }
  if (bytes) return { text: bytes.toString("utf8") };
  const size = await stat(path).then(
    (s) => (s.isFile() ? s.size : undefined),
    () => undefined,
  );
  return { problem: tooLargeText(path, maxBytes, size, what) };
}

function tooLargeText(file: string, max: number, known: number | undefined, what = "spec"): Diagnostic {
  return diagnosticAt(
    "HL040",
    { file, line: 0, column: 0 },
    `the ${what} is larger than ${formatBytes(max)}, the most hlab reads${known !== undefined ? ` (it has ${formatBytes(known)})` : ""}`,
    `check that this is the ${what} you meant; to read a larger one, set ${MAX_SPEC_BYTES_ENV} (e.g. ${MAX_SPEC_BYTES_ENV}=16MiB)`,
  );
}

async function loadConfigModule(path: string, text: string, opts: ConfigRunOptions): Promise<LoadResult> {
  const source: YamlSourceLocator = { ...noSource(path), locateKey: () => ({ line: 0, column: 0 }) };
  const outcome = await runConfigModule(path, text, opts);
  if ("problem" in outcome) return { diagnostics: [outcome.problem], source };
  return checkSpecValue(outcome.value, source);
}

/** Identity with types: `export const homelab = defineHomelab({...})` in homelab.config.ts. */
export function defineHomelab(spec: Spec): Spec {
  return spec;
}
