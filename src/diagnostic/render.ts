// Renders diagnostics like a compiler: location, severity, code, message, the source line with a
// caret under the column, and the hint. What is echoed is bounded and inert: a long line is cut to a
// window around the column, control and invisible characters are shown escaped (a spec line may
// hold raw binary bytes or terminal escapes), and a flood of problems shows its first ones only,
// while the summary still counts them all.
import type { Diagnostic, SourceLocator } from "./diagnostic.js";

export interface RenderOptions {
  color: boolean;
  /** Source text per file, to print the offending line. */
  sources?: Map<string, SourceLocator>;
  /** Diagnostics rendered in full before the rest are only counted (default MAX_SHOWN). */
  maxShown?: number;
}

/** How many diagnostics are printed in full; the summary counts the rest. */
export const MAX_SHOWN = 200;
/** Characters of a source line shown around the column; a longer line is cut with an ellipsis. */
export const LINE_WINDOW = 160;
/** Characters of a message, path or hint shown. */
const MAX_TEXT = 500;

const paint = (on: boolean, code: string, text: string): string =>
  on ? `\x1b[${code}m${text}\x1b[0m` : text;

// C0/C1 controls and DEL, line and paragraph separators, bidirectional overrides and isolates
// (which reorder what the terminal shows), and the byte-order mark.
const INVISIBLE_CLASS = "[\\p{Cc}\\u2028\\u2029\\u202a-\\u202e\\u2066-\\u2069\\u200e\\u200f\\ufeff]";
const INVISIBLE = new RegExp(INVISIBLE_CLASS, "gu");
const INVISIBLE_ONE = new RegExp(`^${INVISIBLE_CLASS}$`, "u");

const escapeChar = (c: string): string => {
  const n = c.codePointAt(0)!;
  return n <= 0xff ? `\\x${n.toString(16).padStart(2, "0")}` : `\\u{${n.toString(16)}}`;
};

/** A text made safe to print on one line: invisible characters escaped, cut after `max` characters. */
export function printable(text: string, max = MAX_TEXT): string {
  const cut = text.length > max ? `${Array.from(text).slice(0, max).join("")}…` : text;
  return cut.replace(INVISIBLE, (c) => (c === "\t" ? " " : escapeChar(c)));
}

/**
 * The part of a source line to show and where the caret goes in it: each character displayed as
 * `printable` would, and a window of LINE_WINDOW characters around the column when the line is long.
 */
export function sourceExcerpt(line: string, column: number): { text: string; caret: number } {
  // A spec may be one enormous line: only a stretch around the column is looked at.
  const col = Math.min(Math.max(0, column - 1), line.length);
  let a = Math.max(0, col - 2 * LINE_WINDOW);
  let b = Math.min(line.length, col + 2 * LINE_WINDOW);
  if (a > 0 && isLowSurrogate(line.charCodeAt(a))) a--;
  if (b < line.length && isLowSurrogate(line.charCodeAt(b))) b++;
  const cells: string[] = [];
  let at = -1;
  for (let i = a; i < b;) {
    if (i >= col && at < 0) at = cells.length;
    const cp = line.codePointAt(i)!;
    const c = String.fromCodePoint(cp);
    cells.push(c === "\t" ? " " : INVISIBLE_ONE.test(c) ? escapeChar(c) : c);
    i += c.length;
  }
  if (at < 0) at = cells.length;
  const width = (x: number, y: number): number => {
    let n = 0;
    for (let i = x; i < y; i++) n += cells[i]!.length;
    return n;
  };
  let from = 0;
  let to = cells.length;
  if (a > 0 || b < line.length || width(0, cells.length) > LINE_WINDOW) {
    from = at;
    to = at;
    // Grow the window around the caret, a little more after it than before.
    let w = 0;
    while (w < LINE_WINDOW && (from > 0 || to < cells.length)) {
      if (to < cells.length && (to - at <= at - from || from === 0)) w += cells[to++]!.length;
      else w += cells[--from]!.length;
    }
  }
  const head = from > 0 || a > 0 ? "…" : "";
  const tail = to < cells.length || b < line.length ? "…" : "";
  return { text: head + cells.slice(from, to).join("") + tail, caret: head.length + width(from, at) };
}

const isLowSurrogate = (u: number): boolean => u >= 0xdc00 && u <= 0xdfff;

export function renderDiagnostic(d: Diagnostic, opts: RenderOptions): string {
  const sevColor = d.severity === "error" ? "1;31" : d.severity === "warning" ? "1;33" : "1;36";
  const loc = d.line > 0 ? `${printable(d.file)}:${d.line}:${d.column}` : printable(d.file);
  const lines = [
    `${paint(opts.color, "1", loc)}: ${paint(opts.color, sevColor, d.severity)} ${paint(opts.color, "2", d.code)}: ${printable(d.message)}`,
  ];
  const text = d.line > 0 ? opts.sources?.get(d.file)?.lineText(d.line) : undefined;
  if (text !== undefined) {
    const gutter = String(d.line);
    const pad = " ".repeat(gutter.length);
    const shown = sourceExcerpt(text, d.column);
    lines.push(`${pad} |`);
    lines.push(`${gutter} | ${shown.text}`);
    lines.push(`${pad} | ${" ".repeat(shown.caret)}${paint(opts.color, sevColor, "^")}`);
  }
  if (d.path) lines.push(`  = at: ${printable(d.path)}`);
  if (d.hint) lines.push(`  = ${paint(opts.color, "1;32", "hint")}: ${printable(d.hint)}`);
  return lines.join("\n");
}

export function renderDiagnostics(list: readonly Diagnostic[], opts: RenderOptions): string {
  const errors = list.filter((d) => d.severity === "error").length;
  const warnings = list.filter((d) => d.severity === "warning").length;
  const max = opts.maxShown ?? MAX_SHOWN;
  const body = list
    .slice(0, max)
    .map((d) => renderDiagnostic(d, opts))
    .join("\n\n");
  const hidden = list.length - Math.min(list.length, max);
  const more =
    hidden > 0
      ? `\n\n… ${hidden} more problem${hidden === 1 ? "" : "s"} not shown (\`hlab check --json\` lists them all)`
      : "";
  const summary = `${errors} error${errors === 1 ? "" : "s"}, ${warnings} warning${warnings === 1 ? "" : "s"}`;
  return body ? `${body}${more}\n\n${summary}` : summary;
}
