// The terminal as the CLI tests see it: what a command printed, with newlines as processIo adds them.
import type { Io } from "../../src/cli/output.js";

export function captureIo(): Io & { stdout: string; stderr: string } {
  const o = {
    stdout: "",
    stderr: "",
    color: false,
    out(t: string) {
      o.stdout += t.endsWith("\n") ? t : t + "\n";
    },
    err(t: string) {
      o.stderr += t.endsWith("\n") ? t : t + "\n";
    },
  };
  return o;
}
