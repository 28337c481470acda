// `hlab lab`: rehearse the spec on this machine with the real daemons in network namespaces, break
// it on purpose and measure what a user would see. Subcommands: up, status, chaos, run, measure,
// down, doctor. Everything but doctor needs root.
import { existsSync, statSync } from "node:fs";
import { isAbsolute, relative } from "node:path";
import type { Command } from "commander";
import { hasErrors } from "../diagnostic/diagnostic.js";
import {
  applyFault,
  FAULT_KINDS,
  parseFaultArgs,
  restoreFaults,
  scheduleRestore,
  type FaultSpec,
} from "../lab/chaos.js";
import { START_WAVES } from "../lab/daemons/build.js";
import { runDoctor } from "../lab/doctor.js";
import { probeExposure, renderExposureProbes } from "../lab/exposure-probe.js";
import { labDown, labsOfSpec, labUp, readableLabs, recordedAlive, waitFor } from "../lab/lifecycle.js";
import { measuredTimings } from "../lab/measured-file.js";
import { renderDrill, type DrillReport } from "../lab/drill/drill-report.js";
import { drillDatabase } from "../lab/drill/restore-database.js";
import { drillEtcd } from "../lab/drill/restore-etcd.js";
import {
  drillArchiveTimeoutMs,
  drillSnapshotIntervalMs,
  drillMeasuredFile,
} from "../lab/drill/drill-defaults.js";
import { renderDoctor, renderDown, renderReport, renderStatus, renderUp } from "../lab/report.js";
import { runScenario } from "../lab/runner.js";
import { defaultMeasureScenario, loadScenarioFile } from "../lab/scenario.js";
import { labStatus } from "../lab/status.js";
import { isLabId } from "../lab/names.js";
import { terminalSessions } from "../lab/procfs.js";
import { listLabs, readState, stateDir, statePath, type LabState } from "../lab/state.js";
import { isUserError } from "../diagnostic/user-error.js";
import { didYouMean } from "../util/suggest.js";
import { writeOwnedFile } from "../emit/write.js";
import { loadSpecFile } from "../spec/load.js";
import { durationMs } from "../model/units.js";
import type { Model } from "../model/model.js";
import { EXIT_FINDINGS, EXIT_OK, printDiagnostics, UsageError, type Io } from "./output.js";

interface LabSelect {
  lab?: string;
}

/** A `--lab` value: a lab id (it names the state file, so nothing else may reach the file system). */
function labIdOption(id: string, labs: string[]): string {
  if (!isLabId(id))
    throw new UsageError(
      `\`${id}\` is not a lab id`,
      labs.length
        ? `labs up: ${labs.join(", ")}`
        : "a lab id looks like hl1a2b; `hlab lab up SPEC` prints it",
    );
  return id;
}

/** A duration option within bounds, or a usage error giving the allowed range. */
export function durationOption(flag: string, value: string, min: number, max: number): number {
  let ms: number;
  try {
    ms = durationMs(value);
  } catch {
    ms = NaN;
  }
  if (!(ms >= min && ms <= max))
    throw new UsageError(
      `${flag} wants a duration from ${fmtDuration(min)} to ${fmtDuration(max)}, not \`${value}\``,
      `write a number with its unit, e.g. ${flag} ${fmtDuration(Math.min(max, Math.max(min, 20_000)))} (units: ms, s, m, h)`,
    );
  return ms;
}

const fmtDuration = (ms: number): string =>
  ms % 3_600_000 === 0
    ? `${ms / 3_600_000}h`
    : ms % 60_000 === 0
      ? `${ms / 60_000}m`
      : ms % 1000 === 0
        ? `${ms / 1000}s`
        : `${ms}ms`;

/** A lab's state, or a usage error when its file cannot be read (nothing else is known of the lab). */
async function readStateOrExplain(id: string): Promise<LabState | undefined> {
  try {
    return await readState(id);
  } catch (err) {
    throw new UsageError(
      `the state file of lab ${id} (${statePath(id)}) cannot be read: ${(err as Error).message}`,
      `remove what is left of the lab by hand (\`ip netns list | grep ${id}\`), then that file`,
    );
  }
}

