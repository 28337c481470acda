// Drives a flapping NIC (seed 003's failure): takes the given links down, waits, brings them up,
// waits, again, until told to stop or its time is up, then leaves them up. One JSON line per change
// on stdout ({"t": ms, "up": bool}), so measurements know exactly when the cable was out.
// Run: node flapper.js CONFIG.json (in the root namespace: it toggles the lab's switch ports).
import { readFileSync } from "node:fs";
import { run } from "../../process/run.js";

export interface FlapperConfig {
  links: { namespace?: string; name: string }[];
  downMs: number;
  upMs: number;
  /** Stop after this long (undefined: until SIGTERM). */
  forMs?: number;
}

async function setAll(cfg: FlapperConfig, up: boolean): Promise<void> {
  await Promise.all(
    cfg.links.map((l) =>
      run("ip", [
        ...(l.namespace ? ["-n", l.namespace] : []),
        "link",
        "set",
        "dev",
        l.name,
        up ? "up" : "down",
      ]),
    ),
  );
  process.stdout.write(JSON.stringify({ t: Date.now(), up }) + "\n");
}

async function main(): Promise<void> {
  const cfg = JSON.parse(readFileSync(process.argv[2]!, "utf8")) as FlapperConfig;
  let stopping = false;
  const stop = async (): Promise<void> => {
    if (stopping) return;
    stopping = true;
    await setAll(cfg, true);
    process.exit(0);
  };
  process.on("SIGTERM", () => void stop());
  process.on("SIGINT", () => void stop());
  const end = cfg.forMs !== undefined ? Date.now() + cfg.forMs : Infinity;
  const sleep = (ms: number): Promise<void> =>
    new Promise((r) => setTimeout(r, Math.max(0, Math.min(ms, end - Date.now()))));
  while (!stopping && Date.now() < end) {
    await setAll(cfg, false);
    await sleep(cfg.downMs);
    if (stopping || Date.now() >= end) break;
    await setAll(cfg, true);
    await sleep(cfg.upMs);
  }
  await stop();
}

void main();
