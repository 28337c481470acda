import type { Command } from "commander";
import { writeUserFile } from "../emit/write.js";
import { jsonSchema } from "../spec/json-schema.js";
import { EXIT_OK, type Io } from "./output.js";

/** An earlier `hlab schema --out`: replacing it needs no --force. */
function isSchemaFile(existing: Buffer, schema: Record<string, unknown>): boolean {
  try {
    const s = JSON.parse(existing.toString("utf8")) as { title?: unknown; $schema?: unknown };
    return s.title === schema.title && s.$schema === schema.$schema;
  } catch {
    return false;
  }
}

export function registerSchema(program: Command, io: Io, setExit: (code: number) => void): void {
  program
    .command("schema")
    .description("print the spec's JSON Schema (draft-07) for editor completion")
    .option("--out <file>", "write it to a file instead (replaces only an earlier schema, unless --force)")
    .option("--force", "replace a file that is not an earlier schema (never a link)")
    .action(async (opts: { out?: string; force?: boolean }) => {
      const schema = jsonSchema();
      const text = JSON.stringify(schema, null, 2) + "\n";
      if (opts.out)
        await writeUserFile(opts.out, text, {
          force: opts.force,
          isOurs: (existing) => isSchemaFile(existing, schema),
          what: "--out",
        });
      else io.out(text);
      setExit(EXIT_OK);
    });
}