/** A lab as the user knows it: its id, the spec it runs (relative to here when below) and its age. */
function labLine(s: LabState): string {
  const rel = relative(process.cwd(), s.spec);
  const spec = rel && !rel.startsWith("..") && !isAbsolute(rel) ? rel : s.spec;
  return `${s.id} (${spec}, up since ${s.createdAt})`;
}

/** The labs up, to choose from; or how to start one. */
async function labsUpHint(start = "SPEC"): Promise<string> {
  const labs = await readableLabs();
  return labs.length
    ? `labs up: ${labs.map(labLine).join("; ")}`
    : `start one with \`hlab lab up ${start}\` (labs of another HLAB_LAB_STATE_DIR than ${stateDir()} are not seen)`;
}

/** The lab a command means: `--lab ID`, the spec it runs, or the only one up. */
async function selectLab(opts: LabSelect, spec?: string): Promise<LabState> {
  if (spec !== undefined) {
    if (opts.lab !== undefined)
      throw new UsageError(
        "give the lab by its spec or by --lab ID, not both",
        `e.g. \`hlab lab status ${spec}\` or \`hlab lab status --lab ${opts.lab}\``,
      );
    const matching = await labsOfSpec(spec);
    if (matching.length === 0) throw new UsageError(`no lab of ${spec} is up`, await labsUpHint(spec));
    if (matching.length > 1)
      throw new UsageError(
        `${matching.length} labs of ${spec} are up: ${matching.map((m) => m.id).join(", ")}`,
        `choose one with --lab ID: ${matching.map(labLine).join("; ")}`,
      );
    return matching[0]!;
  }
  const labs = await listLabs();
  if (opts.lab !== undefined) labIdOption(opts.lab, labs);
  const id = opts.lab ?? (labs.length === 1 ? labs[0] : undefined);
  if (!id) {
    if (labs.length === 0) throw new UsageError("no lab is up", await labsUpHint());
    throw new UsageError(
      `several labs are up: ${labs.join(", ")}`,
      `name one by its spec (\`hlab lab status SPEC\`) or with --lab ID; ${await labsUpHint()}`,
    );
  }
  const state = await readStateOrExplain(id);
  if (!state) throw new UsageError(`no lab ${id}`, await labsUpHint());
  return state;
}

/**
 * `lab chaos [SPEC] FAULT [TARGETS...]`: a first word that is no fault but names a spec file is the
 * lab's spec (fault kinds are fixed words, so the two never overlap).
 */
export function splitChaosArgs(words: string[]): { spec?: string; fault?: string; targets: string[] } {
  const [first, ...rest] = words;
  const isFault = first === "restore" || (FAULT_KINDS as readonly string[]).includes(first ?? "");
  if (first !== undefined && !isFault && (SPEC_FILE.test(first) || isFile(first)))
    return { spec: first, fault: rest[0], targets: rest.slice(1) };
  return { fault: first, targets: rest };
}

const SPEC_FILE = /\.(ya?ml|json|[cm]?[jt]s)$/i;
const isFile = (p: string): boolean => existsSync(p) && statSync(p).isFile();

function requireRoot(): void {
  if (process.getuid?.() !== 0)
    throw new UsageError(
      "the lab needs root (network namespaces, bridges, daemons)",
      "run it with sudo, and see `hlab lab doctor`",
    );
}

async function loadModel(io: Io, path: string): Promise<Model | undefined> {
  const r = await loadSpecFile(path);
  if (hasErrors(r.diagnostics) || !r.model) {
    printDiagnostics(io, r.diagnostics, [r.source]);
    return undefined;
  }
  return r.model;
}

const parseList = (v: string): string[] =>
  v
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);

/** Daemon kinds `--skip` may name: every kind the lab starts, and `db` for a database's whole stack. */
const SKIPPABLE = [...START_WAVES.flat(), "db"];

function parseSkip(v: string): string[] {
  const kinds = parseList(v);
  for (const k of kinds)
    if (!SKIPPABLE.includes(k))
      throw new UsageError(`--skip: no daemon kind \`${k}\``, didYouMean(k, SKIPPABLE, "kinds:"));
  return kinds;
}

