// Commands beyond the foundation register here, one file each.
import type { Command } from "commander";
import { registerBuild } from "./build-command.js";
import { registerLab } from "./lab-command.js";
import type { Io } from "./output.js";
import { registerPlan } from "./plan-command.js";
import { registerSecrets } from "./secrets-command.js";
import { registerUi } from "./ui-command.js";

export function registerExtensions(program: Command, io: Io, setExit: (code: number) => void): void {
  registerPlan(program, io, setExit);
  registerBuild(program, io, setExit);
  registerSecrets(program, io, setExit);
  registerLab(program, io, setExit);
  registerUi(program, io, setExit);
}
