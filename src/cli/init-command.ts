import { readdirSync, readFileSync } from "node:fs";
import { basename, dirname, join, relative, resolve } from "node:path";
import type { Command } from "commander";
import { writeUserFile } from "../emit/write.js";
import { examplesDir } from "../util/package-paths.js";
import { EXIT_OK, UsageError, type Io } from "./output.js";

export function templates(): string[] {
  return readdirSync(examplesDir())
    .filter((f) => f.endsWith(".yaml"))
    .map((f) => basename(f, ".yaml"))
    .sort();
}

export function registerInit(program: Command, io: Io, setExit: (code: number) => void): void {
  program
    .command("init")
    .description("write a commented starter spec (never overwrites a file without --force)")
    .argument("[file]", "where to write it", "homelab.yaml")
    .option("-t, --template <name>", "an example to start from (see --list)", "seed004-three-nodes")
    .option("--list", "list the templates")
    .option("--force", "replace an existing file (never a link)")
    .action(async (file: string, opts: { template: string; list?: boolean; force?: boolean }) => {
      const names = templates();
      if (opts.list) {
        io.out(names.join("\n"));
        return setExit(EXIT_OK);
      }
      if (!names.includes(opts.template)) {
        throw new UsageError(`unknown template \`${opts.template}\``, `one of: ${names.join(", ")}`);
      }
      const target = resolve(file);
      let text = readFileSync(join(examplesDir(), `${opts.template}.yaml`), "utf8");
      // Point the editor at the schema shipped with hlab, relative to where the spec is written.
      const schema = relative(dirname(target), join(examplesDir(), "..", "schema", "homelab.schema.json"));
      text = text.replace(
        /^# yaml-language-server: \$schema=.*$/m,
        `# yaml-language-server: $schema=${schema}`,
      );
      try {
        await writeUserFile(target, text, { force: opts.force });
      } catch (err) {
        if (err instanceof UsageError && err.code === "file-exists")
          throw new UsageError(
            `${file} already exists; hlab init never overwrites a file`,
            "pick another name, move the file away, or pass --force to replace it",
            "file-exists",
          );
        throw err;
      }
      io.err(`wrote ${file} from template ${opts.template}; next: hlab check ${file}`);
      setExit(EXIT_OK);
    });
}
