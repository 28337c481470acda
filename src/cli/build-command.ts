// `hlab build SPEC --out DIR`: the whole repository from one spec. Exit 0 when written (warnings
// allowed), 1 when a problem kept it from being written, 2 on a usage error.
import { resolve } from "node:path";
import type { Command } from "commander";
import { hasErrors, type Diagnostic } from "../diagnostic/diagnostic.js";
import { build } from "../pipeline/build.js";
import { isIdentityError, resolveRecipients } from "../secrets/identity.js";
import { loadSpecFile } from "../spec/load.js";
import { diagnosticsJson, EXIT_FINDINGS, EXIT_OK, printDiagnostics, UsageError, type Io } from "./output.js";
import { identityPath } from "./secrets-command.js";

interface BuildOpts {
  out?: string;
  json?: boolean;
  dryRun?: boolean;
  force?: boolean;
  identity?: string;
}

export function registerBuild(program: Command, io: Io, setExit: (code: number) => void): void {
  program
    .command("build")
    .description(
      "generate the lab's Git repository (OpenTofu, cloud-init, K3s, configs, GitOps, encrypted secrets)",
    )
    .argument("<spec>", "homelab.yaml (or homelab.config.ts)")
    .option("--out <dir>", "the repository folder to write (created if missing)")
    .option("--dry-run", "show what would change, write nothing")
    .option("--force", "take over (or replace) files hlab did not write where generated files go")
    .option(
      "--identity <file>",
      "age identity whose recipient new secrets are encrypted for, when the spec lists none",
    )
    .option("--json", "print the result as JSON")
    .action(async (specFile: string, opts: BuildOpts) => {
      if (!opts.out)
        throw new UsageError(
          "where to? pass --out DIR",
          `for example: hlab build ${specFile} --out ./homelab`,
        );
      const loaded = await loadSpecFile(specFile);
      if (!loaded.model || hasErrors(loaded.diagnostics)) {
        report(io, opts, loaded.diagnostics, [loaded.source], undefined);
        return setExit(EXIT_FINDINGS);
      }
      const model = loaded.model;
      let recipients: string[] = [];
      try {
        recipients = (await resolveRecipients(model.secrets.recipients, identityPath(opts.identity)))
          .recipients;
      } catch (err) {
        // Only fatal when a secret has to be created: the store says so, with the same hint.
        if (!isIdentityError(err)) throw err;
      }
      const outDir = resolve(opts.out);
      const result = await build(model, {
        outDir,
        recipients,
        now: new Date(),
        dryRun: opts.dryRun,
        force: opts.force,
      });
      const diagnostics = [...loaded.diagnostics, ...result.diagnostics];
      const actions = result.emit?.actions ?? [];
      report(io, opts, diagnostics, [loaded.source], {
        outDir,
        written: result.written,
        dryRun: Boolean(opts.dryRun),
        createdSecrets: result.written || opts.dryRun ? result.createdSecrets : [],
        actions,
      });
      setExit(hasErrors(diagnostics) ? EXIT_FINDINGS : EXIT_OK);
    });
}

interface Summary {
  outDir: string;
  written: boolean;
  dryRun: boolean;
  createdSecrets: string[];
  actions: { path: string; action: string }[];
}

function report(
  io: Io,
  opts: BuildOpts,
  diagnostics: Diagnostic[],
  sources: Parameters<typeof printDiagnostics>[2],
  summary: Summary | undefined,
): void {
  if (opts.json) {
    const base = JSON.parse(diagnosticsJson(diagnostics)) as Record<string, unknown>;
    io.out(JSON.stringify({ ...base, ...(summary ?? {}) }, null, 2));
    return;
  }
  if (diagnostics.length) printDiagnostics(io, diagnostics, sources);
  if (!summary) return;
  const count = (kind: string): number => summary.actions.filter((a) => a.action === kind).length;
  const changes = summary.actions.filter((a) => a.action !== "unchanged");
  if (opts.dryRun) for (const a of changes) io.out(`${a.action.padEnd(9)} ${a.path}`);
  const tally = `${count("create")} new, ${count("update")} changed, ${count("remove")} removed, ${count("unchanged") + count("adopt")} unchanged`;
  if (summary.written) io.err(`built ${summary.outDir}: ${tally}`);
  else if (summary.dryRun) io.err(`dry run for ${summary.outDir}: ${tally}; nothing written`);
  else io.err(`nothing written to ${summary.outDir}: fix the errors above and build again`);
  // Secrets exist only once written: a refused build created none.
  if (summary.createdSecrets.length && (summary.written || summary.dryRun)) {
    io.err(
      `${summary.dryRun ? "would create" : "created"} secret${summary.createdSecrets.length === 1 ? "" : "s"} ${summary.createdSecrets.join(", ")} (encrypted in secrets/)`,
    );
  }
}
