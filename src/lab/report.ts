// Text renderings of the lab's results: `lab up`, `status`, `down`, `doctor` and the run report
// (availability, outages, failover percentiles, split brain, lost writes, the plan beside the
// measurement). Stand-ins are named wherever their results appear.
import type { DoctorCheck } from "./doctor.js";
import type { DownReport, UpResult } from "./lifecycle.js";
import type { LabReport } from "./runner.js";
import type { CorosyncStatus, LabStatus } from "./status.js";
import { vipMoverText } from "./lab-plan.js";

const paint = (on: boolean, code: number, s: string): string => (on ? `\x1b[${code}m${s}\x1b[0m` : s);
const good = (c: boolean, s: string): string => paint(c, 32, s);
const bad = (c: boolean, s: string): string => paint(c, 31, s);
const dim = (c: boolean, s: string): string => paint(c, 2, s);

export const fmtMs = (ms: number | null | undefined): string =>
  ms === null || ms === undefined
    ? "-"
    : ms >= 10_000
      ? `${(ms / 1000).toFixed(1)} s`
      : ms >= 1000
        ? `${(ms / 1000).toFixed(2)} s`
        : `${Math.round(ms)} ms`;

export function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => visible(r[i] ?? "").length)));
  const line = (cells: string[]): string =>
    cells
      .map((c, i) => c + " ".repeat(widths[i]! - visible(c).length))
      .join("  ")
      .trimEnd();
  return [line(header), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)].join("\n");
}

