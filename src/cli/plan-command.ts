// `hlab plan SPEC`: is the design really highly available? Prints the plan report (terminal, --json
// or --markdown); --fail explores a failure, --compare puts two designs side by side, --measured
// replaces default failover timings by what `hlab lab` measured.
import { readFile } from "node:fs/promises";
import type { Command } from "commander";
import { hasErrors } from "../diagnostic/diagnostic.js";
import { compare } from "../analyze/compare.js";
import { buildDependencyGraph } from "../analyze/dependency-graph.js";
import {
  FailoverCosts,
  parseMeasured,
  parseTimingOption,
  type TimingOverrides,
} from "../analyze/failover-costs.js";
import type { SimulationOptions } from "../analyze/monte-carlo.js";
import { planModel, type PlanOptions } from "../analyze/plan.js";
import type { ComponentId, PlanReport } from "../analyze/plan-report.js";
import {
  renderCompareMarkdown,
  renderPlanMarkdown,
  renderWhatIfMarkdown,
} from "../analyze/report-markdown.js";
import { renderCompareText, renderPlanText, renderWhatIfText } from "../analyze/report-text.js";
import { resolveFailures, whatIfGraph } from "../analyze/what-if.js";
import type { Model } from "../model/model.js";
import { loadSpecFile, type LoadResult } from "../spec/load.js";
import { didYouMean } from "../util/suggest.js";
import { changePlan, maintenancePlan, printChangePlan, writeRunbook } from "./plan-change.js";
import { diagnosticsJson, EXIT_FINDINGS, EXIT_OK, printDiagnostics, UsageError, type Io } from "./output.js";

interface PlanFlags {
  json?: boolean;
  markdown?: boolean;
  fail: string[];
  compare?: string;
  measured?: string;
  timings: string[];
  simulate?: boolean | string;
  seed?: string;
  to?: string;
  rollingMaintenance?: boolean;
  upgradeK3s?: string;
  runbook?: string;
  force?: boolean;
}

const collect = (value: string, previous: string[]): string[] => [
  ...previous,
  ...value.split(",").filter(Boolean),
];

async function readMeasured(file: string): Promise<TimingOverrides["measured"]> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (err) {
    throw new UsageError(
      `cannot read ${file}: ${(err as NodeJS.ErrnoException).code === "ENOENT" ? "no such file" : (err as Error).message}`,
      "give the JSON file `hlab lab` wrote",
    );
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new UsageError(
      `${file} is not JSON: ${(err as Error).message}`,
      "give the file `hlab lab measure` wrote",
    );
  }
  const m = parseMeasured(value);
  if (typeof m === "string")
    throw new UsageError(`${file}: ${m}`, 'expected {"timings": {"<name>": milliseconds}, "source": "..."}');
  return m;
}

/** The simulator's bounds: its seed is 32 bits, and its cost grows with the years simulated. */
const MAX_SEED = 2 ** 32 - 1;
const MAX_YEARS = 100_000;

function simulationOptions(flags: PlanFlags): SimulationOptions | boolean | undefined {
  if (flags.seed !== undefined && flags.simulate === undefined)
    throw new UsageError("--seed only seeds the simulator", "add --simulate");
  if (flags.simulate === undefined) return undefined;
  const seed = flags.seed !== undefined ? Number(flags.seed) : undefined;
  if (seed !== undefined && !(/^\d+$/.test(flags.seed!.trim()) && seed <= MAX_SEED))
    throw new UsageError(
      `--seed wants a whole number from 0 to ${MAX_SEED}, not \`${flags.seed}\``,
      "e.g. --seed 42; the same seed gives the same figures",
    );
  const years = typeof flags.simulate === "string" ? Number(flags.simulate) : undefined;
  if (years !== undefined && !(years >= 1 && years <= MAX_YEARS))
    throw new UsageError(
      `--simulate wants a number of years from 1 to ${MAX_YEARS}, not \`${flags.simulate}\``,
      "e.g. --simulate 1000, or --simulate alone for as many years as the default event budget allows",
    );
  return { ...(seed !== undefined ? { seed } : {}), ...(years !== undefined ? { years } : {}) };
}

