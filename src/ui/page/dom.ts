// Small helpers for the page: building elements, talking to the local server, formatting figures.
// Runs in the browser: no Node imports here or in any page module.

type Child = Node | string | number | undefined | null | false;

export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Record<string, string | undefined> = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) if (v !== undefined) e.setAttribute(k, v);
  for (const c of children) {
    if (c === undefined || c === null || c === false) continue;
    e.append(typeof c === "number" ? String(c) : c);
  }
  return e;
}

/** The items that are there: for lists with optional parts. */
export const present = <T>(items: (T | undefined | false)[]): T[] =>
  items.filter((x): x is T => x !== undefined && x !== false);

export const SVG_NS = "http://www.w3.org/2000/svg";

export function svgEl<K extends keyof SVGElementTagNameMap>(
  tag: K,
  attrs: Record<string, string | number> = {},
): SVGElementTagNameMap[K] {
  const e = document.createElementNS(SVG_NS, tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  return e;
}

export async function getJson<T>(url: string): Promise<T> {
  const r = await fetch(url, { cache: "no-store" });
  if (!r.ok) throw new Error(`${url}: HTTP ${r.status}`);
  return (await r.json()) as T;
}

/** The server's token for this page: a POST without it is refused when the server listens beyond loopback. */
const token = document.querySelector('meta[name="hlab-token"]')?.getAttribute("content") ?? "";

export async function postJson<T>(url: string, body: unknown): Promise<T> {
  const r = await fetch(url, {
    method: "POST",
    headers: { "Content-Type": "application/json", "X-Hlab-Token": token },
    body: JSON.stringify(body),
  });
  if (!r.ok) {
    // The server says why in JSON ({ok: false, message}): show that, not only the status.
    const why = ((await r.json().catch(() => undefined)) as { message?: string } | undefined)?.message;
    throw new Error(`${url}: HTTP ${r.status}${why ? `: ${why}` : ""}`);
  }
  return (await r.json()) as T;
}

/** 46_000 -> "46 s", 345_000 -> "5 min 45 s", 7_200_000 -> "2 h". */
export function fmtMs(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = Math.round(ms / 1000);
  if (s < 60) return `${Math.round((ms / 1000) * 10) / 10} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min${s % 60 ? ` ${s % 60} s` : ""}`;
  const h = Math.floor(s / 3600);
  const m = Math.round((s % 3600) / 60);
  return `${h} h${m ? ` ${m} min` : ""}`;
}

/** The same, squeezed for a tag on the drawing: "15s", "6m20s", "2h5m". */
export function fmtMsShort(ms: number): string {
  return fmtMs(ms)
    .replace(/ (ms|s|min|h)\b/g, (_m, unit: string) => (unit === "min" ? "m" : unit))
    .replace(/ /g, "");
}

/** 0.999702 -> "99.970 %": enough digits to tell the nines apart. */
export function fmtAvailability(a: number): string {
  const pct = a * 100;
  return `${pct >= 99.99 ? pct.toFixed(4) : pct.toFixed(3)} %`;
}

export function fmtHours(hours: number): string {
  if (hours >= 1) return `${hours.toFixed(1)} h`;
  if (hours * 60 >= 1) return `${(hours * 60).toFixed(1)} min`;
  return `${Math.round(hours * 3600)} s`;
}

export function fmtMiB(mib: number): string {
  return mib >= 1024 ? `${Math.round((mib / 1024) * 10) / 10} GiB` : `${Math.round(mib)} MiB`;
}
