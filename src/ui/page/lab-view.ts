// The Lab tab: the running rehearsal as the lab reports it (VIP holders, quorum, database primary,
// backends), a timeline of probe results per target, and the lab's fault buttons.
import type { LabProbePoint, LabResponse, LabView } from "../api-types.js";
import { el, present, svgEl } from "./dom.js";

export interface LabActions {
  fault(id: string): void;
  /** One fault (its button id), or all. */
  restore(id?: string): void;
}

/** Width of the timeline window, matching what the server keeps (lab-monitor.ts). */
const WINDOW_MS = 120_000;

export function renderLab(
  root: HTMLElement,
  lab: LabResponse | undefined,
  busy: boolean,
  actions: LabActions,
): void {
  root.replaceChildren();
  if (!lab) return void root.append(el("p", { class: "muted" }, "Reading the lab..."));
  if (!lab.available) return void root.append(el("p", { class: "muted" }, lab.reason));
  if (!lab.running) {
    return void root.append(
      el("p", { id: "lab-idle" }, "No lab is running for this spec."),
      el("p", { class: "small muted" }, lab.reason),
      el(
        "p",
        { class: "small" },
        "Start one with ",
        el("code", {}, "hlab lab up SPEC"),
        "; this tab follows it live.",
      ),
    );
  }
  const v = lab.view;
  root.append(
    ...present([
      el("p", { class: "small muted" }, `lab ${v.id}, read at ${new Date(v.at).toLocaleTimeString()}`),
      faultsSection(v, busy, actions),
      vipsSection(v),
      checksSection(v),
      timelineSection(v),
      v.notes.length ? el("ul", { class: "small muted" }, ...v.notes.map((n) => el("li", {}, n))) : undefined,
    ]),
  );
}

/** One row per host or guest with its fault buttons; an active fault's button restores it. */
function faultsSection(v: LabView, busy: boolean, actions: LabActions): HTMLElement {
  const targets = [...new Set(v.faults.map((f) => f.target))];
  const rows = targets.map((t) =>
    el(
      "tr",
      { "data-target": t },
      el("td", {}, el("strong", {}, t)),
      el(
        "td",
        { class: "faults" },
        ...v.faults
          .filter((f) => f.target === t)
          .map((f) => {
            const b = el(
              "button",
              {
                "data-fault": f.id,
                class: f.active ? "active" : undefined,
                title: f.active ? "active: click to restore" : `inject: ${f.id}`,
              },
              f.label,
            );
            b.disabled = busy;
            b.addEventListener("click", () => (f.active ? actions.restore(f.id) : actions.fault(f.id)));
            return b;
          }),
      ),
    ),
  );
  const restore = el("button", { id: "lab-restore" }, "Restore all");
  restore.disabled = busy || !v.faults.some((f) => f.active);
  restore.addEventListener("click", () => actions.restore());
  return el(
    "section",
    { id: "lab-faults" },
    el("h2", {}, "Faults ", restore),
    el("table", {}, el("tbody", {}, ...rows)),
  );
}

function vipsSection(v: LabView): HTMLElement {
  return el(
    "section",
    { id: "lab-vips" },
    el("h2", {}, "VIPs"),
    el(
      "table",
      {},
      el(
        "tbody",
        {},
        ...v.vips.map((x) =>
          el(
            "tr",
            { "data-vip": x.address },
            el("td", {}, x.address, el("div", { class: "small muted" }, x.purposes.join(", "))),
            el(
              "td",
              { class: "vip-holder" },
              x.holder ?? el("span", { class: "state-down" }, "nobody"),
              x.claimedBy.length > 1
                ? el("div", { class: "state-down small" }, `split brain: ${x.claimedBy.join(", ")}`)
                : undefined,
            ),
          ),
        ),
      ),
    ),
  );
}

function checksSection(v: LabView): HTMLElement {
  const dot = (ok: boolean): HTMLElement => el("span", { class: `dot ${ok ? "up" : "down"}` });
  return el(
    "section",
    { id: "lab-checks" },
    el("h2", {}, "Cluster state"),
    el(
      "ul",
      { class: "plain small" },
      ...v.checks.map((c) =>
        el("li", { "data-check": c.name }, dot(c.ok), el("strong", {}, c.name), ` ${c.detail}`),
      ),
      ...v.databases.map((d) =>
        el(
          "li",
          { "data-database": d.name },
          dot(d.primary !== undefined),
          el("strong", {}, `db ${d.name}`),
          ` primary ${d.primary ?? "none"}`,
          d.detail ? ` (${d.detail})` : "",
        ),
      ),
    ),
    v.backends.length ? backendsList(v.backends, dot) : undefined,
  );
}

/** One line per balancer and frontend: its servers, green when HAProxy sees them up. */
function backendsList(backends: LabView["backends"], dot: (ok: boolean) => HTMLElement): HTMLElement {
  const balancers = [...new Set(backends.map((b) => b.balancer))];
  return el(
    "div",
    { id: "lab-backends", class: "small" },
    el("strong", {}, "HAProxy backends"),
    el(
      "ul",
      { class: "plain" },
      ...balancers.map((name) =>
        el(
          "li",
          { "data-balancer": name },
          `${name}: `,
          ...backends
            .filter((b) => b.balancer === name)
            .map((b) =>
              el("span", { "data-backend": `${b.balancer}/${b.server}` }, dot(b.up), `${b.server} `),
            ),
        ),
      ),
    ),
  );
}

function timelineSection(v: LabView): HTMLElement {
  const targets = Object.keys(v.probes);
  const rowH = 22;
  const labelW = 120;
  const width = 420;
  const svg = svgEl("svg", {
    class: "timeline",
    viewBox: `0 0 ${width} ${targets.length * rowH + 18}`,
    role: "img",
  });
  const plotW = width - labelW - 4;
  const xOf = (at: number): number => labelW + ((at - (v.at - WINDOW_MS)) / WINDOW_MS) * plotW;
  targets.forEach((t, i) => {
    const y = i * rowH;
    const label = svgEl("text", { x: 0, y: y + 14, "font-size": 11 });
    label.textContent = t;
    svg.append(
      label,
      svgEl("rect", { x: labelW, y: y + 3, width: plotW, height: rowH - 8, fill: "#f1f5f9" }),
    );
    for (const [from, to, ok] of runs(v.probes[t] ?? [], v.at)) {
      const x1 = Math.max(labelW, xOf(from));
      const x2 = Math.max(x1 + 1, xOf(to));
      svg.append(
        svgEl("rect", {
          x: x1,
          y: y + 3,
          width: x2 - x1,
          height: rowH - 8,
          fill: ok ? "#16a34a" : "#dc2626",
        }),
      );
    }
  });
  const axis = svgEl("text", { x: labelW, y: targets.length * rowH + 14, "font-size": 10, fill: "#64748b" });
  axis.textContent = `last ${WINDOW_MS / 1000} s · green: answered · red: failed`;
  svg.append(axis);
  return el(
    "section",
    { id: "lab-timeline" },
    el("h2", {}, "Probes"),
    targets.length ? svg : el("p", { class: "small muted" }, "No probe results yet."),
  );
}

/** Consecutive probes with the same outcome, as [from, to, ok] spans. */
function runs(points: LabProbePoint[], now: number): [number, number, boolean][] {
  const out: [number, number, boolean][] = [];
  points.forEach((p, i) => {
    const end = points[i + 1]?.at ?? now;
    const last = out[out.length - 1];
    if (last && last[2] === p.ok) last[1] = end;
    else out.push([p.at, end, p.ok]);
  });
  return out;
}
