// `hlab versions`: every version hlab pins (src/model/versions.ts) and where it comes from.
import type { Command } from "commander";
import { versionTable } from "../model/versions.js";
import { EXIT_OK, type Io } from "./output.js";

export function registerVersions(program: Command, io: Io, setExit: (code: number) => void): void {
  program
    .command("versions")
    .description(
      "print every pinned version (charts, images, K3s, providers, collections, OS images) and its source",
    )
    .option("--json", "print them as JSON")
    .action((opts: { json?: boolean }) => {
      const rows = versionTable();
      if (opts.json) io.out(JSON.stringify(rows, null, 2));
      else {
        const w = (k: "kind" | "name" | "version"): number => Math.max(...rows.map((r) => r[k].length));
        const [kw, nw, vw] = [w("kind"), w("name"), w("version")];
        io.out(
          rows
            .map((r) => `${r.kind.padEnd(kw)}  ${r.name.padEnd(nw)}  ${r.version.padEnd(vw)}  ${r.source}`)
            .join("\n"),
        );
      }
      setExit(EXIT_OK);
    });
}
