// The Plan tab: what `hlab plan` computed, drawn. Findings open the spec line they point at; the
// availability table and the capacity bars show the plan's own figures, never recomputed here.
import type {
  HostCapacity,
  HostLossCapacity,
  IpPlan,
  PlanReport,
  ServiceAvailability,
} from "../../analyze/plan-report.js";
import type { Diagnostic } from "../../diagnostic/diagnostic.js";
import type { LabServiceHealth, ModelResponse, PlanResponse, ServiceLink } from "../api-types.js";
import { el, fmtAvailability, fmtHours, fmtMiB } from "./dom.js";

/** Renders the plan; returns the components that are single points of failure of some service. */
export function renderPlan(
  root: HTMLElement,
  plan: PlanResponse | undefined,
  model: ModelResponse,
): string[] {
  root.replaceChildren();
  if (!model.ok) root.append(findingsSection("Spec errors", model.diagnostics, model.lines));
  if (!plan) {
    root.append(el("p", { class: "muted" }, "Computing the plan..."));
    return [];
  }
  if (!plan.available) {
    root.append(el("p", { class: "muted" }, plan.reason));
    return [];
  }
  const r = plan.report;
  const spofs = spofsOf(r);
  root.append(
    summarySection(r),
    tilesSection(r, model.services),
    // Errors first, before any table, as in the terminal report.
    findingsSection(
      "Findings",
      [
        ...r.findings.filter((d) => d.severity === "error"),
        ...r.findings.filter((d) => d.severity !== "error"),
      ],
      model.lines,
    ),
    spofSection(r, spofs),
    availabilitySection(r.availability.services),
    capacitySection(r.capacity.hosts, r.capacity.hostLoss, r.capacity.nPlusOne),
    ipPlanSection(r.ipPlan),
    domainsSection(r),
  );
  return [...spofs.keys()];
}

function summarySection(r: PlanReport): HTMLElement {
  const s = r.summary;
  const verdict = s.sound
    ? el("span", { class: "pill ok" }, "sound")
    : el("span", { class: "pill bad" }, "not sound");
  return el(
    "section",
    { id: "plan-summary" },
    el("h2", {}, "Summary ", verdict),
    // The plan's own sentence, the one the terminal and the Markdown report lead with.
    el("p", { id: "plan-verdict", class: s.sound ? "state-up" : "state-down" }, el("strong", {}, s.verdict)),
    el("ul", { class: "small" }, ...s.lines.map((l) => el("li", {}, l))),
  );
}

/** A start page of the lab: each service, where to open it, and how available the plan says it is. */
function tilesSection(r: PlanReport, links: readonly ServiceLink[]): HTMLElement {
  const byName = new Map(r.availability.services.map((s) => [s.name, s]));
  const tiles = links.map((l) => {
    const a = byName.get(l.name);
    const below = a && l.target !== undefined && a.availability < l.target;
    return el(
      "div",
      { class: `tile${below ? " below" : ""}`, "data-service": l.name },
      el("div", { class: "tile-name" }, l.name),
      l.url
        ? el("a", { href: l.url, target: "_blank", rel: "noopener noreferrer", class: "small" }, l.url)
        : el("span", { class: "small muted" }, "no web address"),
      l.address ? el("div", { class: "small muted" }, `DNS ${l.hostname ?? ""} → ${l.address}`) : undefined,
      el(
        "div",
        { class: "small" },
        a ? `plan ${fmtAvailability(a.availability)}` : "not in the plan",
        l.target !== undefined ? ` · target ${fmtAvailability(l.target)}` : "",
      ),
    );
  });
  return el(
    "section",
    { id: "plan-services" },
    el("h2", {}, "Services"),
    tiles.length
      ? el("div", { class: "tiles" }, ...tiles)
      : el("p", { class: "small" }, "No services declared."),
  );
}

/**
 * Lays the lab's probe of each service over its tile: red when the probe fails, green when it
 * answers, nothing when no lab is up or the lab does not probe it. Called on every lab status, so a
 * tile follows the lab within one refresh.
 */
