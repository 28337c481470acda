import type { Command } from "commander";
import { writeOwnedFile } from "../emit/write.js";
import { jsonSchema } from "../spec/json-schema.js";
import { EXIT_OK, type Io } from "./output.js";

export function registerSchema(program: Command, io: Io, setExit: (code: number) => void): void {
  program
    .command("schema")
    .description("print the spec's JSON Schema (draft-07) for editor completion")
    .option("--out <file>", "write it to a file instead")
    .action(async (opts: { out?: string }) => {
      const text = JSON.stringify(jsonSchema(), null, 2) + "\n";
      if (opts.out) await writeOwnedFile(opts.out, text);
      else io.out(text);
      setExit(EXIT_OK);
    });
}
