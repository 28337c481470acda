// The plan for a terminal: the verdict first, then the error findings, then availability, what each
// host failure does, failure domains, capacity, the IP plan, the timings used, and the warnings and
// notes, findings rendered like `hlab check`.
import type { Diagnostic, SourceLocator } from "../diagnostic/diagnostic.js";
import { renderDiagnostic } from "../diagnostic/render.js";
import { EXPOSURE_LEGEND, exposureRows } from "./exposure.js";
import { displayName, hoursText, mibText, msText, percent, table } from "./format.js";
import { RECOVERY_LEGEND, recoveryRows } from "./recovery-findings.js";
import type { CompareResult, PlanReport, ServiceAvailability, WhatIfResult } from "./plan-report.js";

export interface TextOptions {
  color: boolean;
  sources?: Map<string, SourceLocator>;
}

const paint = (on: boolean, code: string, text: string): string =>
  on ? `\x1b[${code}m${text}\x1b[0m` : text;

/** One line per host: what its loss does to each service. */
export function hostLossLines(services: readonly ServiceAvailability[], hosts: readonly string[]): string[] {
  const out: string[] = [];
  for (const h of hosts) {
    const id = `host:${h}`;
    const down: string[] = [];
    const over: string[] = [];
    for (const s of services) {
      const o = s.hostFailures.find((f) => f.failed.includes(id));
      if (!o) continue;
      if (o.status === "down") down.push(displayName(s));
      else
        over.push(
          `${displayName(s)} ${msText(o.outageMs)}${o.steps[0] ? ` (${o.steps.map((st) => st.mechanism).join(", ")})` : ""}`,
        );
    }
    const unaffected = services.length - down.length - over.length;
    const parts = [
      down.length ? `down until repaired: ${down.join(", ")}` : "",
      over.length ? `fail over: ${over.join("; ")}` : "",
      unaffected ? `${unaffected} unaffected` : "",
    ].filter(Boolean);
    out.push(`${h}: ${parts.length ? parts.join(" | ") : "nothing depends on it"}`);
  }
  return out;
}

