// Units as users write them. Binary and decimal prefixes are both honoured: 16GB is 16e9 bytes,
// 16GiB is 16 x 2^30; a bare K/M/G/T is read as binary, the way Proxmox and Kubernetes read it.

const SIZE_FACTORS: Record<string, number> = {
  B: 1,
  KB: 1e3,
  MB: 1e6,
  GB: 1e9,
  TB: 1e12,
  KiB: 2 ** 10,
  MiB: 2 ** 20,
  GiB: 2 ** 30,
  TiB: 2 ** 40,
  K: 2 ** 10,
  M: 2 ** 20,
  G: 2 ** 30,
  T: 2 ** 40,
};

export function sizeBytes(text: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*([A-Za-z]+)$/.exec(text.trim());
  if (!m) throw new Error(`not a size: ${text}`);
  const f = SIZE_FACTORS[m[2]!];
  if (f === undefined) throw new Error(`unknown size unit: ${m[2]}`);
  return Number(m[1]) * f;
}

export const sizeMiB = (text: string): number => Math.round(sizeBytes(text) / 2 ** 20);
export const sizeGiB = (text: string): number => Math.round((sizeBytes(text) / 2 ** 30) * 100) / 100;

const DURATION_FACTORS: Record<string, number> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  min: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 7 * 86_400_000,
  y: 365 * 86_400_000,
};

/** Milliseconds; a bare number is seconds. */
export function durationMs(value: string | number): number {
  if (typeof value === "number") return value * 1000;
  const m = /^(\d+(?:\.\d+)?)\s*([a-z]+)$/.exec(value.trim());
  if (!m) throw new Error(`not a duration: ${value}`);
  const f = DURATION_FACTORS[m[2]!];
  if (f === undefined) throw new Error(`unknown duration unit: ${m[2]}`);
  return Number(m[1]) * f;
}

export const durationHours = (value: string | number): number => durationMs(value) / 3_600_000;

/** 0.999 or "99.9%" to a fraction. */
export function probability(value: string | number): number {
  if (typeof value === "number") return value;
  return Number(value.replace("%", "").trim()) / 100;
}
