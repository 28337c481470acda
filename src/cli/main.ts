// The `hlab` command. Each command lives in its own file; this one wires them and owns the exit code
// and the line between user errors (a message, exit 2) and bugs (a stack only with --debug).
import { Command, CommanderError } from "commander";
import { registerCheck } from "./check-command.js";
import { registerInit } from "./init-command.js";
import { EXIT_USAGE, processIo, UsageError, type Io } from "./output.js";
import { registerSchema } from "./schema-command.js";
import { registerExtensions } from "./extensions.js";

/** The commands main registers itself: light modules, loaded on every run. */
const FOUNDATION = ["init", "check", "schema"];

export async function main(argv: string[], io: Io = processIo()): Promise<number> {
  let exitCode = 0;
  const setExit = (c: number): void => {
    exitCode = c;
  };
  const debug = argv.includes("--debug");
  const program = new Command()
    .name("hlab")
    .description("Plan, build and rehearse a highly available homelab from one spec")
    .version("0.1.0")
    .option("--debug", "print stack traces for internal errors")
    .option("--no-color", "never colour the output")
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.out(s), writeErr: (s) => io.err(s) })
    .showSuggestionAfterError(true);
  program.hook("preAction", (cmd) => {
    if (cmd.opts().color === false) io.color = false;
  });
  registerInit(program, io, setExit);
  registerCheck(program, io, setExit);
  registerSchema(program, io, setExit);
  try {
    await registerExtensions(program, io, setExit, argv, FOUNDATION);
    await program.parseAsync(argv, { from: "user" });
    return exitCode;
  } catch (err) {
    if (err instanceof CommanderError) {
      return err.exitCode === 0 ? 0 : EXIT_USAGE;
    }
    if (err instanceof UsageError) {
      io.err(`hlab: ${err.message}\n  = hint: ${err.hint}`);
      return EXIT_USAGE;
    }
    const e = err as Error;
    io.err(`hlab: internal error: ${e.message}`);
    io.err(debug ? (e.stack ?? "") : "  = hint: run again with --debug for the stack trace, and report it");
    return 70;
  }
}