export function registerPlan(program: Command, io: Io, setExit: (code: number) => void): void {
  program
    .command("plan")
    .description(
      "analyse a design: IP plan, capacity and N+1, quorum and failure domains, availability per service\n" +
        "exit 0: no error finding; 1: an error finding (with --fail: a service goes down); 2: usage",
    )
    .argument("<spec>", "homelab.yaml (or homelab.config.ts)")
    .option("--json", "print the report as JSON")
    .option("--markdown", "print the report as Markdown, for your docs")
    .option(
      "--fail <target>",
      "what if host:NAME, nic:NAME, gear:NAME or guest:NAME fails (repeatable)",
      collect,
      [],
    )
    .option("--compare <spec>", "put a second design side by side (A = <spec>, B = this one)")
    .option("--to <spec>", "the ordered, quorum-safe steps from <spec> (as running) to this next design")
    .option("--rolling-maintenance", "each host drained and rebooted in turn, with every service's state")
    .option("--upgrade-k3s <version>", "upgrade K3s to <version>: one minor at a time, servers then agents")
    .option("--runbook <file>", "with a change: also write the steps and their commands as Markdown")
    .option("--force", "with --runbook: replace a file hlab did not write")
    .option("--measured <file>", "failover timings measured by `hlab lab` (JSON) instead of the defaults")
    .option(
      "--timings <name=ms>",
      "override a failover timing, e.g. k8s.podEviction=60000 (repeatable)",
      collect,
      [],
    )
    .option("--simulate [years]", "cross-check every figure with the Monte Carlo simulator")
    .option("--seed <n>", "seed of the simulator (default fixed, so runs repeat)")
    .action(async (file: string, flags: PlanFlags) => {
      if (flags.json && flags.markdown)
        throw new UsageError("--json and --markdown are exclusive", "choose one of them");
      const option = parseTimingOption(flags.timings);
      if (typeof option === "string") throw new UsageError(option, "e.g. --timings k8s.podEviction=60000");
      const timings: TimingOverrides = {
        option,
        ...(flags.measured ? { measured: await readMeasured(flags.measured) } : {}),
      };
      const simulate = simulationOptions(flags);
      if (flags.fail.length && flags.compare)
        throw new UsageError(
          "--fail and --compare are exclusive",
          "run the what-if and the comparison apart",
        );
      if (flags.fail.length && simulate !== undefined)
        throw new UsageError(
          "--simulate and --seed apply to the plan report, not to --fail",
          "run the plan with --simulate, and --fail on its own",
        );

      const changeModes = [flags.to, flags.rollingMaintenance, flags.upgradeK3s].filter(Boolean).length;
      if (changeModes > 1)
        throw new UsageError(
          "--to, --rolling-maintenance and --upgrade-k3s are exclusive",
          "plan one change at a time",
        );
      if ((flags.runbook || flags.force) && !changeModes)
        throw new UsageError(
          "--runbook writes a change's steps",
          "add --to NEXT, --rolling-maintenance or --upgrade-k3s",
        );
      if (changeModes && (flags.fail.length || flags.compare || simulate !== undefined))
        throw new UsageError("a change is planned on its own", "drop --fail, --compare and --simulate");

      const loaded = await load(io, file, flags);
      if (!loaded) {
        setExit(EXIT_FINDINGS);
        return;
      }
      const options: PlanOptions = {
        timings,
        findings: loaded.diagnostics,
        ...(simulate !== undefined ? { simulate } : {}),
      };

      if (flags.rollingMaintenance || flags.upgradeK3s) {
        const plan = maintenancePlan(loaded.model!, file, flags);
        printChangePlan(io, plan, flags);
        if (flags.runbook) await writeRunbook(io, plan, flags.runbook, !!flags.force, [file]);
        setExit(EXIT_OK);
        return;
      }
      if (flags.to) {
        const next = await load(io, flags.to, flags);
        if (!next) {
          setExit(EXIT_FINDINGS);
          return;
        }
        const plan = changePlan(loaded.model!, next.model!, file, flags.to);
        printChangePlan(io, plan, flags);
        if (flags.runbook) await writeRunbook(io, plan, flags.runbook, !!flags.force, [file, flags.to]);
        setExit(EXIT_OK);
        return;
      }

      if (flags.fail.length) {
        const failed = failures(loaded.model!, flags.fail);
        const graph = buildDependencyGraph(loaded.model!, new FailoverCosts(loaded.model!, timings));
        const result = whatIfGraph(loaded.model!, graph, failed);
        if (flags.json) io.out(JSON.stringify(result, null, 2));
        else if (flags.markdown) io.out(renderWhatIfMarkdown(result));
        else io.out(renderWhatIfText(result, { color: io.color }));
        setExit(result.services.some((s) => s.status === "down") ? EXIT_FINDINGS : EXIT_OK);
        return;
      }

      const report = planModel(loaded.model!, options);
      if (flags.compare) {
        const other = await load(io, flags.compare, flags);
        if (!other) {
          setExit(EXIT_FINDINGS);
          return;
        }
        const reportB = planModel(other.model!, { ...options, findings: other.diagnostics });
        const result = compare(report, reportB);
        if (flags.json) io.out(JSON.stringify(result, null, 2));
        else if (flags.markdown) io.out(renderCompareMarkdown(result));
        else io.out(renderCompareText(result, { color: io.color }));
        setExit(report.summary.errors || reportB.summary.errors ? EXIT_FINDINGS : EXIT_OK);
        return;
      }
      output(io, report, loaded, flags);
      // The verdict may say "not sound" for a single-host lab; only error findings fail the command.
      setExit(report.summary.errors ? EXIT_FINDINGS : EXIT_OK);
    });
}

