// Terminal conventions shared by every command: colour only on a TTY (and never with NO_COLOR),
// JSON on request, user errors as a message with exit 2, bugs with a stack only under --debug.
import type { Diagnostic, SourceLocator } from "../diagnostic/diagnostic.js";
import { renderDiagnostics } from "../diagnostic/render.js";
import { createInterface } from "node:readline/promises";

export const EXIT_OK = 0;
export const EXIT_FINDINGS = 1;
export const EXIT_USAGE = 2;

export interface Io {
  out(text: string): void;
  err(text: string): void;
  color: boolean;
  /** Asks the person at the terminal (prompt on stderr); absent when stdin is not a terminal. */
  ask?(question: string): Promise<string>;
}

export const processIo = (): Io => ({
  out: (t) => process.stdout.write(t.endsWith("\n") ? t : t + "\n"),
  err: (t) => process.stderr.write(t.endsWith("\n") ? t : t + "\n"),
  color: Boolean(process.stdout.isTTY) && !process.env.NO_COLOR && process.env.TERM !== "dumb",
  ask: process.stdin.isTTY ? askTerminal : undefined,
});

async function askTerminal(question: string): Promise<string> {
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return await rl.question(question);
  } finally {
    rl.close();
  }
}

/** An error the user can fix: printed as a message, never with a stack. One type for the library and the CLI. */
export { UserError as UsageError } from "../diagnostic/user-error.js";

export function printDiagnostics(io: Io, diagnostics: readonly Diagnostic[], sources: SourceLocator[]): void {
  const map = new Map(sources.map((s) => [s.file, s]));
  io.err(renderDiagnostics(diagnostics, { color: io.color, sources: map }));
}

export function diagnosticsJson(diagnostics: readonly Diagnostic[]): string {
  return JSON.stringify(
    {
      diagnostics: diagnostics.map((d) => ({
        code: d.code,
        severity: d.severity,
        path: d.path,
        file: d.file,
        line: d.line,
        column: d.column,
        message: d.message,
        hint: d.hint,
      })),
    },
    null,
    2,
  );
}