function parsePatroni(v: string | undefined): { ttl?: number; loopWait?: number; retryTimeout?: number } {
  if (!v) return {};
  const out: Record<string, number> = {};
  for (const part of parseList(v)) {
    const [k, val] = part.split("=");
    const key = k === "loop_wait" ? "loopWait" : k === "retry_timeout" ? "retryTimeout" : k;
    if (!["ttl", "loopWait", "retryTimeout"].includes(key ?? "") || !val || !/^\d+$/.test(val)) {
      throw new UsageError(
        `--patroni: cannot read \`${part}\``,
        "write e.g. --patroni ttl=20,loop_wait=5,retry_timeout=5 (seconds)",
      );
    }
    out[key!] = Number(val);
  }
  return out;
}

/**
 * The labs `down --all` removes, or undefined when the person at the terminal said no. Labs started
 * from this shell's terminal go without asking; any other (another terminal's, a script's, a test's)
 * is listed first and confirmed at a terminal, or needs --yes in a script, so an `--all` typed in
 * one window never removes a colleague's lab unseen.
 */
async function labsForAll(
  io: Io,
  opts: LabSelect & { yes?: boolean },
  spec: string | undefined,
): Promise<string[] | undefined> {
  if (spec !== undefined || opts.lab !== undefined)
    throw new UsageError(
      "--all takes neither a spec nor --lab",
      "`hlab lab down SPEC` removes that spec's lab, `hlab lab down --all` every lab",
    );
  const ids = await listLabs();
  const here = await terminalSessions();
  const states = new Map(
    await Promise.all(ids.map(async (id) => [id, await readState(id).catch(() => undefined)] as const)),
  );
  const others = ids.filter((id) => !states.get(id)?.startedFrom?.some((t) => here.includes(t)));
  if (others.length === 0 || opts.yes) return ids;
  const list = others
    .map((id) => {
      const s = states.get(id);
      return `  ${s ? labLine(s) : `${id} (its state file cannot be read)`}`;
    })
    .join("\n");
  const count = others.length === 1 ? "1 lab" : `${others.length} labs`;
  if (!io.ask)
    throw new UsageError(
      `--all would remove ${count} this shell did not start:\n${list}`,
      "add --yes to remove them too, or name the lab: `hlab lab down SPEC` or `--lab ID`",
    );
  io.err(`this shell did not start ${count}:\n${list}`);
  const answer = await io.ask(`remove ${ids.length === 1 ? "it" : `all ${ids.length} labs`}? [y/N] `);
  return /^y(es)?$/i.test(answer.trim()) ? ids : undefined;
}

