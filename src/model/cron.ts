// The worst-case gap between two runs of a five-field cron schedule (K3s, Longhorn, CloudNativePG
// and hlab's own vzdump schedules): the data a backup taken on that schedule can lose. Standard
// cron semantics (man 5 crontab): lists, ranges, steps, month and weekday names, and a day matching
// either a restricted day of month or a restricted weekday.

const MACROS: Record<string, string> = {
  "@yearly": "0 0 1 1 *",
  "@annually": "0 0 1 1 *",
  "@monthly": "0 0 1 * *",
  "@weekly": "0 0 * * 0",
  "@daily": "0 0 * * *",
  "@hourly": "0 * * * *",
};
const NAMES: Record<string, number> = {
  jan: 1,
  feb: 2,
  mar: 3,
  apr: 4,
  may: 5,
  jun: 6,
  jul: 7,
  aug: 8,
  sep: 9,
  oct: 10,
  nov: 11,
  dec: 12,
  sun: 0,
  mon: 1,
  tue: 2,
  wed: 3,
  thu: 4,
  fri: 5,
  sat: 6,
};

interface Field {
  values: Set<number>;
  restricted: boolean;
}

function field(text: string, min: number, max: number): Field | undefined {
  const values = new Set<number>();
  const num = (t: string): number => (t.toLowerCase() in NAMES ? NAMES[t.toLowerCase()]! : Number(t));
  for (const part of text.split(",")) {
    const [range = "", stepText] = part.split("/");
    const step = stepText === undefined ? 1 : Number(stepText);
    let lo: number;
    let hi: number;
    if (range === "*" || range === "?") [lo, hi] = [min, max];
    else if (range.includes("-")) [lo, hi] = range.split("-").map(num) as [number, number];
    else [lo, hi] = [num(range), stepText === undefined ? num(range) : max];
    if (![lo, hi, step].every(Number.isInteger) || step < 1 || lo > hi) return undefined;
    for (let v = lo; v <= hi; v += step) values.add(max === 7 && v === 7 ? 0 : v);
  }
  return { values, restricted: !/^[*?]$/.test(text) };
}

/** Milliseconds between the two runs furthest apart; undefined for a schedule it cannot read. */
export function cronWorstGapMs(schedule: string): number | undefined {
  const text = MACROS[schedule.trim()] ?? schedule.trim();
  const parts = text.split(/\s+/);
  if (parts.length !== 5) return undefined;
  const [minute, hour, dom, month, dow] = [
    field(parts[0]!, 0, 59),
    field(parts[1]!, 0, 23),
    field(parts[2]!, 1, 31),
    field(parts[3]!, 1, 12),
    field(parts[4]!, 0, 7),
  ];
  if (!minute || !hour || !dom || !month || !dow) return undefined;
  const times = [...hour.values]
    .flatMap((h) => [...minute.values].map((m) => h * 60 + m))
    .sort((a, b) => a - b);
  if (times.length === 0) return undefined;
  // Two years from a fixed date cover every month and weekday pairing the gap depends on, and the
  // wrap from the last run of a year to the first of the next.
  const start = Date.UTC(2025, 0, 1);
  const fires: number[] = [];
  for (let day = 0; day < 730; day++) {
    const d = new Date(start + day * 86_400_000);
    if (!month.values.has(d.getUTCMonth() + 1)) continue;
    const domOk = dom.values.has(d.getUTCDate());
    const dowOk = dow.values.has(d.getUTCDay());
    const ok = dom.restricted && dow.restricted ? domOk || dowOk : domOk && dowOk;
    if (ok) for (const t of times) fires.push(day * 1440 + t);
  }
  if (fires.length < 2) return undefined;
  let worst = 0;
  for (let i = 1; i < fires.length; i++) worst = Math.max(worst, fires[i]! - fires[i - 1]!);
  return worst * 60_000;
}
