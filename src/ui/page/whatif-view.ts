// The What-if tab: the failures the user picked (by clicking the topology or ticking a box), and
// what the plan says happens to each service. The figures are the plan's whatIf(), not the page's.
import type { WhatIfResult } from "../../analyze/plan-report.js";
import type { FailTarget, WhatIfResponse } from "../api-types.js";
import { el, fmtMs, present } from "./dom.js";

const STATUS_TEXT = { up: "fine", "fails-over": "fails over", down: "down" } as const;

export function renderWhatIf(
  root: HTMLElement,
  targets: FailTarget[],
  failed: ReadonlySet<string>,
  response: WhatIfResponse | undefined,
  toggle: (id: string) => void,
  clear: () => void,
): void {
  root.replaceChildren(
    el(
      "p",
      { class: "small muted" },
      "Click a host's header, a NIC, a guest or a piece of shared gear in the topology to fail it; click again to bring it back.",
    ),
    targetsSection(targets, failed, toggle, clear),
    resultSection(failed, response),
  );
}

function targetsSection(
  targets: FailTarget[],
  failed: ReadonlySet<string>,
  toggle: (id: string) => void,
  clear: () => void,
): HTMLElement {
  const groups: [FailTarget["kind"], string][] = [
    ["gear", "Shared gear"],
    ["host", "Hosts"],
    ["nic", "NICs"],
    ["guest", "Guests"],
  ];
  const clearButton = el("button", { id: "whatif-clear" }, "Clear");
  clearButton.disabled = failed.size === 0;
  clearButton.addEventListener("click", clear);
  return el(
    "section",
    { class: "targets" },
    el("h2", {}, "Failed ", clearButton),
    ...groups.map(([kind, title]) => {
      const of = targets.filter((t) => t.kind === kind);
      if (of.length === 0) return undefined;
      return el(
        "div",
        {},
        el("strong", { class: "small" }, `${title}: `),
        ...of.map((t) => {
          const box = el("input", { type: "checkbox", "data-target": t.id });
          box.checked = failed.has(t.id);
          box.addEventListener("change", () => toggle(t.id));
          return el("label", {}, box, t.label);
        }),
      );
    }),
  );
}

function resultSection(failed: ReadonlySet<string>, response: WhatIfResponse | undefined): HTMLElement {
  const section = el("section", { id: "whatif-result" });
  if (failed.size === 0) return section;
  if (!response) {
    section.append(el("p", { class: "muted" }, "Asking the plan..."));
    return section;
  }
  if (!response.available) {
    section.append(el("p", { class: "muted" }, response.reason));
    return section;
  }
  const r = response.result;
  section.append(
    ...present([
      el("h2", {}, "Services"),
      el("table", {}, el("tbody", {}, ...r.services.map(serviceRow))),
      guestsSection(r),
    ]),
  );
  return section;
}

function serviceRow(s: WhatIfResult["services"][number]): HTMLElement {
  const how = s.steps.map((st) => `${st.mechanism} ${fmtMs(st.ms)}`).join(" + ");
  return el(
    "tr",
    { "data-service": s.name, "data-status": s.status },
    el("td", {}, s.name, s.kind === "platform" ? el("span", { class: "muted" }, " (platform)") : undefined),
    el(
      "td",
      { class: `state-${s.status}` },
      STATUS_TEXT[s.status],
      s.status === "fails-over" && s.outageMs !== null ? ` in ${fmtMs(s.outageMs)}` : "",
    ),
    el("td", { class: "small muted" }, how),
  );
}

function guestsSection(r: WhatIfResult): HTMLElement | undefined {
  if (r.guestsDown.length === 0 && r.restarted.length === 0) return undefined;
  return el(
    "p",
    { class: "small" },
    r.guestsDown.length ? `Guests down: ${r.guestsDown.join(", ")}. ` : "",
    r.restarted.length
      ? `Restarted by Proxmox HA: ${r.restarted.map((x) => `${x.guest} → ${x.to}`).join(", ")}.`
      : "",
  );
}
