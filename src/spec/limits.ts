// How much work one spec may cause. A spec is a few kilobytes of YAML, or a short config module;
// anything far beyond is a wrong path, a generated file gone wrong or hostile input, and it must end
// in a message naming the limit rather than in minutes of work or an out-of-memory crash. Each limit
// can be raised from the environment for the rare legitimate giant.
import { UserError } from "../diagnostic/user-error.js";
import { durationMs, sizeBytes } from "../model/units.js";

export const MAX_SPEC_BYTES_ENV = "HLAB_MAX_SPEC_BYTES";
export const CONFIG_TIMEOUT_ENV = "HLAB_CONFIG_TIMEOUT";

const DEFAULT_MAX_SPEC_BYTES = 4 * 2 ** 20;
const DEFAULT_CONFIG_TIMEOUT_MS = 10_000;

/** The largest spec (YAML text, or a config's source and its result) hlab reads, in bytes. */
export function maxSpecBytes(env: NodeJS.ProcessEnv = process.env): number {
  const v = env[MAX_SPEC_BYTES_ENV];
  if (v === undefined || v === "") return DEFAULT_MAX_SPEC_BYTES;
  let n: number;
  try {
    n = /^\d+$/.test(v.trim()) ? Number(v) : sizeBytes(v);
  } catch {
    n = NaN;
  }
  if (!Number.isSafeInteger(Math.floor(n)) || n < 1)
    throw new UserError(`${MAX_SPEC_BYTES_ENV}=${v} is not a size`, `write bytes or a size, e.g. 16MiB`);
  return Math.floor(n);
}

/** How long a homelab.config.ts/.js may run to produce its spec. */
export function configTimeoutMs(env: NodeJS.ProcessEnv = process.env): number {
  const v = env[CONFIG_TIMEOUT_ENV];
  if (v === undefined || v === "") return DEFAULT_CONFIG_TIMEOUT_MS;
  let n: number;
  try {
    n = durationMs(v);
  } catch {
    n = NaN;
  }
  if (!(n >= 100 && n <= 3_600_000))
    throw new UserError(
      `${CONFIG_TIMEOUT_ENV}=${v} is not a duration between 100ms and 1h`,
      "write a duration with its unit, e.g. 30s",
    );
  return n;
}

/** "4 MiB", "512 KiB", "1234 bytes": a limit or a size the way a user reads it. */
export function formatBytes(n: number): string {
  if (n >= 2 ** 20) return `${Number((n / 2 ** 20).toFixed(1))} MiB`;
  if (n >= 2 ** 10) return `${Number((n / 2 ** 10).toFixed(1))} KiB`;
  return `${n} bytes`;
}