/** Loads a spec; on errors prints them the way `hlab check` does and returns undefined. */
async function load(io: Io, file: string, flags: PlanFlags): Promise<LoadResult | undefined> {
  const r = await loadSpecFile(file);
  if (r.model && !hasErrors(r.diagnostics)) return r;
  if (flags.json) io.out(diagnosticsJson(r.diagnostics));
  else printDiagnostics(io, r.diagnostics, [r.source]);
  io.err(`hlab plan: ${file} has errors; fix them first (\`hlab check ${file}\`)`);
  return undefined;
}

function failures(model: Model, texts: readonly string[]): ComponentId[] {
  try {
    return resolveFailures(model, texts);
  } catch (err) {
    throw new UsageError((err as Error).message, failureHint(model, texts));
  }
}

/** Did-you-mean among the names of the kind a --fail value names, else the general examples. */
function failureHint(model: Model, texts: readonly string[]): string {
  const names: Record<string, string[]> = {
    host: model.hosts.map((h) => h.name),
    guest: model.guests.map((g) => g.name),
    gear: model.gear.map((g) => g.name),
    nic: model.hosts.flatMap((h) => h.nics.map((n) => n.id)),
  };
  for (const t of texts) {
    const [kind, name] = t.split(":");
    const known = kind !== undefined ? names[kind] : undefined;
    if (known && name && !known.includes(name)) return didYouMean(name, known, `${kind}s:`);
  }
  return "e.g. --fail host:pve-01, --fail nic:p1/eth0, --fail gear:isp-box, --fail guest:k3s-1";
}

function output(io: Io, report: PlanReport, loaded: LoadResult, flags: PlanFlags): void {
  if (flags.json) io.out(JSON.stringify(report, null, 2));
  else if (flags.markdown) io.out(renderPlanMarkdown(report));
  else
    io.out(
      renderPlanText(report, { color: io.color, sources: new Map([[loaded.source.file, loaded.source]]) }),
    );
}
