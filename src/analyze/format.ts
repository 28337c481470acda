// How figures read in every report: percentages with as many digits as the nines need, durations in
// the unit a person thinks in.

export function percent(a: number): string {
  const p = a * 100;
  if (p >= 99.99) return `${p.toFixed(4)} %`;
  if (p >= 99) return `${p.toFixed(3)} %`;
  return `${p.toFixed(2)} %`;
}

export function hoursText(h: number): string {
  if (!Number.isFinite(h)) return "forever";
  if (h >= 48) return `${Math.round(h)} h`;
  if (h >= 1) return `${h.toFixed(1)} h`;
  const m = h * 60;
  if (m >= 1) return `${m.toFixed(m >= 10 ? 0 : 1)} min`;
  const s = m * 60;
  return s >= 1 ? `${Math.round(s)} s` : "< 1 s";
}

export function msText(ms: number | null): string {
  if (ms === null || !Number.isFinite(ms)) return "until repaired";
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`;
  const m = Math.floor(ms / 60_000);
  const s = Math.round((ms % 60_000) / 1000);
  return s ? `${m} min ${s} s` : `${m} min`;
}

export const mibText = (x: number): string =>
  x >= 1024 ? `${(x / 1024).toFixed(1)} GiB` : `${Math.round(x)} MiB`;

/** Left-aligned columns, two spaces apart; the last column is not padded. */
export function table(rows: readonly (readonly string[])[], indent = "  "): string[] {
  const widths: number[] = [];
  for (const r of rows) r.forEach((c, i) => (widths[i] = Math.max(widths[i] ?? 0, c.length)));
  return rows.map(
    (r) =>
      indent +
      r
        .map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!)))
        .join("  ")
        .trimEnd(),
  );
}

const PLATFORM_NAMES: Record<string, string> = {
  "kubernetes-api": "Kubernetes API",
  "proxmox-quorum": "Proxmox quorum",
};

/** How a service or platform row reads in a report. */
export const displayName = (s: { name: string; kind: string }): string =>
  s.kind === "platform" ? (PLATFORM_NAMES[s.name] ?? s.name) : s.name;

/** A span as long as a backup interval: hours and days past two hours, else as msText. */
export function spanText(ms: number | null): string {
  if (ms === null || !Number.isFinite(ms) || ms < 2 * 3_600_000) return msText(ms);
  const h = ms / 3_600_000;
  return h >= 72 ? `${Math.round((h / 24) * 10) / 10} d` : `${Math.round(h * 10) / 10} h`;
}