export function markTilesLive(root: HTMLElement, services: readonly LabServiceHealth[] | undefined): void {
  const byName = new Map((services ?? []).map((s) => [s.name, s]));
  for (const tile of root.querySelectorAll<HTMLElement>(".tile[data-service]")) {
    tile.classList.remove("live-ok", "live-down");
    tile.querySelector(".tile-live")?.remove();
    const h = byName.get(tile.dataset.service ?? "");
    if (!h) continue;
    tile.classList.add(h.ok ? "live-ok" : "live-down");
    tile.append(
      el(
        "div",
        { class: `small tile-live ${h.ok ? "state-up" : "state-down"}` },
        `lab: ${h.ok ? "up" : "down"} (${h.detail})`,
      ),
    );
  }
}

function spofsOf(r: PlanReport): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const s of r.availability.services)
    for (const c of s.spofs) out.set(c, [...(out.get(c) ?? []), s.name]);
  return new Map([...out.entries()].sort(([a], [b]) => a.localeCompare(b)));
}

function spofSection(r: PlanReport, spofs: Map<string, string[]>): HTMLElement {
  const all = r.availability.services.length;
  return el(
    "section",
    { id: "plan-spofs" },
    el("h2", {}, "Single points of failure"),
    spofs.size === 0
      ? el("p", { class: "small" }, "None: every service survives any one failure.")
      : el(
          "ul",
          { class: "plain small" },
          ...[...spofs.entries()].map(([c, services]) =>
            el(
              "li",
              { "data-spof": c },
              el("span", { class: "chipl" }, c),
              services.length === all ? " every service" : ` ${services.join(", ")}`,
            ),
          ),
        ),
    spofs.size > 0 ? el("p", { class: "muted small" }, "Outlined in red in the topology.") : undefined,
  );
}

function availabilitySection(services: ServiceAvailability[]): HTMLElement {
  // SPOFs every service shares are listed once above; the table shows what sets a service apart.
  const shared = services.length
    ? services[0]!.spofs.filter((c) => services.every((s) => s.spofs.includes(c)))
    : [];
  const rows = services.map((s) =>
    el(
      "tr",
      { "data-service": s.name, class: s.meetsTarget === false ? "state-down" : undefined },
      el("td", {}, s.name, s.kind === "platform" ? el("span", { class: "muted" }, " (platform)") : undefined),
      el(
        "td",
        { class: "num" },
        fmtAvailability(s.availability),
        s.ci
          ? el(
              "span",
              { class: "muted", title: `95 % CI ${fmtAvailability(s.ci[0])} - ${fmtAvailability(s.ci[1])}` },
              " ±",
            )
          : undefined,
      ),
      el("td", { class: "num" }, fmtHours(s.downtimeHoursPerYear)),
      el(
        "td",
        { class: "num" },
        s.target !== undefined
          ? `${Number((s.target * 100).toFixed(4))} %${s.meetsTarget ? " ✓" : " ✗"}`
          : "",
      ),
      el(
        "td",
        {},
        ...s.spofs.filter((c) => !shared.includes(c)).map((c) => el("span", { class: "chipl" }, c)),
      ),
    ),
  );
  return el(
    "section",
    { id: "plan-availability" },
    el("h2", {}, "Availability per service"),
    el(
      "table",
      {},
      el(
        "thead",
        {},
        el(
          "tr",
          {},
          el("th", {}, "service"),
          el("th", { class: "num" }, "availability"),
          el("th", { class: "num" }, "down/year"),
          el("th", { class: "num" }, "target"),
          el("th", {}, shared.length ? "other SPOFs" : "SPOFs"),
        ),
      ),
      el("tbody", {}, ...rows),
    ),
  );
}

function bar(used: number, overhead: number, total: number, title: string): HTMLElement {
  const pct = (v: number): string => `${Math.min(100, (v / Math.max(total, 1e-9)) * 100).toFixed(1)}%`;
  return el(
    "div",
    { class: `bar${used + overhead > total ? " over" : ""}`, title },
    el("span", { class: "overhead", style: `width:${pct(overhead + used)}` }),
    el("span", { class: "committed", style: `width:${pct(used)}` }),
  );
}

