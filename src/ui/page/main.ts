// The dashboard page: loads the spec's topology and plan, keeps them fresh through the server's
// events (spec reloads, lab status), and lays the active tab's marks over the topology.
import type {
  LabResponse,
  ModelResponse,
  PlanResponse,
  UiEvent,
  WhatIfResponse,
  ActionResponse,
} from "../api-types.js";
import { el, getJson, postJson } from "./dom.js";
import { renderLab } from "./lab-view.js";
import { markTilesLive, renderPlan } from "./plan-view.js";
import { TopologyView, type ServiceState } from "./topology.js";
import { renderWhatIf } from "./whatif-view.js";

type Tab = "plan" | "whatif" | "lab";

const $ = (id: string): HTMLElement => document.getElementById(id)!;

const state = {
  tab: "plan" as Tab,
  model: undefined as ModelResponse | undefined,
  svg: "",
  plan: undefined as PlanResponse | undefined,
  spofs: [] as string[],
  failed: new Set<string>(),
  whatIf: undefined as WhatIfResponse | undefined,
  whatIfSeq: 0,
  lab: undefined as LabResponse | undefined,
  labBusy: false,
  labMessage: "",
};

const topology = new TopologyView($("topology"), (id) => {
  selectTab("whatif");
  toggleFailure(id);
});

async function loadModel(): Promise<void> {
  const m = await getJson<ModelResponse>("/api/model");
  // Equal: nothing new. Lower: the server was restarted and counts again from 1, so take it.
  if (state.model && m.version === state.model.version) return;
  state.model = m;
  $("title").textContent = m.name ?? "hlab";
  $("file").textContent = m.file;
  document.title = `hlab ui: ${m.name ?? m.file}`;
  const errors = m.diagnostics.filter((d) => d.severity === "error");
  const banner = $("banner");
  banner.hidden = errors.length === 0;
  banner.textContent = errors.length
    ? `${m.file} has ${errors.length} error${errors.length > 1 ? "s" : ""}; showing the last version that loaded.\n` +
      errors
        .slice(0, 5)
        .map((d) => `${d.file}:${d.line}:${d.column}: ${d.code} ${d.message}`)
        .join("\n")
    : "";
  if (m.svg && m.svg !== state.svg) {
    state.svg = m.svg;
    topology.render(m.svg);
  } else if (!m.svg)
    $("topology").replaceChildren(el("p", { class: "muted" }, "The spec has errors: nothing to draw yet."));
  const known = new Set(m.targets.map((t) => t.id));
  for (const f of [...state.failed]) if (!known.has(f)) state.failed.delete(f);
  state.plan = undefined;
  renderPanels();
  document.body.dataset.version = String(m.version);
  // The lab's first status comes through the events too, but only when there is a lab to follow.
  if (!state.lab) {
    void getJson<LabResponse>("/api/lab/status").then((r) => {
      state.lab ??= r;
      renderPanels("lab");
    });
  }
  const [plan] = await Promise.all([getJson<PlanResponse>("/api/plan"), runWhatIf()]);
  if (state.model?.version !== m.version) return;
  state.plan = plan;
  renderPanels();
}

async function runWhatIf(): Promise<void> {
  const seq = ++state.whatIfSeq;
  state.whatIf = undefined;
  if (state.failed.size === 0) return renderPanels();
  renderPanels();
  // A refused request (the server says why) is shown where the answer would be, not left "asking".
  const r = await postJson<WhatIfResponse>("/api/whatif", { failures: [...state.failed].sort() }).catch(
    (err: unknown): WhatIfResponse => ({ available: false, reason: (err as Error).message }),
  );
  if (seq !== state.whatIfSeq) return;
  state.whatIf = r;
  renderPanels();
}

function toggleFailure(id: string): void {
  if (state.failed.has(id)) state.failed.delete(id);
  else state.failed.add(id);
  void runWhatIf();
}

async function labAction(url: string, body: unknown): Promise<void> {
  state.labBusy = true;
  renderPanels("lab");
  try {
    const r = await postJson<ActionResponse>(url, body);
    state.labMessage = r.message;
  } catch (err) {
    state.labMessage = (err as Error).message;
  } finally {
    state.labBusy = false;
  }
  state.lab = await getJson<LabResponse>("/api/lab/status");
  renderPanels("lab");
}

/** Re-renders the panels; lab updates (every second) touch only the lab panel. */
function renderPanels(only?: "lab"): void {
  if (!state.model) return;
  if (only !== "lab") {
    state.spofs = renderPlan($("panel-plan"), state.plan, state.model);
    renderWhatIf($("panel-whatif"), state.model.targets, state.failed, state.whatIf, toggleFailure, () => {
      state.failed.clear();
      void runWhatIf();
    });
  }
  renderLab($("panel-lab"), state.lab, state.labBusy, {
    fault: (id) => void labAction("/api/lab/fault", { fault: id }),
    restore: (id) => void labAction("/api/lab/restore", id ? { fault: id } : {}),
  });
  if (state.labMessage)
    $("panel-lab").prepend(el("p", { class: "small", id: "lab-message" }, state.labMessage));
  markTilesLive(
    $("panel-plan"),
    state.lab?.available && state.lab.running ? state.lab.view.services : undefined,
  );
  if (only !== "lab" || state.tab === "lab") overlay();
}

/** The marks of the active tab, and only those, so the picture always says what the panel says. */
function overlay(): void {
  topology.clearMarks();
  if (state.tab === "plan") topology.markSpofs(state.spofs);
  if (state.tab === "whatif") {
    topology.markFailed([...state.failed]);
    const r = state.whatIf?.available ? state.whatIf.result : undefined;
    if (r) {
      topology.markGuestsDown(r.guestsDown, [...state.failed]);
      topology.markServices(new Map<string, ServiceState>(r.services.map((s) => [s.name, s])));
      topology.setVipHolders(new Map(r.vipHolders.map((v) => [v.address, v.holder ?? undefined])));
    }
  }
  if (state.tab === "lab" && state.lab?.available && state.lab.running) {
    const marks = state.lab.view.marks;
    topology.markFailed(marks.failed);
    topology.markComponentsFailed(marks.components);
    topology.markGuestsDown(marks.guestsDown, marks.failed);
    topology.setVipHolders(
      new Map<string, string | undefined>(state.lab.view.vips.map((v) => [v.address, v.holder])),
    );
  }
}

function selectTab(tab: Tab): void {
  state.tab = tab;
  for (const t of ["plan", "whatif", "lab"] as const) {
    $(`tab-${t}`).setAttribute("aria-selected", String(t === tab));
    $(`panel-${t}`).hidden = t !== tab;
  }
  overlay();
}

function listen(): void {
  const live = $("live");
  const events = new EventSource("/api/events");
  events.onopen = () => {
    live.textContent = "live";
    live.className = "pill ok";
  };
  events.onerror = () => {
    live.textContent = "reconnecting";
    live.className = "pill warn";
  };
  events.onmessage = (msg: MessageEvent<string>) => {
    const e = JSON.parse(msg.data) as UiEvent;
    if (e.type === "spec" && e.version !== state.model?.version) void loadModel();
    if (e.type === "lab") {
      state.lab = e.lab;
      renderPanels("lab");
    }
  };
}

for (const t of ["plan", "whatif", "lab"] as const)
  $(`tab-${t}`).addEventListener("click", () => selectTab(t));
void loadModel().then(() => {
  document.body.dataset.ready = "true";
});
listen();