// eslint-disable-next-line no-control-regex
const visible = (s: string): string => s.replace(/\x1b\[\d+m/g, "");

/** What corosync-quorumtool says, and where it departs from the plan's arithmetic. */
function corosyncLine(c: CorosyncStatus, color: boolean): string {
  if (c.error) return bad(color, c.error);
  const votes = `${c.totalVotes}/${c.expectedVotes} votes${c.quorumVotes !== undefined ? `, quorum ${c.quorumVotes}` : ""}`;
  const said = c.quorate ? good(color, `quorate (${votes})`) : bad(color, `NOT quorate (${votes})`);
  const p = c.planned;
  if (!p) return said;
  const differs: string[] = [];
  if (p.quorate !== c.quorate) differs.push(p.quorate ? "quorate" : "not quorate");
  if (c.quorumVotes !== undefined && c.quorumVotes !== p.quorumVotes) differs.push(`quorum ${p.quorumVotes}`);
  if (c.expectedVotes !== undefined && c.expectedVotes !== p.expectedVotes)
    differs.push(`${p.expectedVotes} expected votes`);
  return differs.length ? `${said}; ${bad(color, `the plan says ${differs.join(", ")}`)}` : said;
}

export function renderUp(r: UpResult, color: boolean): string {
  const s = r.state;
  const out: string[] = [];
  out.push(
    `${r.ready ? good(color, "lab ready") : bad(color, "lab NOT ready")}: ${s.id} (${s.plan.model}) in ${fmtMs(r.phases[r.phases.length - 1]?.ms)}; run directory ${s.runDir}`,
  );
  if (!r.ready) {
    out.push(`  still waiting for: ${r.waitingFor.join(", ")}`);
    out.push(
      `  the lab stays up to be inspected (hlab lab status, logs in ${s.runDir}/logs); hlab lab down removes it`,
    );
  }
  out.push(
    "",
    table(
      ["node", "daemon", "note"],
      s.launches.map((l) => [l.node, l.label, l.standin ? "STAND-IN" : ""]),
    ),
  );
  if (r.skipped.length) out.push("", "not started:", ...r.skipped.map((x) => `  ${x.key}: ${x.why}`));
  if (s.notRehearsed?.length) out.push("", ...s.notRehearsed.map((n) => bad(color, n)));
  out.push(
    "",
    "VIPs:",
    ...s.plan.vips.map(
      (v) => `  ${v.address} (${v.purposes.join(", ")}): ${vipMoverText(v)} on ${v.candidates.join(" | ")}`,
    ),
  );
  if (s.adjustments.length)
    out.push(
      "",
      "adjustments to run the generated configs in namespaces (configs unchanged):",
      ...s.adjustments.map((a) => `  - ${a}`),
    );
  if (s.plan.notes.length) out.push("", "not rehearsed:", ...s.plan.notes.map((n) => `  - ${n}`));
  out.push(
    "",
    dim(
      color,
      "next: hlab lab status | hlab lab chaos host-down <host> | hlab lab run <scenario.yaml> | hlab lab down",
    ),
  );
  return out.join("\n");
}

export function renderStatus(s: LabStatus, color: boolean): string {
  const out: string[] = [`lab ${s.id} (${s.model}), ${s.phase}`];
  if (s.poweredOff.length) out.push(`powered off: ${s.poweredOff.join(", ")}`);
  if (s.faults.length)
    out.push(
      `active faults: ${s.faults.map((f) => `${f.id} ${f.kind} ${f.target}${f.detail ? `:${f.detail}` : ""} (${fmtMs(f.sinceMs)}${f.endsInMs !== undefined ? `, ends in ${fmtMs(f.endsInMs)}` : ""})`).join("; ")}`,
    );
  out.push(
    "",
    table(
      ["VIP", "for", "held by", ""],
      s.vips.map((v) => [
        v.address,
        v.purposes.join(","),
        v.heldBy.length === 0
          ? bad(color, "nobody")
          : v.heldBy.length > 1
            ? bad(color, v.heldBy.join(" AND "))
            : v.heldBy[0]!,
        vipMoverText(v),
      ]),
    ),
  );
  if (s.etcd) {
    const e = s.etcd;
    out.push(
      "",
      `etcd: ${e.quorum ? good(color, "quorum") : bad(color, "NO QUORUM")}, leader ${e.leader ?? "none"}, ${e.healthy}/${e.size} members answer`,
    );
  }
  for (const c of s.corosync) out.push(`corosync ${c.node}: ${corosyncLine(c, color)}`);
  for (const n of s.notRehearsed ?? []) out.push(bad(color, n));
  for (const d of s.databases) {
    out.push(
      "",
      `database ${d.name}${d.standin ? " (Patroni stand-in for CloudNativePG)" : ""}: primary ${d.primary ?? bad(color, "none")}${d.error ? ` (${d.error})` : ""}`,
      ...d.members.map(
        (m) => `  ${m.node}: ${m.role}, ${m.state}${m.lagBytes !== undefined ? `, lag ${m.lagBytes} B` : ""}`,
      ),
    );
  }
  if (s.backends.length) {
    out.push(
      "",
      table(
        ["haproxy on", "proxy", "server", "status"],
        s.backends.map((b) => [
          b.node,
          b.proxy,
          b.server,
          b.status.startsWith("UP") ? good(color, b.status) : bad(color, b.status),
        ]),
      ),
    );
  }
  const dead = s.processes.filter((p) => !p.alive);
  out.push(
    "",
    `${s.processes.length - dead.length}/${s.processes.length} processes running${dead.length ? `; stopped: ${dead.map((p) => p.key).join(", ")}` : ""}`,
  );
  return out.join("\n");
}

export function renderDown(r: DownReport): string {
  if (!r.namespaces.length && !r.processes) return `lab ${r.id}: nothing to remove`;
  const lines = [
    `lab ${r.id} removed: ${r.processes} processes, ${r.namespaces.length} namespaces, ${r.links.length} root links${r.runDir ? `, ${r.runDir}` : ""}`,
  ];
  if (r.leftovers.length)
    lines.push(`  still present (state file kept, run down again): ${r.leftovers.join(", ")}`);
  return lines.join("\n");
}

export function renderDoctor(checks: DoctorCheck[], color: boolean): string {
  const rows = checks.map((c) => [
    c.ok ? good(color, "ok") : c.required ? bad(color, "MISSING") : paint(color, 33, "missing"),
    c.name,
    c.ok ? (c.detail ?? "") : `${c.why}${c.fix ? `: ${c.fix}` : ""}${c.detail ? ` (${c.detail})` : ""}`,
  ]);
  const missing = checks.filter((c) => !c.ok && c.required);
  return `${table(["", "check", "why / fix"], rows)}\n\n${missing.length ? bad(color, `${missing.length} required checks failed`) + "; scripts/setup.sh installs the packages" : good(color, "this machine can run the lab")}`;
}

export function renderReport(r: LabReport, color: boolean): string {
  const out: string[] = [];
  out.push(
    `scenario ${r.scenario.name} on lab ${r.lab} (${r.model}), ${fmtMs(r.durationMs)} measured, probes every 50 ms`,
  );
  if (r.standins.length) out.push(dim(color, `stand-ins: ${r.standins.join("; ")}`));
  out.push(
    "",
    table(
      ["probe", "via", "probes", "availability", "outages", "p50", "p95", "max"],
      r.targets.map((t) => {
        const s = r.failover.byTarget[t.id];
        return [
          t.id,
          t.vip ?? "-",
          String(t.probes),
          `${(t.availability * 100).toFixed(3)} %`,
          String(t.outages),
          fmtMs(s?.p50),
          fmtMs(s?.p95),
          fmtMs(s?.max),
        ];
      }),
    ),
  );
  for (const f of r.faults) {
    out.push(
      "",
      `${f.id} at ${fmtMs(f.atMs)}: ${f.kind} ${f.target}${f.requested ? ` (${f.requested})` : ""}${f.durationMs ? `, ${fmtMs(f.durationMs)}` : ""}: ${f.description}`,
    );
    if (f.rows.length) {
      out.push(
        table(
          ["  probe", "plan predicts", "measured (longest outage)", "after restore", "why (plan)"],
          f.rows.map((row) => [
            `  ${row.target}`,
            row.predicted
              ? `${row.predicted.ms === null ? "until restored" : fmtMs(row.predicted.ms)}${row.predicted.partial ? " (partial)" : ""}`
              : "no outage",
            row.measuredMs === null
              ? "no outage"
              : `${fmtMs(row.measuredMs)}${row.outages > 1 ? ` (${row.outages} outages)` : ""}`,
            row.afterRestoreMs === null ? "-" : fmtMs(row.afterRestoreMs),
            row.predicted?.because ?? "",
          ]),
        ),
      );
    }
  }
  if (r.skipped.length) out.push("", ...r.skipped.map((s) => `step ${s.step + 1} skipped: ${s.why}`));
  out.push(
    "",
    `failover (every outage a fault caused): ${r.failover.overall.count} outages, p50 ${fmtMs(r.failover.overall.p50)}, p95 ${fmtMs(r.failover.overall.p95)}, max ${fmtMs(r.failover.overall.max)}`,
  );
  out.push(
    `split brain: ${r.splitBrain.length === 0 ? good(color, "none") : bad(color, r.splitBrain.map((s) => `${s.vip} on ${s.nodes.join("+")} for ${fmtMs(s.ms)}`).join("; "))}` +
      (r.handovers.count
        ? dim(
            color,
            ` (${r.handovers.count} handovers: two holders for at most one advertisement interval, longest ${r.handovers.maxMs} ms)`,
          )
        : ""),
  );
  for (const w of r.writes) {
    out.push(
      `writes to ${w.database}: ${w.acknowledged} acknowledged, ${w.checked ? (w.lost.length ? bad(color, `${w.lost.length} LOST`) : good(color, "none lost")) : bad(color, "not checked")}`,
    );
  }
  out.push(
    "",
    r.verdict.ok ? good(color, "verdict: ok") : bad(color, `verdict: ${r.verdict.problems.join("; ")}`),
  );
  return out.join("\n");
}
