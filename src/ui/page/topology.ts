// The topology drawing on the page: the server's SVG inlined as is, plus the marks the panels put
// on it (failed parts, service states, SPOFs, live VIP holders). Marks are classes the SVG's own
// stylesheet knows, so clearing them restores the drawing exactly.
import { fmtMsShort, svgEl } from "./dom.js";

export type ServiceState = { status: "up" | "fails-over" | "down"; outageMs: number | null };

const MARKS = ["is-failed", "is-down", "is-failover", "is-ok", "is-spof"];

export class TopologyView {
  private svg?: SVGSVGElement;

  constructor(
    private readonly container: HTMLElement,
    onClickTarget: (id: string) => void,
  ) {
    const pick = (ev: Event): void => {
      const id = (ev.target as Element).closest("[data-fail]")?.getAttribute("data-fail");
      if (!id) return;
      ev.preventDefault();
      onClickTarget(id);
    };
    container.addEventListener("click", pick);
    // The failable parts are focusable (tabindex in the SVG): Enter or Space fails them too.
    container.addEventListener("keydown", (ev) => {
      if (ev.key === "Enter" || ev.key === " ") pick(ev);
    });
  }

  render(svgText: string): void {
    this.container.innerHTML = svgText;
    this.svg = this.container.querySelector("svg") ?? undefined;
  }

  clearMarks(): void {
    if (!this.svg) return;
    for (const m of MARKS) for (const e of this.svg.querySelectorAll(`.${m}`)) e.classList.remove(m);
    for (const n of this.svg.querySelectorAll(".note")) n.remove();
    for (const v of this.svg.querySelectorAll<SVGGElement>(".vip"))
      this.setHolder(v, v.dataset.nominal === "holder");
  }

  markFailed(ids: readonly string[]): void {
    for (const id of ids)
      for (const e of this.all(`[data-fail="${CSS.escape(id)}"]`)) e.classList.add("is-failed");
    // A failed host header stands for the whole host box.
    for (const id of ids.filter((i) => i.startsWith("host:"))) {
      for (const e of this.all(`.host[data-host="${CSS.escape(id.slice(5))}"]`)) e.classList.add("is-failed");
    }
  }

  markComponentsFailed(ids: readonly string[]): void {
    for (const id of ids)
      for (const e of this.all(`[data-component="${CSS.escape(id)}"]`)) e.classList.add("is-failed");
  }

  markSpofs(ids: readonly string[]): void {
    for (const id of ids) {
      for (const e of this.all(`[data-fail="${CSS.escape(id)}"]`)) e.classList.add("is-spof");
      if (id.startsWith("host:"))
        for (const e of this.all(`.host[data-host="${CSS.escape(id.slice(5))}"]`)) e.classList.add("is-spof");
    }
  }

  markGuestsDown(guests: readonly string[]): void {
    for (const g of guests)
      for (const e of this.all(`.guest[data-guest="${CSS.escape(g)}"]`)) e.classList.add("is-down");
  }

  /** Colours every service chip and tags the ones that fail over with their outage. */
  markServices(states: ReadonlyMap<string, ServiceState>): void {
    for (const chip of this.all<SVGGElement>(".chip[data-service]")) {
      const s = states.get(chip.dataset.service ?? "");
      if (!s) continue;
      chip.classList.add(
        s.status === "down" ? "is-down" : s.status === "fails-over" ? "is-failover" : "is-ok",
      );
      if (s.status === "fails-over" && s.outageMs !== null)
        this.note(chip, fmtMsShort(s.outageMs), "failover");
      if (s.status === "down") this.note(chip, "down", "down");
    }
  }

  /** Moves the solid VIP badge to whoever holds the address now (undefined: nobody, all dashed). */
  setVipHolders(holders: ReadonlyMap<string, string | undefined>): void {
    for (const v of this.all<SVGGElement>(".vip")) {
      const address = v.dataset.vip ?? "";
      if (!holders.has(address)) continue;
      const holder = holders.get(address);
      this.setHolder(v, holder === v.dataset.guest);
      if (holder === undefined) v.classList.add("is-down");
    }
  }

  private setHolder(v: SVGGElement, holder: boolean): void {
    v.dataset.nominal ??= v.classList.contains("holder") ? "holder" : "standby";
    v.classList.toggle("holder", holder);
    v.classList.toggle("standby", !holder);
  }

  private note(chip: SVGGElement, text: string, kind: "failover" | "down"): void {
    const box = chip.querySelector("rect")?.getBBox();
    if (!box) return;
    const w = text.length * 5.5 + 8;
    const g = svgEl("g", { class: `note ${kind}` });
    g.append(
      svgEl("rect", { x: box.x + box.width - w + 4, y: box.y - 8, width: w, height: 12, rx: 6 }),
      svgEl("text", { x: box.x + box.width - w + 8, y: box.y + 1 }),
    );
    g.lastElementChild!.textContent = text;
    chip.after(g);
  }

  private all<E extends Element = Element>(selector: string): E[] {
    return this.svg ? [...this.svg.querySelectorAll<E>(selector)] : [];
  }
}
