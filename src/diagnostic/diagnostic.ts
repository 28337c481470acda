// One shape for every problem hlab reports, from a YAML typo to a quorum that a host failure breaks.
// Problems are collected, never thrown, so a user sees all of them at once.
import { CODES, type Code } from "./codes.js";

export type Severity = "error" | "warning" | "info";

export interface Diagnostic {
  /** One of the closed set in codes.ts: the compiler rejects a code nobody registered. */
  code: Code;
  /** Always the registry's severity for `code` (codes.ts), never chosen at the call site. */
  severity: Severity;
  /** Dotted spec path, e.g. `guests.k3s-1.address.lan`. Empty for the whole document. */
  path: string;
  file: string;
  /** 1-based; 0 when the spec did not come from a text file. */
  line: number;
  column: number;
  message: string;
  hint: string;
}

export type PathSegment = string | number;

/** Formats a path the way users see it in messages: `hosts.pve-1.disks[0]`. */
export function formatPath(path: readonly PathSegment[]): string {
  let out = "";
  for (const seg of path) {
    if (typeof seg === "number") out += `[${seg}]`;
    else out += out === "" ? seg : `.${seg}`;
  }
  return out;
}

export interface Position {
  line: number;
  column: number;
}

/** Finds where a spec path is written. Implemented by the YAML loader; analyzers only consume it. */
export interface SourceLocator {
  file: string;
  locate(path: readonly PathSegment[]): Position;
  /** The text of a 1-based line, for rendering. */
  lineText(line: number): string | undefined;
}

export const noSource = (file: string): SourceLocator => ({
  file,
  locate: () => ({ line: 0, column: 0 }),
  lineText: () => undefined,
});

export function diagnostic(
  source: SourceLocator,
  code: Code,
  path: readonly PathSegment[],
  message: string,
  hint: string,
): Diagnostic {
  const pos = source.locate(path);
  return {
    code,
    severity: CODES[code].severity,
    path: formatPath(path),
    file: source.file,
    ...pos,
    message,
    hint,
  };
}

/** A diagnostic at an explicit position (a generated file, a scenario line), severity from the registry. */
export function diagnosticAt(
  code: Code,
  at: { file: string; line: number; column: number; path?: string },
  message: string,
  hint: string,
): Diagnostic {
  return {
    code,
    severity: CODES[code].severity,
    path: at.path ?? "",
    file: at.file,
    line: at.line,
    column: at.column,
    message,
    hint,
  };
}

const order: Record<Severity, number> = { error: 0, warning: 1, info: 2 };

/** Stable order: by file, line, column, then code, so output never depends on check order. */
export function sortDiagnostics(list: readonly Diagnostic[]): Diagnostic[] {
  return [...list].sort(
    (a, b) =>
      a.file.localeCompare(b.file) ||
      a.line - b.line ||
      a.column - b.column ||
      order[a.severity] - order[b.severity] ||
      a.code.localeCompare(b.code) ||
      a.message.localeCompare(b.message),
  );
}

export const hasErrors = (list: readonly Diagnostic[]): boolean => list.some((d) => d.severity === "error");

/** Drops repeats of the same finding (same code, path and message), keeping the first. */
export function dedupeDiagnostics(list: readonly Diagnostic[]): Diagnostic[] {
  const seen = new Set<string>();
  return list.filter((d) => {
    const key = `${d.code}|${d.path}|${d.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** HL028: a file (a spec, a scenario) that cannot be read at all, with the reason in plain words. */
export function unreadableFile(file: string, what: string, err: unknown, hint: string): Diagnostic {
  const e = err as NodeJS.ErrnoException;
  const why = e.code === "ENOENT" ? "no such file" : e.code === "EISDIR" ? "it is a directory" : e.message;
  return diagnosticAt("HL028", { file, line: 0, column: 0 }, `cannot read the ${what}: ${why}`, hint);
}