export function registerLab(program: Command, io: Io, setExit: (code: number) => void): void {
  const lab = program
    .command("lab")
    .description(
      "rehearse the spec with the real daemons in network namespaces; inject faults; measure failover",
    );

  lab
    .command("up")
    .description(
      "build the lab: a namespace per host and guest, a bridge per network, the daemons running the generated configs",
    )
    .argument("<spec>", "homelab.yaml")
    .option(
      "--dir <dir>",
      "run directory for configs, data and logs (must not exist; default /tmp/hlab-lab-<id>)",
    )
    .option(
      "--skip <kinds>",
      "daemon kinds not to start, comma-separated (etcd, corosync, keepalived, haproxy, kubevip-standin, ingress-standin, patroni, db-router, db)",
    )
    .option(
      "--patroni <timings>",
      "Patroni timings in seconds, e.g. ttl=20,loop_wait=5,retry_timeout=5 (default: Patroni's 30/10/10)",
    )
    .option("--keep-logs", "keep the logs when the lab goes down")
    .option("--timeout <duration>", "give up waiting for the lab to be ready after this long", "120s")
    .option("--again", "start another lab even though one of this spec is up")
    .option("--json", "print the result as JSON")
    .action(
      async (
        spec: string,
        opts: {
          dir?: string;
          skip?: string;
          patroni?: string;
          keepLogs?: boolean;
          timeout: string;
          again?: boolean;
          json?: boolean;
        },
      ) => {
        requireRoot();
        // Every option is read before anything is loaded or started.
        const readyTimeoutMs = durationOption("--timeout", opts.timeout, 1000, 3_600_000);
        const skip = opts.skip ? parseSkip(opts.skip) : [];
        const patroni = parsePatroni(opts.patroni);
        const model = await loadModel(io, spec);
        if (!model) return setExit(EXIT_FINDINGS);
        let result: Awaited<ReturnType<typeof labUp>>;
        try {
          result = await labUp(model, spec, {
            dir: opts.dir,
            keepLogs: opts.keepLogs,
            skip,
            patroni,
            readyTimeoutMs,
            again: opts.again,
            progress: opts.json ? undefined : (line) => io.err(`  ${line}`),
          });
        } catch (err) {
          if (isUserError(err)) throw err;
          // The machine refused (a command failed): the lab was taken down, its logs kept.
          io.err(`hlab: ${(err as Error).message}\n  = hint: hlab lab doctor says what this machine lacks`);
          return setExit(EXIT_FINDINGS);
        }
        io.out(opts.json ? JSON.stringify(upJson(result), null, 2) : renderUp(result, io.color));
        setExit(result.ready ? EXIT_OK : EXIT_FINDINGS);
      },
    );

  lab
    .command("probe")
    .description(
      "measure who reaches each service: an HTTP request per name from a client on each segment and from the VPN side (a labelled stand-in)",
    )
    .argument("<what>", "exposure")
    .option("--lab <id>", "the lab (default: the only one up)")
    .option("--json", "print the probes as JSON")
    .action(async (what: string, opts: LabSelect & { json?: boolean }) => {
      if (what !== "exposure")
        throw new UsageError(`cannot probe \`${what}\``, "write `hlab lab probe exposure`");
      requireRoot();
      const state = await selectLab(opts);
      const model = await loadModel(io, state.spec);
      if (!model) return setExit(EXIT_FINDINGS);
      const probes = await probeExposure(state.plan, model);
      io.out(opts.json ? JSON.stringify(probes, null, 2) : renderExposureProbes(probes));
      setExit(probes.every((p) => p.reachable === p.meant) ? EXIT_OK : EXIT_FINDINGS);
    });

  lab
    .command("status")
    .description(
      "who holds each VIP, etcd and Corosync quorum, PostgreSQL primary and replicas, HAProxy backends",
    )
    .argument("[spec]", "the spec whose lab to show (default: the only lab up)")
    .option("--lab <id>", "the lab (default: the only one up)")
    .option("--json", "print the status as JSON")
    .action(async (spec: string | undefined, opts: LabSelect & { json?: boolean }) => {
      requireRoot();
      const state = await selectLab(opts, spec);
      const status = await labStatus(state, recordedAlive);
      io.out(opts.json ? JSON.stringify(status, null, 2) : renderStatus(status, io.color));
    });

  lab
    .command("chaos")
    .description(`inject one fault now: ${FAULT_KINDS.join(", ")}; or \`restore\` to undo every active fault`)
    .usage("[spec] <fault> [targets...] [options]")
    .argument("<fault>", "the fault, or `restore` (after the spec whose lab it means, if given)")
    .argument(
      "[targets...]",
      "host, guest, `host:nic`, `node:process`, or two comma-separated groups for a partition",
    )
    .option("--lab <id>", "the lab (default: the only one up)")
    .option("--every <duration>", "nic-flap: how long the NIC stays down, then up", "2s")
    .option(
      "--for <duration>",
      "undo the fault after this long (nic-flap: stop flapping), even if this command is stopped; default: until `restore`",
    )
    .option(
      "--background",
      "with --for: return at once; the fault ends by itself (`lab status` shows when, `chaos restore` ends it sooner)",
    )
    .option("--percent <n>", "loss: the share of packets dropped", "20")
    .option("--json", "print what was done as JSON")
    .action(
      async (
        first: string,
        rest: string[],
        opts: LabSelect & {
          every: string;
          for?: string;
          background?: boolean;
          percent: string;
          json?: boolean;
        },
      ) => {
        requireRoot();
        const everyMs = durationOption("--every", opts.every, 100, 3_600_000);
        const forMs = opts.for !== undefined ? durationOption("--for", opts.for, 100, 86_400_000) : undefined;
        if (opts.background && forMs === undefined)
          throw new UsageError(
            "--background needs --for (a fault without an end lasts until `hlab lab chaos restore` anyway)",
            "e.g. hlab lab chaos host-down HOST --for 20s --background",
          );
        const { spec: labSpec, fault, targets } = splitChaosArgs([first, ...rest]);
        if (fault === undefined)
          throw new UsageError(
            `after the spec ${labSpec}, name the fault`,
            `e.g. hlab lab chaos ${labSpec} host-down HOST; faults: ${FAULT_KINDS.join(", ")}, restore`,
          );
        const state = await selectLab(opts, labSpec);
        if (fault === "restore") {
          const active = state.faults.map((f) => f.id);
          const unknown = targets.filter((t) => !active.includes(t));
          if (unknown.length)
            throw new UsageError(
              `no active fault ${unknown.map((u) => `\`${u}\``).join(", ")} in lab ${state.id}`,
              active.length ? didYouMean(unknown[0]!, active, "active faults:") : "no fault is active",
            );
          const undone = await restoreFaults(state.id, targets.length ? targets : undefined);
          io.out(
            opts.json
              ? JSON.stringify({ restored: undone }, null, 2)
              : undone.length
                ? `restored: ${undone.join(", ")}`
                : "no active fault",
          );
          return;
        }
        const spec: FaultSpec = parseFaultArgs(state.plan, fault, targets, {
          everyMs,
          forMs,
          percent: Number(opts.percent),
        });
        const applied = await applyFault(state.id, spec);
        // The end is kept by a detached timer, so neither --background nor a closed terminal leaves
        // the fault on for good.
        const until = spec.forMs ? await scheduleRestore(state.id, applied.id, spec.forMs) : undefined;
        const ends = until ? `${new Date(until).toISOString().slice(11, 19)} UTC` : "";
        const sel = `--lab ${state.id}`;
        io.out(
          opts.json
            ? JSON.stringify(
                { ...applied, ...(until ? { until: new Date(until).toISOString() } : {}) },
                null,
                2,
              )
            : `${applied.id} ${applied.kind} ${applied.target}: ${applied.description}${until ? ` (for ${fmtDuration(spec.forMs!)}, until ${ends})` : " (until `hlab lab chaos restore`)"}`,
        );
        if (!until) return;
        const restoreNow = `\`hlab lab chaos restore ${applied.id} ${sel}\` ends it now`;
        if (opts.background) {
          io.err(`  it ends by itself at ${ends}; watch it: \`hlab lab status ${sel}\`; ${restoreNow}`);
          return;
        }
        io.err(
          `  watch from another terminal: \`hlab lab status ${sel}\`; Ctrl-C stops waiting here (the fault still ends at ${ends}; ${restoreNow})`,
        );
        const gone = async (): Promise<boolean> =>
          !(await readState(state.id))?.faults.some((f) => f.id === applied.id);
        // The timer's grace: a loaded machine may wake it late; past that, undone from here.
        if (!(await waitFor(gone, spec.forMs! + 30_000, 200))) await restoreFaults(state.id, [applied.id]);
        if (!opts.json) io.out(`restored ${applied.id}`);
      },
    );

  const runAction = async (
    scenarioPath: string | undefined,
    opts: LabSelect & { json?: boolean; measured?: string; out?: string },
    measure: boolean,
  ): Promise<void> => {
    requireRoot();
    const file = measure ? (opts.out ?? "hlab-measured.json") : opts.measured;
    // Checked before the run, so minutes of measuring are not lost to a path that cannot be written.
    if (file && existsSync(file) && statSync(file).isDirectory())
      throw new UsageError(`${file} is a directory`, "give a file name for the measured timings");
    const state = await selectLab(opts);
    const model = await loadModel(io, state.spec);
    if (!model) return setExit(EXIT_FINDINGS);
    let scenario;
    if (scenarioPath) {
      const loaded = await loadScenarioFile(scenarioPath, state.plan);
      if (hasErrors(loaded.diagnostics) || !loaded.scenario) {
        printDiagnostics(io, loaded.diagnostics, [loaded.source]);
        return setExit(EXIT_FINDINGS);
      }
      scenario = loaded.scenario;
    } else scenario = defaultMeasureScenario(state.plan, { patroniTtlS: state.patroni?.ttl });
    const report = await runScenario(state, model, scenario, {
      progress: opts.json ? undefined : (l: string) => io.err(`  ${l}`),
    });
    io.out(opts.json ? JSON.stringify(report, null, 2) : renderReport(report, io.color));
    if (file) {
      const measured = measuredTimings(
        report,
        `hlab lab ${measure ? "measure" : `run ${scenarioPath}`} on ${state.spec}`,
      );
      try {
        await writeOwnedFile(file, JSON.stringify(measured, null, 2) + "\n");
      } catch (err) {
        io.out(JSON.stringify(measured, null, 2));
        throw new UsageError(
          `cannot write ${file}: ${(err as Error).message}`,
          "the timings are printed above; save them to a file you can write",
        );
      }
      if (!opts.json) io.out(`measured timings written to ${file} (use: hlab plan --measured ${file})`);
    }
    setExit(report.verdict.ok ? EXIT_OK : EXIT_FINDINGS);
  };

  lab
    .command("run")
    .description(
      "run a scenario file (a YAML schedule of faults) while probing every VIP every 50 ms; report outages",
    )
    .argument("<scenario>", "scenario YAML")
    .option("--lab <id>", "the lab (default: the only one up)")
    .option("--measured <file>", "also write the measured failover timings for `hlab plan --measured`")
    .option("--json", "print the report as JSON")
    .action((scenario: string, opts: LabSelect & { json?: boolean; measured?: string }) =>
      runAction(scenario, opts, false),
    );

  lab
    .command("measure")
    .description(
      "take down, in turn, whatever holds each VIP, the etcd leader and each database primary; write the measured timings",
    )
    .option("--lab <id>", "the lab (default: the only one up)")
    .option("--out <file>", "where to write the timings", "hlab-measured.json")
    .option("--json", "print the report as JSON")
    .action((opts: LabSelect & { json?: boolean; out?: string }) => runAction(undefined, opts, true));

  const drill = lab
    .command("drill")
    .description("rehearse a disaster: back up, destroy, restore with the real tools, measure RTO and RPO");
  drill
    .command("restore")
    .description(
      "while numbered writes flow: back up a database (pgBackRest to another lab machine, WAL archived) or etcd (snapshot), destroy every member, restore, measure RTO and RPO beside the plan's prediction",
    )
    .argument("<what>", "a database of the spec, or `etcd`")
    .option("--lab <id>", "the lab (default: the only one up)")
    .option("--write <duration>", "how long writes flow after the backup before the disaster", "15s")
    .option(
      "--archive-timeout <duration>",
      "PostgreSQL's archive_timeout for the drill (default: the plan's)",
    )
    .option(
      "--to <duration>",
      "point-in-time restore: to this long after the base backup ended (pgBackRest --type=time)",
    )
    .option(
      "--snapshot-interval <duration>",
      "etcd: the snapshot schedule's interval, the predicted RPO (default: the plan's)",
    )
    .option("--timeout <duration>", "give up waiting for the restored service after this long", "180s")
    .option("--measured <file>", "also write the measured recovery figures for `hlab plan --measured`")
    .option("--json", "print the report as JSON")
    .action(
      async (
        what: string,
        opts: LabSelect & {
          write: string;
          archiveTimeout?: string;
          to?: string;
          snapshotInterval?: string;
          timeout: string;
          measured?: string;
          json?: boolean;
        },
      ) => {
        requireRoot();
        const writeMs = durationOption("--write", opts.write, 1000, 3_600_000);
        const timeoutMs = durationOption("--timeout", opts.timeout, 10_000, 3_600_000);
        const toMs = opts.to !== undefined ? durationOption("--to", opts.to, 100, 3_600_000) : undefined;
        const archive =
          opts.archiveTimeout !== undefined
            ? durationOption("--archive-timeout", opts.archiveTimeout, 1000, 3_600_000)
            : undefined;
        const interval =
          opts.snapshotInterval !== undefined
            ? durationOption("--snapshot-interval", opts.snapshotInterval, 1000, 31 * 86_400_000)
            : undefined;
        if (opts.measured && existsSync(opts.measured) && statSync(opts.measured).isDirectory())
          throw new UsageError(
            `${opts.measured} is a directory`,
            "give a file name for the measured figures",
          );
        const state = await selectLab(opts);
        const model = await loadModel(io, state.spec);
        if (!model) return setExit(EXIT_FINDINGS);
        const names = [...state.plan.databases.map((d) => d.name), ...(state.plan.etcd ? ["etcd"] : [])];
        if (!names.includes(what))
          throw new UsageError(
            `nothing called \`${what}\` to restore in lab ${state.id}`,
            names.length
              ? didYouMean(what, names, "it can restore:")
              : "this lab runs no database and no etcd",
          );
        if (what === "etcd" && (toMs !== undefined || archive !== undefined))
          throw new UsageError(
            "--to and --archive-timeout are for a database",
            "etcd restores its snapshot as it was",
          );
        const progress = opts.json ? undefined : (l: string): void => io.err(`  ${l}`);
        const report: DrillReport =
          what === "etcd"
            ? await drillEtcd(state, model, {
                writeMs,
                snapshotIntervalMs: interval ?? drillSnapshotIntervalMs(model),
                timeoutMs,
                progress,
              })
            : await drillDatabase(state, model, what, {
                writeMs,
                archiveTimeoutMs: archive ?? drillArchiveTimeoutMs(model, what),
                pointInTimeMs: toMs,
                timeoutMs,
                progress,
              });
        io.out(opts.json ? JSON.stringify(report, null, 2) : renderDrill(report));
        if (opts.measured) {
          const file = drillMeasuredFile([report], `hlab lab drill restore ${what} on ${state.spec}`);
          await writeOwnedFile(opts.measured, JSON.stringify(file, null, 2) + "\n");
          if (!opts.json)
            io.out(
              `measured recovery figures written to ${opts.measured} (use: hlab plan --measured ${opts.measured})`,
            );
        }
        setExit(report.verdict.ok ? EXIT_OK : EXIT_FINDINGS);
      },
    );

  lab
    .command("down")
    .description("remove every namespace, bridge, process and file the lab created (also after a crash)")
    .argument("[spec]", "the spec whose lab to remove (default: the only lab up)")
    .option("--lab <id>", "the lab (default: the only one up)")
    .option(
      "--all",
      "every lab of this state directory; labs this shell did not start are listed and confirmed first (a terminal) or need --yes (a script)",
    )
    .option("--yes", "with --all: also remove labs this shell did not start, without asking")
    .option("--keep-logs", "keep the run directory's logs")
    .option("--json", "print what was removed as JSON")
    .action(
      async (
        spec: string | undefined,
        opts: LabSelect & { all?: boolean; yes?: boolean; keepLogs?: boolean; json?: boolean },
      ) => {
        requireRoot();
        let ids: string[];
        if (opts.all) {
          const chosen = await labsForAll(io, opts, spec);
          if (!chosen) {
            io.err("nothing removed");
            return setExit(EXIT_FINDINGS);
          }
          ids = chosen;
        } else if (spec !== undefined) ids = [(await selectLab(opts, spec)).id];
        else {
          const labs = await listLabs();
          if (opts.lab !== undefined) ids = [labIdOption(opts.lab, labs)];
          else if (labs.length > 1)
            throw new UsageError(
              `several labs are up: ${labs.join(", ")}`,
              `name one by its spec (\`hlab lab down SPEC\`) or with --lab ID, or all with --all; ${await labsUpHint()}`,
            );
          else ids = labs;
        }
        const reports = [];
        for (const id of ids) {
          await readStateOrExplain(id);
          reports.push(await labDown(id, { keepLogs: opts.keepLogs }));
        }
        io.out(
          opts.json
            ? JSON.stringify(reports, null, 2)
            : reports.length
              ? reports.map((r) => renderDown(r)).join("\n")
              : "no lab is up",
        );
        setExit(reports.some((r) => r.leftovers.length) ? EXIT_FINDINGS : EXIT_OK);
      },
    );

  lab
    .command("doctor")
    .description("check that this machine can run the lab: root, kernel features, the daemons' packages")
    .option("--json", "print the checks as JSON")
    .action(async (opts: { json?: boolean }) => {
      const checks = await runDoctor();
      io.out(opts.json ? JSON.stringify(checks, null, 2) : renderDoctor(checks, io.color));
      setExit(
        checks.some((c: { ok: boolean; required: boolean }) => !c.ok && c.required) ? EXIT_FINDINGS : EXIT_OK,
      );
    });
}

function upJson(r: Awaited<ReturnType<typeof labUp>>): unknown {
  return {
    id: r.state.id,
    runDir: r.state.runDir,
    ready: r.ready,
    waitingFor: r.waitingFor,
    phases: r.phases,
    daemons: r.state.launches.map((l) => ({ key: l.key, label: l.label, standin: l.standin })),
    skipped: r.skipped,
    adjustments: r.state.adjustments,
    notes: r.state.plan.notes,
    vips: r.state.plan.vips,
  };
}
