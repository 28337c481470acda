// Zoom and pan for the topology: the drawing is sized in CSS pixels (its width and height attributes
// times the zoom) inside a scrolling viewport, so panning is the viewport's scroll (drag, arrow keys,
// scroll bars) and zooming keeps the point under the cursor still. The zoom never goes below the
// level where the smallest text of the drawing is MIN_TEXT_PX, so no text is ever unreadable: "fit"
// fits the pane when that is legible, and otherwise fits what it can at that floor.
import { el } from "./dom.js";

/** The smallest text size, in CSS pixels, the drawing is ever shown at. */
export const MIN_TEXT_PX = 12;
const MAX_ZOOM = 4;
const STEP = 1.25;
const PAN_PX = 60;

export class ZoomView {
  readonly viewport: HTMLDivElement;
  private svg?: SVGSVGElement;
  private natural = { w: 0, h: 0 };
  private zoom = 1;
  private floor = 1;
  private drag?: { x: number; y: number; left: number; top: number; moved: boolean };

  constructor(host: HTMLElement) {
    const button = (label: string, title: string, id: string, act: () => void): HTMLButtonElement => {
      const b = el("button", { type: "button", title, id, "aria-label": title }, label);
      b.addEventListener("click", act);
      return b;
    };
    const bar = el(
      "div",
      { class: "zoombar", role: "toolbar", "aria-label": "Zoom" },
      button("−", "Zoom out (-)", "zoom-out", () => this.zoomBy(1 / STEP)),
      button("+", "Zoom in (+)", "zoom-in", () => this.zoomBy(STEP)),
      button("Fit", "Fit the drawing to the pane (0)", "zoom-fit", () => this.fit()),
    );
    this.viewport = el("div", { class: "viewport", tabindex: "0", "aria-label": "Topology drawing" });
    host.replaceChildren(bar, this.viewport);
    this.viewport.addEventListener("wheel", (ev) => this.onWheel(ev), { passive: false });
    this.viewport.addEventListener("pointerdown", (ev) => this.onDown(ev));
    this.viewport.addEventListener("pointermove", (ev) => this.onMove(ev));
    this.viewport.addEventListener("pointerup", () => this.endDrag());
    this.viewport.addEventListener("pointercancel", () => this.endDrag());
    // A drag that moved is a pan, not a click on what it started on.
    this.viewport.addEventListener(
      "click",
      (ev) => {
        if (this.drag?.moved) ev.stopPropagation();
        this.drag = undefined;
      },
      true,
    );
    this.viewport.addEventListener("keydown", (ev) => this.onKey(ev));
    new ResizeObserver(() => this.keepFloor()).observe(this.viewport);
  }

  /** Shows a new drawing at the fitted zoom. */
  show(svg: SVGSVGElement | undefined): void {
    this.svg = svg;
    if (!svg) return;
    const vb = svg.viewBox.baseVal;
    this.natural = { w: vb.width || svg.width.baseVal.value, h: vb.height || svg.height.baseVal.value };
    this.floor = MIN_TEXT_PX / smallestText(svg);
    this.fit();
  }

  /** The scale from the drawing's units to CSS pixels. */
  get scale(): number {
    return this.zoom;
  }

  fit(): void {
    const w = this.viewport.clientWidth;
    const h = this.viewport.clientHeight;
    const fits = w > 0 && h > 0 ? Math.min(w / this.natural.w, h / this.natural.h) : 1;
    this.apply(Math.max(this.floor, Math.min(fits, MAX_ZOOM)));
    // From the top left corner, where the title and the first host are.
    this.viewport.scrollLeft = 0;
    this.viewport.scrollTop = 0;
  }

  zoomBy(factor: number, at?: { x: number; y: number }): void {
    this.apply(this.zoom * factor, at);
  }

  private apply(z: number, at?: { x: number; y: number }): void {
    if (!this.svg) return;
    const next = Math.max(this.floor, Math.min(MAX_ZOOM, z));
    const v = this.viewport;
    const px = at?.x ?? v.clientWidth / 2;
    const py = at?.y ?? v.clientHeight / 2;
    // The drawing point under (px, py) stays under it.
    const ux = (v.scrollLeft + px) / this.zoom;
    const uy = (v.scrollTop + py) / this.zoom;
    this.zoom = next;
    this.svg.setAttribute("width", String(Math.round(this.natural.w * next)));
    this.svg.setAttribute("height", String(Math.round(this.natural.h * next)));
    v.scrollLeft = ux * next - px;
    v.scrollTop = uy * next - py;
    v.dataset.zoom = next.toFixed(3);
  }

  private keepFloor(): void {
    if (this.svg && this.zoom < this.floor) this.apply(this.floor);
  }

  private onWheel(ev: WheelEvent): void {
    ev.preventDefault();
    const r = this.viewport.getBoundingClientRect();
    this.zoomBy(ev.deltaY < 0 ? STEP : 1 / STEP, { x: ev.clientX - r.left, y: ev.clientY - r.top });
  }

  private onDown(ev: PointerEvent): void {
    if (ev.button !== 0) return;
    const v = this.viewport;
    this.drag = { x: ev.clientX, y: ev.clientY, left: v.scrollLeft, top: v.scrollTop, moved: false };
  }

  private onMove(ev: PointerEvent): void {
    const d = this.drag;
    if (!d || (ev.buttons & 1) === 0) return;
    const dx = ev.clientX - d.x;
    const dy = ev.clientY - d.y;
    if (!d.moved && Math.hypot(dx, dy) < 4) return;
    if (!d.moved) this.viewport.setPointerCapture(ev.pointerId);
    d.moved = true;
    this.viewport.scrollLeft = d.left - dx;
    this.viewport.scrollTop = d.top - dy;
  }

  private endDrag(): void {
    // Kept until the click that ends the drag has been seen (it may not come).
    if (this.drag && !this.drag.moved) this.drag = undefined;
  }

  private onKey(ev: KeyboardEvent): void {
    const v = this.viewport;
    const keys: Record<string, () => void> = {
      "+": () => this.zoomBy(STEP),
      "=": () => this.zoomBy(STEP),
      "-": () => this.zoomBy(1 / STEP),
      "0": () => this.fit(),
      ArrowLeft: () => (v.scrollLeft -= PAN_PX),
      ArrowRight: () => (v.scrollLeft += PAN_PX),
      ArrowUp: () => (v.scrollTop -= PAN_PX),
      ArrowDown: () => (v.scrollTop += PAN_PX),
    };
    const act = keys[ev.key];
    if (!act || ev.ctrlKey || ev.metaKey || ev.altKey) return;
    ev.preventDefault();
    act();
  }
}

/** The smallest font size of the drawing's text, in its own units. */
function smallestText(svg: SVGSVGElement): number {
  let min = Infinity;
  for (const t of svg.querySelectorAll("text")) {
    const size = parseFloat(getComputedStyle(t).fontSize);
    if (size > 0) min = Math.min(min, size);
  }
  return Number.isFinite(min) ? min : MIN_TEXT_PX;
}