export function renderPlanText(r: PlanReport, opts: TextOptions): string {
  const c = opts.color;
  const h = (t: string): string => paint(c, "1", t);
  const out: string[] = [];
  out.push(h(`hlab plan: ${r.name} (${r.file})`), "");
  out.push(paint(c, r.summary.sound ? "1;32" : "1;31", r.summary.verdict));
  for (const l of r.summary.lines) out.push(`  ${l}`);
  out.push("");
  // The counts are in the summary: each part lists its findings without `hlab check`'s tally.
  const listed = (ds: readonly Diagnostic[]): string =>
    ds.map((d) => renderDiagnostic(d, { color: c, sources: opts.sources })).join("\n\n");
  const errors = r.findings.filter((d) => d.severity === "error");
  const others = r.findings.filter((d) => d.severity !== "error");
  if (errors.length) {
    out.push(h("Errors"), listed(errors), "");
  }

  const av = r.availability;
  const methods = new Set(av.services.map((s) => s.method));
  const how = methods.has("monte-carlo")
    ? methods.has("exact")
      ? "exact enumeration; Monte Carlo where too large to enumerate (95 % CI)"
      : "Monte Carlo simulation (95 % CI)"
    : "exact enumeration";
  out.push(h(`Availability (${how})`));
  const rows = [
    ["SERVICE", "AVAILABILITY", "DOWN/YEAR", "ONE HOST", "SINGLE POINTS OF FAILURE", "LARGEST CONTRIBUTOR"],
  ];
  for (const s of av.services) {
    const target = s.target !== undefined ? ` ${s.meetsTarget ? "≥" : "<"} ${percent(s.target)}` : "";
    const ci = s.ci ? ` ±${((s.ci[1] - s.ci[0]) * 50).toPrecision(2)} %` : "";
    rows.push([
      displayName(s),
      `${percent(s.availability)}${ci}${target}`,
      hoursText(s.downtimeHoursPerYear),
      s.survivesAnyOneHost ? "survives" : "LOST",
      s.spofs.length ? s.spofs.join(", ") : "none",
      s.largestContributor
        ? `${s.largestContributor.component} (${hoursText(s.largestContributor.hoursPerYear)})`
        : "-",
    ]);
  }
  out.push(...table(rows));
  const checks = av.services.filter((s) => s.check);
  if (checks.length && av.monteCarlo) {
    const agree = checks.filter((s) => s.check!.agrees).length;
    out.push(
      `  Monte Carlo cross-check (${Math.round(av.monteCarlo.years)} simulated years, ${av.monteCarlo.events} events, seed ${av.monteCarlo.seed}): ${agree} of ${checks.length} exact figures inside the 95 % interval.`,
    );
  }
  out.push("");

  const hostNames = [...new Set(r.capacity.hosts.map((x) => x.host))];
  out.push(h("Losing one host"));
  for (const l of hostLossLines(av.services, hostNames)) out.push(`  ${l}`);
  out.push("");

  out.push(h("Service details"));
  for (const s of av.services) {
    const bits: string[] = [];
    if (s.placement.length) bits.push(`on ${s.placement.join(", ")}`);
    bits.push(...s.notes);
    if (s.fatalPairCount)
      bits.push(
        `${s.fatalPairCount} fatal pair(s) of failures, e.g. ${s.fatalPairs
          .slice(0, 2)
          .map((p) => p.join(" + "))
          .join("; ")}`,
      );
    bits.push(s.survivesAnyTwoHosts ? "survives any two hosts" : "does not survive every pair of hosts");
    out.push(`  ${displayName(s)}: ${bits.join("; ")}`);
  }
  out.push("");

  if (r.recovery.services.length) {
    out.push(h("Recovery (RPO and RTO per data-bearing service)"));
    out.push(...table(recoveryRows(r.recovery)));
    out.push(`  ${RECOVERY_LEGEND}`);
    out.push("");
  }

  if (r.exposure.services.length) {
    out.push(h("Exposure (who reaches each service's name)"));
    out.push(...table(exposureRows(r.exposure)));
    out.push(`  ${EXPOSURE_LEGEND}`);
    out.push("");
  }

  out.push(h("Failure domains and quorum"));
  out.push(...table(r.failureDomains.map((l) => [l.title, l.summary])));
  out.push("");

  out.push(h(`Capacity (committed + Proxmox's own / available)`));
  const capRows = [["HOST", "CPU", "MEMORY", "DISK", "GUESTS"]];
  for (const x of r.capacity.hosts) {
    const m = x.memoryMiB;
    const d = x.diskGiB;
    capRows.push([
      x.host,
      `${x.cpu.committed}/${x.cpu.available}`,
      `${mibText(m.committed)}${m.overhead ? ` + ${mibText(m.overhead)}` : ""} / ${mibText(m.available)}`,
      d.available === null
        ? `${d.committed} GiB (no disks declared)`
        : `${d.committed}${d.overhead ? ` + ${d.overhead}` : ""} / ${d.available} GiB`,
      x.guests.join(", ") || "-",
    ]);
  }
  out.push(...table(capRows));
  for (const l of r.capacity.hostLoss) {
    const parts: string[] = [];
    if (l.haGuests.length)
      parts.push(
        `HA restarts ${l.placements.map((p) => `${p.guest}→${p.to}`).join(", ") || "nothing"}${l.unplaced.length ? `; no room for ${l.unplaced.join(", ")}` : ""}`,
      );
    if (l.podMemoryMiB)
      parts.push(`pods need ~${mibText(l.podMemoryMiB)}, ~${mibText(l.podMemoryFreeMiB)} free elsewhere`);
    if (parts.length) out.push(`  if ${l.host} fails: ${parts.join("; ")}`);
  }
  out.push(
    `  N+1: ${r.capacity.nPlusOne ? "yes, the other hosts absorb any one host's HA guests and pods" : "no (see the findings)"}`,
  );
  out.push("");

  out.push(h("IP plan"));
  for (const n of r.ipPlan.networks) {
    out.push(
      `  ${n.name} ${n.cidr}${n.vlan !== undefined ? ` VLAN ${n.vlan}` : ""} (bridge ${n.bridge}): ${n.usedAddresses} of ${n.usableAddresses} host addresses in use`,
    );
    out.push(
      ...table(
        n.entries.map((e) => [
          e.size > 1 ? `${e.address}-${e.last}` : e.address,
          e.kind,
          e.owner,
          e.mac ?? "",
        ]),
        "    ",
      ),
    );
    const free = [...n.free].sort((a, b) => b.size - a.size).slice(0, 4);
    if (free.length)
      out.push(
        `    free: ${free.map((f) => (f.size > 1 ? `${f.first}-${f.last} (${f.size})` : f.first)).join(", ")}${n.free.length > 4 ? ", ..." : ""}`,
      );
  }
  if (r.ipPlan.other.length) {
    out.push("  outside the LAN:");
    out.push(
      ...table(
        r.ipPlan.other.map((e) => [e.size > 1 ? `${e.address}-${e.last}` : e.address, e.owner]),
        "    ",
      ),
    );
  }
  out.push("");

  out.push(h("Failover timings used"));
  const shown = av.timings.map(
    (t) =>
      `${t.name} ${msText(t.ms)}${t.source === "default" ? "" : ` (${t.source}${t.detail ? `: ${t.detail}` : ""})`}`,
  );
  out.push(`  ${shown.join(", ")}`);
  const measured = av.timings.filter((t) => t.source === "measured");
  out.push(
    measured.length
      ? `  Measured: ${measured.map((t) => t.name).join(", ")}.`
      : "  All figures are documented defaults or the spec's; `hlab lab` can measure them (--measured).",
  );
  out.push("  Model, formulas and sources: docs/availability-model.md");
  out.push("");

  out.push(h("Warnings and notes"));
  out.push(others.length ? listed(others) : "  none");
  return out.join("\n");
}

