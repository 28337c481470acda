// The topology drawing on the page: the server's SVG inlined as is, plus the marks the panels put
// on it (failed parts, service states, SPOFs, live VIP holders). Marks are classes the SVG's own
// stylesheet knows, so clearing them restores the drawing exactly.
import { fmtMsShort, svgEl } from "./dom.js";
import { ZoomView } from "./zoom.js";

export type ServiceState = { status: "up" | "fails-over" | "down"; outageMs: number | null };

const MARKS = ["is-failed", "is-down", "is-unreachable", "is-failover", "is-ok", "is-spof"];

export class TopologyView {
  private svg?: SVGSVGElement;
  private zoom?: ZoomView;

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
    if (!this.zoom || !this.zoom.viewport.isConnected) this.zoom = new ZoomView(this.container);
    this.zoom.viewport.innerHTML = svgText;
    this.svg = this.zoom.viewport.querySelector("svg") ?? undefined;
    this.zoom.show(this.svg);
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

  /**
   * Guests down with what failed: down when they or their host failed, unreachable when they run but
   * a NIC or a box on their path is gone (`failed` in the what-if vocabulary).
   */
  markGuestsDown(guests: readonly string[], failed: readonly string[] = []): void {
    const gone = new Set(failed);
    for (const g of guests)
      for (const e of this.all<SVGGElement>(`.guest[data-guest="${CSS.escape(g)}"]`)) {
        const host = e.closest<SVGGElement>(".host")?.dataset.host ?? "";
        const down = gone.has(`guest:${g}`) || gone.has(`host:${host}`) || failed.length === 0;
        e.classList.add(down ? "is-down" : "is-unreachable");
        if (!down) this.noteGuest(e, "unreachable");
      }
  }

  /** Colours every service chip and tags the ones that fail over with their outage. */
  markServices(states: ReadonlyMap<string, ServiceState>): void {
    for (const chip of this.all<SVGGElement>(".chip[data-service]")) {
      const s = states.get(chip.dataset.service ?? "");
      if (!s) {
        this.markByPlace(chip, states);
        continue;
      }
      chip.classList.add(
        s.status === "down" ? "is-down" : s.status === "fails-over" ? "is-failover" : "is-ok",
      );
      if (s.status === "fails-over" && s.outageMs !== null)
        this.note(chip, fmtMsShort(s.outageMs), "failover");
      if (s.status === "down") this.note(chip, "down", "down");
    }
    // Every other chip (daemons, databases, pools) follows the guest it runs on, or the cluster's API.
    for (const chip of this.all<SVGGElement>(".chip:not([data-service])")) this.markByPlace(chip, states);
  }

  /**
   * A chip the what-if has no figure for follows where it runs: its guest, its host (Proxmox cluster
   * membership), or the cluster's API (what the cluster band's chips need).
   */
  private markByPlace(chip: SVGGElement, states: ReadonlyMap<string, ServiceState>): void {
    const guest = chip.closest(".guest");
    const host = chip.closest(".host");
    // The plan's name of the API (KUBERNETES_API of src/analyze/dependency-graph.ts).
    const lost = guest
      ? guest.classList.contains("is-down") || guest.classList.contains("is-unreachable")
      : host
        ? host.classList.contains("is-failed")
        : states.get("kubernetes-api")?.status === "down";
    chip.classList.add(lost ? "is-down" : "is-ok");
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
    const w = text.length * 6 + 8;
    const g = svgEl("g", { class: `note ${kind}` });
    g.append(
      svgEl("rect", { x: box.x + box.width - w + 4, y: box.y - 9, width: w, height: 13, rx: 6 }),
      svgEl("text", { x: box.x + box.width - w + 8, y: box.y + 1 }),
    );
    g.lastElementChild!.textContent = text;
    chip.after(g);
  }

  /** A label in the guest's top right corner, clear of its name. */
  private noteGuest(guest: SVGGElement, text: string): void {
    const box = guest.querySelector("rect")?.getBBox();
    if (!box) return;
    const w = text.length * 6 + 8;
    const g = svgEl("g", { class: "note unreachable" });
    g.append(
      svgEl("rect", { x: box.x + box.width - w - 4, y: box.y + 4, width: w, height: 13, rx: 6 }),
      svgEl("text", { x: box.x + box.width - w, y: box.y + 14 }),
    );
    g.lastElementChild!.textContent = text;
    guest.append(g);
  }

  private all<E extends Element = Element>(selector: string): E[] {
    return this.svg ? [...this.svg.querySelectorAll<E>(selector)] : [];
  }
}
