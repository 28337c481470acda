// The plan as Markdown, for the user's own documentation (`hlab plan --markdown > docs/plan.md`):
// the same content as the terminal report, in the same order (verdict, errors, tables, the other
// findings), in tables, with the assumptions spelled out.
import type { Diagnostic } from "../diagnostic/diagnostic.js";
import { displayName, hoursText, mibText, msText, percent } from "./format.js";
import type { CompareResult, PlanReport, WhatIfResult } from "./plan-report.js";
import { hostLossLines } from "./report-text.js";
import { EXPOSURE_LEGEND, exposureRows } from "./exposure.js";
import { RECOVERY_LEGEND, recoveryRows } from "./recovery-findings.js";

const cell = (t: string): string => t.replace(/\|/g, "\\|").replace(/\n/g, " ");

function mdTable(head: readonly string[], rows: readonly (readonly string[])[]): string[] {
  return [
    `| ${head.map(cell).join(" | ")} |`,
    `|${head.map(() => "---").join("|")}|`,
    ...rows.map((r) => `| ${r.map(cell).join(" | ")} |`),
  ];
}

export function renderPlanMarkdown(r: PlanReport): string {
  const out: string[] = [`# Plan: ${r.name}`, "", `Spec: \`${r.file}\`.`, "", `**${r.summary.verdict}**`, ""];
  for (const l of r.summary.lines) out.push(`- ${l}`);
  const errors = r.findings.filter((d) => d.severity === "error");
  const others = r.findings.filter((d) => d.severity !== "error");
  if (errors.length) out.push("", "## Errors", "", ...errors.map(findingLine));
  out.push("", "## Availability", "");
  out.push(
    ...mdTable(
      [
        "Service",
        "Availability",
        "Target",
        "Down a year",
        "One host lost",
        "Single points of failure",
        "Largest contributor",
        "Method",
      ],
      r.availability.services.map((s) => [
        displayName(s),
        `${percent(s.availability)}${s.ci ? ` (95 % CI ${percent(s.ci[0])}–${percent(s.ci[1])})` : ""}`,
        s.target !== undefined ? `${percent(s.target)} ${s.meetsTarget ? "met" : "**missed**"}` : "",
        hoursText(s.downtimeHoursPerYear),
        s.survivesAnyOneHost ? "survives" : "**lost**",
        s.spofs.map((x) => `\`${x}\``).join(", ") || "none",
        s.largestContributor
          ? `\`${s.largestContributor.component}\` (${hoursText(s.largestContributor.hoursPerYear)})`
          : "",
        s.method,
      ]),
    ),
  );
  out.push("", "### Losing one host", "");
  for (const l of hostLossLines(
    r.availability.services,
    r.capacity.hosts.map((h) => h.host),
  ))
    out.push(`- ${l}`);
  out.push("", "### Per service", "");
  for (const s of r.availability.services) {
    const bits = [...(s.placement.length ? [`runs on ${s.placement.join(", ")}`] : []), ...s.notes];
    bits.push(s.survivesAnyTwoHosts ? "survives any two hosts" : "does not survive every pair of hosts");
    if (s.fatalPairCount)
      bits.push(
        `${s.fatalPairCount} fatal pair(s) of failures, e.g. ${s.fatalPairs
          .slice(0, 3)
          .map((p) => p.join(" + "))
          .join("; ")}`,
      );
    out.push(`- **${displayName(s)}**: ${bits.join("; ")}.`);
  }
  if (r.recovery.services.length) {
    const [head, ...rows] = recoveryRows(r.recovery);
    out.push("", "## Recovery", "", ...mdTable(head!, rows), "", RECOVERY_LEGEND);
  }
  if (r.exposure.services.length) {
    const [head, ...rows] = exposureRows(r.exposure);
    out.push("", "## Exposure", "", ...mdTable(head!, rows), "", EXPOSURE_LEGEND + ".");
  }
  out.push("", "## Failure domains and quorum", "");
  out.push(
    ...mdTable(
      ["Layer", "Members (host)", "Needed", "Tolerates", "Summary"],
      r.failureDomains.map((l) => [
        l.title,
        l.members.map((m) => `${m.name} (${m.host})`).join(", "),
        String(l.needed),
        `${l.toleratedHostFailures} host(s)`,
        l.summary,
      ]),
    ),
  );
  out.push("", "## Capacity", "");
  out.push(
    ...mdTable(
      ["Host", "CPU", "Memory (guests + Proxmox / total)", "Disk (GiB)", "Guests"],
      r.capacity.hosts.map((h) => [
        h.host,
        `${h.cpu.committed}/${h.cpu.available}`,
        `${mibText(h.memoryMiB.committed)} + ${mibText(h.memoryMiB.overhead)} / ${mibText(h.memoryMiB.available)}`,
        h.diskGiB.available === null
          ? `${h.diskGiB.committed} (no disks declared)`
          : `${h.diskGiB.committed} + ${h.diskGiB.overhead} / ${h.diskGiB.available}`,
        h.guests.join(", "),
      ]),
    ),
  );
  out.push("", `N+1: ${r.capacity.nPlusOne ? "yes" : "no"}.`, "");
  out.push("## IP plan", "");
  for (const n of r.ipPlan.networks) {
    out.push(
      `### ${n.name} ${n.cidr}${n.vlan !== undefined ? ` (VLAN ${n.vlan})` : ""}`,
      "",
      `${n.usedAddresses} of ${n.usableAddresses} host addresses in use. Bridge \`${n.bridge}\`.`,
      "",
    );
    out.push(
      ...mdTable(
        ["Address", "Kind", "Owner", "MAC"],
        n.entries.map((e) => [
          e.size > 1 ? `${e.address}–${e.last}` : e.address,
          e.kind,
          e.owner,
          e.mac ?? "",
        ]),
      ),
    );
    out.push(
      "",
      `Free: ${n.free.map((f) => (f.size > 1 ? `${f.first}–${f.last} (${f.size})` : f.first)).join(", ") || "nothing"}.`,
      "",
    );
  }
  if (r.ipPlan.other.length) {
    out.push(
      "### Outside the LAN",
      "",
      ...mdTable(
        ["Range", "Owner"],
        r.ipPlan.other.map((e) => [e.size > 1 ? `${e.address}–${e.last}` : e.address, e.owner]),
      ),
      "",
    );
  }
  out.push("## Failover timings", "");
  out.push(
    ...mdTable(
      ["Timing", "Value", "Source"],
      r.availability.timings.map((t) => [
        t.name,
        msText(t.ms),
        `${t.source}${t.detail ? ` (${t.detail})` : ""}`,
      ]),
    ),
  );
  out.push("", "## Assumptions", "");
  for (const a of r.availability.assumptions) out.push(`- ${a}`);
  out.push(
    "",
    "The model, its formulas and where each default comes from: hlab's docs/availability-model.md.",
    "",
  );
  out.push("## Warnings and notes", "");
  if (!others.length) out.push("None.");
  out.push(...others.map(findingLine));
  return out.join("\n") + "\n";
}

