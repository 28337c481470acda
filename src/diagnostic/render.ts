// Renders diagnostics like a compiler: location, severity, code, message, the source line with a
// caret under the column, and the hint.
import type { Diagnostic, SourceLocator } from "./diagnostic.js";

export interface RenderOptions {
  color: boolean;
  /** Source text per file, to print the offending line. */
  sources?: Map<string, SourceLocator>;
}

const paint = (on: boolean, code: string, text: string): string =>
  on ? `\x1b[${code}m${text}\x1b[0m` : text;

export function renderDiagnostic(d: Diagnostic, opts: RenderOptions): string {
  const sevColor = d.severity === "error" ? "1;31" : d.severity === "warning" ? "1;33" : "1;36";
  const loc = d.line > 0 ? `${d.file}:${d.line}:${d.column}` : d.file;
  const lines = [
    `${paint(opts.color, "1", loc)}: ${paint(opts.color, sevColor, d.severity)} ${paint(opts.color, "2", d.code)}: ${d.message}`,
  ];
  const text = d.line > 0 ? opts.sources?.get(d.file)?.lineText(d.line) : undefined;
  if (text !== undefined) {
    const gutter = String(d.line);
    const pad = " ".repeat(gutter.length);
    lines.push(`${pad} |`);
    lines.push(`${gutter} | ${text}`);
    lines.push(`${pad} | ${" ".repeat(Math.max(0, d.column - 1))}${paint(opts.color, sevColor, "^")}`);
  }
  if (d.path) lines.push(`  = at: ${d.path}`);
  if (d.hint) lines.push(`  = ${paint(opts.color, "1;32", "hint")}: ${d.hint}`);
  return lines.join("\n");
}

export function renderDiagnostics(list: readonly Diagnostic[], opts: RenderOptions): string {
  const errors = list.filter((d) => d.severity === "error").length;
  const warnings = list.filter((d) => d.severity === "warning").length;
  const body = list.map((d) => renderDiagnostic(d, opts)).join("\n\n");
  const summary = `${errors} error${errors === 1 ? "" : "s"}, ${warnings} warning${warnings === 1 ? "" : "s"}`;
  return body ? `${body}\n\n${summary}` : summary;
}
