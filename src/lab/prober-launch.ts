// The prober (standins/prober.ts) started in the client namespace on a set of targets: one way for
// scenario runs and restore drills alike, its records in `dir/probes.jsonl`.
import { writeOwnedFile } from "../emit/write.js";
import { join } from "node:path";
import { standinScript } from "./daemons/context.js";
import { CLIENT_NODE, type LabPlan } from "./lab-plan.js";
import { launch } from "./launcher.js";
import { PROBE_INTERVAL_MS, PROBE_TIMEOUT_MS, type ProberConfig, type ProbeTarget } from "./probe-target.js";
import type { ProcessRecord } from "./state.js";

export async function launchProber(
  plan: LabPlan,
  dir: string,
  targets: ProbeTarget[],
  who: { key: string; label: string },
): Promise<{ record: ProcessRecord; out: string }> {
  const cfg: ProberConfig = {
    intervalMs: PROBE_INTERVAL_MS,
    timeoutMs: PROBE_TIMEOUT_MS,
    out: join(dir, "probes.jsonl"),
    targets,
  };
  const cfgPath = join(dir, "prober.json");
  await writeOwnedFile(cfgPath, JSON.stringify(cfg), 0o600);
  const record = await launch({
    key: who.key,
    node: CLIENT_NODE,
    namespace: plan.nodes.find((n) => n.name === CLIENT_NODE)!.namespace,
    kind: "prober",
    label: who.label,
    standin: false,
    cmd: process.execPath,
    args: [standinScript("prober"), cfgPath],
    binds: [],
    log: cfg.out,
  });
  return { record, out: cfg.out };
}
