// Loading a spec: parse (YAML with positions), validate (schema), cross-check (references and the
// address plan), normalise (the model). Every stage adds diagnostics instead of throwing; a model is
// returned only when no error was found.
import { UserError } from "../diagnostic/user-error.js";
import { readFile } from "node:fs/promises";
import { extname, resolve } from "node:path";
import { pathToFileURL } from "node:url";
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
import { normalise } from "../model/normalise.js";
import { TIMING_NAMES } from "../model/timings.js";
import { didYouMean } from "../util/suggest.js";
import { crossCheck } from "./crosscheck.js";
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
  diagnostics.push(...crossCheck(input, source));
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
  const doc = parseDocument(text, {
    lineCounter: lines,
    prettyErrors: false,
    uniqueKeys: true,
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

export function loadSpecText(text: string, file: string): LoadResult {
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

/** Reads a spec from a YAML file, or from a typed `homelab.config.ts`/`.js` exporting defineHomelab(). */
export async function loadSpecFile(path: string): Promise<LoadResult> {
  const ext = extname(path);
  if (ext === ".ts" || ext === ".js" || ext === ".mjs" || ext === ".mts") return loadConfigModule(path);
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (err) {
    return unreadable(path, err);
  }
  return loadSpecText(text, path);
}

function unreadable(path: string, err: unknown): LoadResult {
  return {
    diagnostics: [unreadableFile(path, "spec", err, "check the path, or create a spec with `hlab init`")],
    source: noSource(path),
  };
}

async function loadConfigModule(path: string): Promise<LoadResult> {
  const abs = resolve(path);
  let mod: Record<string, unknown>;
  try {
    if (path.endsWith("ts")) {
      const text = await readFile(abs, "utf8");
      const ts = await import("typescript").catch(() => undefined);
      if (!ts)
        throw new UserError(
          "loading a .ts config needs the `typescript` package",
          "npm i -D typescript, or write the spec as YAML",
          "missing-dependency",
        );
      // defineHomelab is the identity: the config needs nothing from hlab at run time, so the import
      // is replaced rather than resolved from a data: URL (which cannot resolve bare specifiers).
      const js = ts
        .transpileModule(text, {
          compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
        })
        .outputText.replace(
          /^import\s*\{[^}]*\}\s*from\s*["']hlab["'];?$/m,
          "const defineHomelab = (s) => s;",
        );
      mod = (await import(`data:text/javascript;base64,${Buffer.from(js).toString("base64")}`)) as Record<
        string,
        unknown
      >;
    } else {
      mod = (await import(pathToFileURL(abs).href)) as Record<string, unknown>;
    }
  } catch (err) {
    return unreadable(path, err);
  }
  const value = mod.homelab ?? mod.default;
  const source: YamlSourceLocator = { ...noSource(path), locateKey: () => ({ line: 0, column: 0 }) };
  return checkSpecValue(value, source);
}

/** Identity with types: `export const homelab = defineHomelab({...})` in homelab.config.ts. */
export function defineHomelab(spec: Spec): Spec {
  return spec;
}
