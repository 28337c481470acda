// IPv4 arithmetic on unsigned 32-bit integers; enough for address plans, overlaps and ranges.
import type { Cidr, IpRange } from "./model.js";

export function ipToInt(ip: string): number {
  const parts = ip.split(".").map(Number);
  return (((parts[0]! << 24) | (parts[1]! << 16) | (parts[2]! << 8) | parts[3]!) >>> 0) as number;
}

export function intToIp(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join(".");
}

export function parseCidr(text: string): Cidr {
  const [ip, prefixText] = text.split("/");
  const prefix = Number(prefixText);
  const mask = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
  return { base: (ipToInt(ip!) & mask) >>> 0, prefix, text };
}

export function cidrRange(c: Cidr): IpRange {
  const size = 2 ** (32 - c.prefix);
  return { first: c.base, last: c.base + size - 1, text: c.text };
}

export function inCidr(ip: string | number, c: Cidr): boolean {
  const n = typeof ip === "string" ? ipToInt(ip) : ip;
  const r = cidrRange(c);
  return n >= r.first && n <= r.last;
}

/** Parses `a`, `a-b` or `a/nn` into an inclusive range. */
export function parseRange(text: string): IpRange {
  const t = text.replace(/\s+/g, "");
  if (t.includes("/")) return { ...cidrRange(parseCidr(t)), text };
  if (t.includes("-")) {
    const [a, b] = t.split("-");
    return { first: ipToInt(a!), last: ipToInt(b!), text };
  }
  const n = ipToInt(t);
  return { first: n, last: n, text };
}

export const rangesOverlap = (a: IpRange, b: IpRange): boolean => a.first <= b.last && b.first <= a.last;

export const inRange = (ip: string | number, r: IpRange): boolean => {
  const n = typeof ip === "string" ? ipToInt(ip) : ip;
  return n >= r.first && n <= r.last;
};

export const rangeSize = (r: IpRange): number => r.last - r.first + 1;

/** The n-th usable host address of a CIDR (1-based), e.g. the first tunnel address. */
export const nthHost = (c: Cidr, n: number): string => intToIp(c.base + n);

export const netmask = (prefix: number): string =>
  intToIp(prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0);
