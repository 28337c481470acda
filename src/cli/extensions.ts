// Commands beyond the foundation (plan, build, secrets, lab, ui) register here, one file each.
import type { Command } from "commander";
import type { Io } from "./output.js";

export function registerExtensions(_program: Command, _io: Io, _setExit: (code: number) => void): void {}
