import type { Command } from "commander";
import { hasErrors, type Diagnostic, type SourceLocator } from "../diagnostic/diagnostic.js";
import { loadSpecFile } from "../spec/load.js";
import { diagnosticsJson, EXIT_FINDINGS, EXIT_OK, printDiagnostics, type Io } from "./output.js";

export function registerCheck(program: Command, io: Io, setExit: (code: number) => void): void {
  program
    .command("check")
    .description("validate one or more specs and report every problem")
    .argument("<spec...>", "homelab.yaml files (or homelab.config.ts)")
    .option("--json", "print diagnostics as JSON")
    .action(async (files: string[], opts: { json?: boolean }) => {
      const all: Diagnostic[] = [];
      const sources: SourceLocator[] = [];
      for (const f of files) {
        const r = await loadSpecFile(f);
        all.push(...r.diagnostics);
        sources.push(r.source);
      }
      if (opts.json) io.out(diagnosticsJson(all));
      else if (all.length) printDiagnostics(io, all, sources);
      else io.err(`${files.length} spec${files.length === 1 ? "" : "s"} checked: no problems`);
      setExit(hasErrors(all) ? EXIT_FINDINGS : EXIT_OK);
    });
}
