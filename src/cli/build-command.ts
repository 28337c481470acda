import type { Command } from "commander";
import type { Io } from "./output.js";

export function registerBuild(_program: Command, _io: Io, _setExit: (code: number) => void): void {}
