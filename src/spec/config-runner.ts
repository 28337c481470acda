// Runs in a child process of `hlab` (src/spec/config-module.ts starts it): imports one homelab config
// and prints what it exports after a marker line, so that a config which loops, exits or throws ends
// only this process, and the loader can tell each of those from a spec.
import { pathToFileURL } from "node:url";

const [mode, target, marker] = process.argv.slice(2);

async function stdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

async function result(): Promise<string> {
  try {
    const url =
      mode === "file"
        ? pathToFileURL(target ?? "").href
        : `data:text/javascript;base64,${Buffer.from(await stdin()).toString("base64")}`;
    const mod = (await import(url)) as Record<string, unknown>;
    const value = mod.homelab ?? mod.default;
    if (value === undefined) return JSON.stringify({ missing: Object.keys(mod) });
    return JSON.stringify({ spec: value });
  } catch (err) {
    return JSON.stringify({ error: err instanceof Error ? err.message : String(err) });
  }
}

const line = `\n${marker}${await result()}\n`;
// Exits itself: a timer or server the config left running must not keep the child alive.
process.stdout.write(line, () => process.exit(0));
