// `hlab ui SPEC`: the local dashboard, or with --export-svg the topology drawing written to a file.
import type { Command } from "commander";
import { hasErrors } from "../diagnostic/diagnostic.js";
import { writeUserFile } from "../emit/write.js";
import { loadSpecFile } from "../spec/load.js";
import { isLoopback } from "../ui/same-origin.js";
import { uiBackends } from "../ui/wiring.js";
import { startUiServer } from "../ui/server.js";
import { layoutTopology } from "../ui/topology-layout.js";
import { topologySvg } from "../ui/topology-svg.js";
import { EXIT_FINDINGS, EXIT_OK, printDiagnostics, UsageError, type Io } from "./output.js";

interface UiOptions {
  host: string;
  port: string;
  exportSvg?: string;
  force?: boolean;
  lab?: string;
}

export function registerUi(program: Command, io: Io, setExit: (code: number) => void): void {
  program
    .command("ui")
    .description("serve a local dashboard of the topology, the plan, what-ifs and the live lab")
    .argument("<spec>", "homelab.yaml (reloaded when it changes)")
    .option("--host <address>", "address to listen on", "127.0.0.1")
    .option("--port <n>", "port to listen on (0: any free port)", "4780")
    .option("--export-svg <file>", "write the topology as SVG and exit")
    .option("--force", "with --export-svg: replace a file that is not an earlier drawing (never the spec)")
    .option("--lab <id>", "follow this lab (default: the lab running this spec)")
    .action(async (spec: string, opts: UiOptions) => {
      if (opts.exportSvg) return setExit(await exportSvg(io, spec, opts.exportSvg, Boolean(opts.force)));
      const port = Number(opts.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535) {
        throw new UsageError(
          `--port ${opts.port} is not a port number`,
          "give 0-65535, or 0 for any free port",
        );
      }
      // `[::1]` as in a URL is `::1` to listen().
      const host = opts.host.replace(/^\[(.*)\]$/, "$1");
      const first = await loadSpecFile(spec);
      if (first.diagnostics.some((d) => d.code === "HL028")) {
        printDiagnostics(io, first.diagnostics, [first.source]);
        return setExit(EXIT_FINDINGS);
      }
      let server;
      try {
        server = await startUiServer({
          spec,
          host,
          port,
          backends: uiBackends({ spec, labId: opts.lab }),
        });
      } catch (err) {
        const e = err as NodeJS.ErrnoException;
        if (e.code === "EADDRINUSE")
          throw new UsageError(
            `port ${port} is in use`,
            "pick another with --port, or --port 0 for any free one",
          );
        if (e.code === "EADDRNOTAVAIL" || e.code === "ENOTFOUND")
          throw new UsageError(
            `cannot listen on ${opts.host}`,
            "give an address of this machine, e.g. 127.0.0.1",
          );
        throw err;
      }
      if (!isLoopback(host)) {
        io.err(
          `hlab ui: warning: listening on ${opts.host}: anyone who can reach it can open the page and inject faults into a running lab`,
        );
      }
      if (hasErrors(first.diagnostics))
        io.err(`hlab ui: ${spec} has errors; the page lists them and reloads when you fix the file`);
      io.err(`hlab ui: ${server.url} (Ctrl-C to stop)`);
      await untilInterrupted();
      await server.close();
      setExit(EXIT_OK);
    });
}

/** How every drawing topologySvg makes begins: an earlier export may be replaced without --force. */
const SVG_START = '<svg xmlns="http://www.w3.org/2000/svg" class="hlab-topology"';

async function exportSvg(io: Io, spec: string, file: string, force: boolean): Promise<number> {
  const r = await loadSpecFile(spec);
  if (!r.model) {
    printDiagnostics(io, r.diagnostics, [r.source]);
    return EXIT_FINDINGS;
  }
  await writeUserFile(file, topologySvg(layoutTopology(r.model)), {
    force,
    isOurs: (existing) => existing.subarray(0, SVG_START.length).toString("utf8") === SVG_START,
    protect: [spec],
    what: "--export-svg",
  });
  io.err(`wrote ${file}`);
  return EXIT_OK;
}

function untilInterrupted(): Promise<void> {
  return new Promise((resolvePromise) => {
    const done = (): void => {
      process.off("SIGINT", done);
      process.off("SIGTERM", done);
      resolvePromise();
    };
    process.on("SIGINT", done);
    process.on("SIGTERM", done);
  });
}
