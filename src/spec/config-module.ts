// A typed spec (homelab.config.ts/.js) is a program: it runs in a child process with a time limit
// and an output limit, and what becomes of it is observed. A config that loops is stopped and named
// with the limit; one that exits, throws or exports nothing is an error saying so, never a silent
// pass. TypeScript is transpiled here, so only the transpiled module runs in the child.
import { randomBytes } from "node:crypto";
import { fileURLToPath } from "node:url";
import { diagnosticAt, type Diagnostic } from "../diagnostic/diagnostic.js";
import { UserError } from "../diagnostic/user-error.js";
import { run } from "../process/run.js";
import { CONFIG_TIMEOUT_ENV, formatBytes, MAX_SPEC_BYTES_ENV } from "./limits.js";

export interface ConfigRunOptions {
  timeoutMs: number;
  maxBytes: number;
}

export type ConfigOutcome = { value: unknown } | { problem: Diagnostic };

const runnerPath = (): string => fileURLToPath(new URL("./config-runner.js", import.meta.url));

async function transpile(text: string): Promise<string> {
  const ts = await import("typescript").catch(() => undefined);
  if (!ts)
    throw new UserError(
      "loading a .ts config needs the `typescript` package",
      "npm i -D typescript, or write the spec as YAML",
      "missing-dependency",
    );
  // defineHomelab is the identity: the config needs nothing from hlab at run time, so the import
  // is replaced rather than resolved from a data: URL (which cannot resolve bare specifiers).
  return ts
    .transpileModule(text, {
      compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
    })
    .outputText.replace(/^import\s*\{[^}]*\}\s*from\s*["']hlab["'];?$/m, "const defineHomelab = (s) => s;");
}

const lastLines = (text: string, n = 5): string => {
  const lines = text.trim().split("\n").slice(-n);
  return lines.map((l) => (l.length > 200 ? `${l.slice(0, 200)}...` : l)).join(" / ");
};

/** Runs the config at `path` (its source is `text`) and returns what it exports, or why there is nothing. */
export async function runConfigModule(
  path: string,
  text: string,
  opts: ConfigRunOptions,
): Promise<ConfigOutcome> {
  const isTs = /\.m?ts$/.test(path);
  const marker = `@@hlab-config-${randomBytes(8).toString("hex")}@@`;
  const r = await run(process.execPath, [runnerPath(), isTs ? "source" : "file", path, marker], {
    input: isTs ? await transpile(text) : "",
    timeoutMs: opts.timeoutMs,
    // The spec comes back as JSON, about the size of its source; what the config prints counts too.
    maxOutputBytes: opts.maxBytes * 2,
  });
  const problem = (message: string, hint: string): ConfigOutcome => ({
    problem: diagnosticAt("HL042", { file: path, line: 0, column: 0 }, message, hint),
  });
  if (r.timedOut)
    return problem(
      `the config did not produce its spec within ${opts.timeoutMs / 1000} s (stopped)`,
      `a config should only build and export its spec: look for a loop or a wait that never ends; to allow longer, set ${CONFIG_TIMEOUT_ENV} (e.g. ${CONFIG_TIMEOUT_ENV}=30s)`,
    );
  if (r.overflowed)
    return problem(
      `the config wrote more than ${formatBytes(opts.maxBytes * 2)} of output (stopped)`,
      `a spec is far smaller: look for a loop that prints or builds without end; to allow more, set ${MAX_SPEC_BYTES_ENV}`,
    );
  const at = r.stdout.lastIndexOf(marker);
  if (at < 0) {
    const said = lastLines(r.stderr);
    return problem(
      `the config exited (code ${r.code}) before it produced a spec${said ? `: ${said}` : ""}`,
      "a config must not call process.exit(): export the spec with `export const homelab = defineHomelab({...})`",
    );
  }
  const json = r.stdout.slice(at + marker.length).trim();
  let out: { spec?: unknown; missing?: string[]; error?: string };
  try {
    out = JSON.parse(json) as typeof out;
  } catch {
    return problem(
      "the config's spec could not be read back",
      "export plain data: maps, lists, text and numbers",
    );
  }
  if (out.error !== undefined)
    return problem(
      `the config failed: ${out.error.length > 300 ? `${out.error.slice(0, 300)}...` : out.error}`,
      "run it with node to see where, or write the spec as YAML",
    );
  if (out.missing !== undefined)
    return problem(
      `the config exports neither \`homelab\` nor a default${out.missing.length ? ` (it exports ${out.missing.slice(0, 5).join(", ")})` : ""}`,
      "export the spec with `export const homelab = defineHomelab({...})`",
    );
  return { value: out.spec };
}