/** What each segment of the capacity bars means (the classes of .bar > span in page-shell.ts). */
function barLegend(items: [cls: string, label: string][]): HTMLElement {
  return el(
    "p",
    { class: "bar-legend small" },
    ...items.map(([cls, label]) =>
      el("span", { "data-segment": cls }, el("i", { class: `swatch ${cls}` }), label),
    ),
  );
}

/** The IP plan `hlab plan` prints: each network's addresses, who holds them, what is free. */
function ipPlanSection(p: IpPlan): HTMLElement {
  const range = (a: string, b: string, size: number): string => (size > 1 ? `${a}-${b}` : a);
  const nets = p.networks.map((n) => {
    const free = [...n.free].sort((a, b) => b.size - a.size).slice(0, 4);
    return el(
      "div",
      { "data-network": n.name },
      el(
        "h3",
        {},
        `${n.name} ${n.cidr}${n.vlan !== undefined ? ` VLAN ${n.vlan}` : ""} `,
        el(
          "span",
          { class: "small muted" },
          `bridge ${n.bridge} · ${n.usedAddresses} of ${n.usableAddresses} in use`,
        ),
      ),
      el(
        "table",
        { class: "ip-plan" },
        el(
          "thead",
          {},
          el(
            "tr",
            {},
            el("th", {}, "address"),
            el("th", {}, "kind"),
            el("th", {}, "owner"),
            el("th", {}, "MAC"),
          ),
        ),
        el(
          "tbody",
          {},
          ...n.entries.map((e) =>
            el(
              "tr",
              { "data-address": e.address },
              el("td", { class: "mono" }, range(e.address, e.last, e.size)),
              el("td", {}, e.kind),
              el("td", {}, e.owner),
              el("td", { class: "mono" }, e.mac ?? ""),
            ),
          ),
        ),
      ),
      free.length
        ? el(
            "p",
            { class: "small muted" },
            `free: ${free.map((f) => (f.size > 1 ? `${f.first}-${f.last} (${f.size})` : f.first)).join(", ")}${n.free.length > 4 ? ", ..." : ""}`,
          )
        : undefined,
    );
  });
  return el(
    "section",
    { id: "plan-ip" },
    el("h2", {}, "IP plan"),
    ...nets,
    p.other.length
      ? el(
          "div",
          { "data-network": "" },
          el("h3", {}, "Outside the LAN"),
          el(
            "table",
            { class: "ip-plan" },
            el(
              "tbody",
              {},
              ...p.other.map((e) =>
                el(
                  "tr",
                  { "data-address": e.address },
                  el("td", { class: "mono" }, range(e.address, e.last, e.size)),
                  el("td", {}, e.owner),
                ),
              ),
            ),
          ),
        )
      : undefined,
  );
}