const findingLine = (d: Diagnostic): string =>
  `- **${d.severity} ${d.code}** \`${d.file}${d.line ? `:${d.line}` : ""}\` (${d.path || "spec"}): ${d.message}. *Hint:* ${d.hint}.`;

export function renderWhatIfMarkdown(r: WhatIfResult): string {
  const out = ["# What if", "", ...r.lines.map((l) => `- ${l}`), ""];
  out.push(
    ...mdTable(
      ["Service", "Status", "Outage", "Steps"],
      r.services.map((s) => [
        displayName(s),
        s.status,
        s.status === "up" ? "" : msText(s.outageMs),
        s.steps.map((st) => `${st.mechanism} ${msText(st.ms)}`).join(", "),
      ]),
    ),
  );
  return out.join("\n") + "\n";
}

export function renderCompareMarkdown(r: CompareResult): string {
  const out = [`# Compare`, "", `A: \`${r.a.file}\` (${r.a.name}). B: \`${r.b.file}\` (${r.b.name}).`, ""];
  out.push(
    ...mdTable(
      ["Service", "A", "B", "Why"],
      r.rows.map((row) => [
        displayName(row),
        row.a ? `${percent(row.a.availability)} (${hoursText(row.a.downtimeHoursPerYear)}/y)` : "",
        row.b ? `${percent(row.b.availability)} (${hoursText(row.b.downtimeHoursPerYear)}/y)` : "",
        row.why.join("; "),
      ]),
    ),
  );
  out.push("", ...r.lines.map((l) => `- ${l}`));
  return out.join("\n") + "\n";
}