export function renderWhatIfText(r: WhatIfResult, opts: { color: boolean }): string {
  const out = [paint(opts.color, "1", "What if"), ...r.lines.map((l) => `  ${l}`), ""];
  const rows = [["SERVICE", "STATUS", "OUTAGE", "STEPS"]];
  for (const s of r.services) {
    rows.push([
      displayName(s),
      s.status,
      s.status === "up" ? "-" : msText(s.outageMs),
      s.steps.map((st) => `${st.mechanism} ${msText(st.ms)}`).join(", ") || "-",
    ]);
  }
  out.push(...table(rows));
  return out.join("\n");
}

export function renderCompareText(r: CompareResult, opts: { color: boolean }): string {
  const out = [
    paint(opts.color, "1", `Compare: A = ${r.a.name} (${r.a.file})  B = ${r.b.name} (${r.b.file})`),
    "",
  ];
  const rows = [["SERVICE", "A", "B", "DOWN/YEAR A", "DOWN/YEAR B"]];
  for (const row of r.rows) {
    rows.push([
      displayName(row),
      row.a ? percent(row.a.availability) : "-",
      row.b ? percent(row.b.availability) : "-",
      row.a ? hoursText(row.a.downtimeHoursPerYear) : "-",
      row.b ? hoursText(row.b.downtimeHoursPerYear) : "-",
    ]);
  }
  out.push(...table(rows), "", paint(opts.color, "1", "Why"));
  for (const row of r.rows) for (const w of row.why) out.push(`  ${displayName(row)}: ${w}`);
  out.push("");
  for (const l of r.lines) out.push(`  ${l}`);
  return out.join("\n");
}