function capacitySection(hosts: HostCapacity[], loss: HostLossCapacity[], nPlusOne: boolean): HTMLElement {
  const rows = hosts.map((h) =>
    el(
      "tr",
      { "data-host": h.host },
      el("td", {}, h.host),
      el(
        "td",
        {},
        bar(
          h.memoryMiB.committed,
          h.memoryMiB.overhead,
          h.memoryMiB.available,
          `memory: guests ${fmtMiB(h.memoryMiB.committed)} + overhead ${fmtMiB(h.memoryMiB.overhead)} of ${fmtMiB(h.memoryMiB.available)}`,
        ),
        el(
          "span",
          { class: "small muted" },
          `${fmtMiB(h.memoryMiB.committed + h.memoryMiB.overhead)} / ${fmtMiB(h.memoryMiB.available)}`,
        ),
      ),
      el(
        "td",
        {},
        bar(h.cpu.committed, 0, h.cpu.available, `CPU: ${h.cpu.committed} of ${h.cpu.available}`),
        el("span", { class: "small muted" }, `${h.cpu.committed} / ${h.cpu.available} CPU`),
      ),
    ),
  );
  const lossRows = loss.map((l) =>
    el(
      "tr",
      { "data-host-down": l.host },
      el("td", {}, `${l.host} down`),
      el(
        "td",
        {},
        bar(
          l.podMemoryMiB,
          0,
          l.podMemoryFreeMiB,
          `pods to reschedule ${fmtMiB(l.podMemoryMiB)}; free on the other nodes ${fmtMiB(l.podMemoryFreeMiB)}`,
        ),
        el(
          "span",
          { class: "small muted" },
          `pods ${fmtMiB(l.podMemoryMiB)} / free ${fmtMiB(l.podMemoryFreeMiB)}`,
        ),
      ),
      el(
        "td",
        { class: "small" },
        l.placements.map((p) => `${p.guest} → ${p.to}`).join(", ") ||
          (l.haGuests.length ? "" : "no HA guests"),
        l.unplaced.length
          ? el("span", { class: "state-down" }, ` no room for ${l.unplaced.join(", ")}`)
          : undefined,
      ),
    ),
  );
  return el(
    "section",
    { id: "plan-capacity" },
    el(
      "h2",
      {},
      "Capacity ",
      nPlusOne ? el("span", { class: "pill ok" }, "N+1") : el("span", { class: "pill bad" }, "not N+1"),
    ),
    barLegend([
      ["committed", "guests"],
      ["overhead", "Proxmox VE's own memory"],
      ["free", "free"],
      ["over", "over capacity"],
    ]),
    el(
      "table",
      {},
      el("thead", {}, el("tr", {}, el("th", {}, "host"), el("th", {}, "memory"), el("th", {}, "CPU"))),
      el("tbody", {}, ...rows),
    ),
    lossRows.length ? el("h2", {}, "With one host down") : undefined,
    lossRows.length
      ? barLegend([
          ["committed", "pods to reschedule"],
          ["free", "free on the other nodes"],
          ["over", "no room"],
        ])
      : undefined,
    lossRows.length
      ? el(
          "table",
          {},
          el(
            "thead",
            {},
            el("tr", {}, el("th", {}, "failure"), el("th", {}, "pod memory"), el("th", {}, "HA restarts")),
          ),
          el("tbody", {}, ...lossRows),
        )
      : undefined,
  );
}

/** Findings with their spec position; a click shows the line they point at. */
export function findingsSection(title: string, findings: Diagnostic[], lines: string[]): HTMLElement {
  const items = findings.map((d) => {
    const where = el(
      "button",
      { class: "where", title: "show the spec line" },
      d.line > 0 ? `${d.file}:${d.line}:${d.column}` : d.file,
    );
    const item = el(
      "li",
      { class: "finding", "data-code": d.code, "data-line": String(d.line) },
      el("span", { class: `sev ${d.severity}` }, d.severity),
      el("strong", {}, d.code),
      " ",
      d.message,
      el("br"),
      where,
      d.hint ? el("div", { class: "hint" }, `hint: ${d.hint}`) : undefined,
    );
    where.addEventListener("click", () => {
      const open = item.querySelector("pre");
      if (open) open.remove();
      else if (d.line > 0) item.append(excerpt(lines, d.line));
    });
    return item;
  });
  return el(
    "section",
    { id: title === "Findings" ? "plan-findings" : "spec-errors" },
    el("h2", {}, `${title} (${findings.length})`),
    findings.length ? el("ul", { class: "plain" }, ...items) : el("p", { class: "small muted" }, "None."),
  );
}

function excerpt(lines: string[], line: number): HTMLElement {
  const from = Math.max(1, line - 2);
  const to = Math.min(lines.length, line + 2);
  const pre = el("pre", { class: "excerpt" });
  for (let n = from; n <= to; n++) {
    const text = `${String(n).padStart(4)} | ${lines[n - 1] ?? ""}\n`;
    pre.append(n === line ? el("mark", {}, text) : text);
  }
  return pre;
}

function domainsSection(r: PlanReport): HTMLElement {
  return el(
    "section",
    { id: "plan-domains" },
    el("h2", {}, "Failure domains"),
    el(
      "ul",
      { class: "small" },
      ...r.failureDomains.map((l) =>
        el(
          "li",
          { class: l.toleratedHostFailures === 0 ? "state-down" : undefined },
          el("strong", {}, l.title),
          ": ",
          l.summary,
        ),
      ),
    ),
  );
}
