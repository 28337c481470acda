// Commands beyond the foundation register here, one file each. Their modules pull in the analyser,
// the generators, the secret store, the lab and the dashboard (five times the code `hlab check`
// needs), so each is imported only when its command runs; help and unknown commands load them all
// so that the command list and "did you mean" stay complete (issue 17: quick CLI).
import type { Command } from "commander";
import type { Io } from "./output.js";

type Register = (program: Command, io: Io, setExit: (code: number) => void) => void;

/** In the order `hlab --help` lists them. */
const EXTENSIONS: Record<string, () => Promise<Register>> = {
  plan: async () => (await import("./plan-command.js")).registerPlan,
  build: async () => (await import("./build-command.js")).registerBuild,
  secrets: async () => (await import("./secrets-command.js")).registerSecrets,
  lab: async () => (await import("./lab-command.js")).registerLab,
  ui: async () => (await import("./ui-command.js")).registerUi,
  versions: async () => (await import("./versions-command.js")).registerVersions,
};

/**
 * Registers the extension commands `argv` may run: none for a foundation command (`foundation`),
 * the named one alone, or all of them when the command is not one we know (help, a typo, none).
 * Global options take no value, so the command is the first argument that is not an option.
 */
export async function registerExtensions(
  program: Command,
  io: Io,
  setExit: (code: number) => void,
  argv: readonly string[],
  foundation: readonly string[],
): Promise<void> {
  const command = argv.find((a) => !a.startsWith("-"));
  if (command !== undefined && foundation.includes(command)) return;
  const load = EXTENSIONS[command ?? ""];
  const registers = load ? [await load()] : await Promise.all(Object.values(EXTENSIONS).map((f) => f()));
  for (const register of registers) register(program, io, setExit);
}
