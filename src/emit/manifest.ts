// .hlab/manifest.json: the list of files hlab owns in an output tree, with their hashes. It is how a
// build tells its own stale files (remove) from the user's files (never touch), and a hand-edited
// generated file (warn) from an untouched one. No timestamps: rebuilding changes nothing.
import { createHash } from "node:crypto";
import { unsafePathReason } from "./out-root.js";

export const MANIFEST_PATH = ".hlab/manifest.json";

export interface ManifestEntry {
  path: string;
  sha256: string;
  mode: number;
}

export interface Manifest {
  /** Format version of this file. */
  version: 1;
  /** age recipients the secrets were last encrypted for (empty when the build had no secrets). */
  recipients: string[];
  files: ManifestEntry[];
}

export const sha256 = (content: string | Uint8Array): string =>
  createHash("sha256").update(content).digest("hex");

export const emptyManifest = (): Manifest => ({ version: 1, recipients: [], files: [] });

export function renderManifest(m: Manifest): string {
  const files = [...m.files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const lines = files.map(
    (f) => `    ${JSON.stringify({ path: f.path, sha256: f.sha256, mode: `0${f.mode.toString(8)}` })}`,
  );
  // One file per line keeps the manifest's own diff readable.
  return `{\n  "generator": "hlab",\n  "version": 1,\n  "recipients": ${JSON.stringify([...m.recipients].sort())},\n  "files": [\n${lines.join(",\n")}\n  ]\n}\n`;
}

export class ManifestError extends Error {}

/** A manifest entry that is never acted on: its path could lead outside the tree, or it is malformed. */
export interface RejectedEntry {
  index: number;
  path: string;
  reason: string;
}

export interface ParsedManifest extends Manifest {
  rejected: RejectedEntry[];
}

const SHA256 = /^[0-9a-f]{64}$/;
/** More entries than any build writes: a bigger manifest is not one hlab wrote. */
const MAX_ENTRIES = 100_000;

/**
 * Reads a manifest. The file is committed, so whoever can push to the repository controls it: each
 * entry's path passes the same check as a generated path, and entries that fail are returned in
 * `rejected`, never in `files`.
 */
export function parseManifest(text: string): ParsedManifest {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new ManifestError(`not JSON: ${(err as Error).message}`);
  }
  const obj = raw as { version?: unknown; recipients?: unknown; files?: unknown };
  if (obj?.version !== 1 || !Array.isArray(obj.files))
    throw new ManifestError("not an hlab manifest (version 1 with a files list)");
  if (obj.files.length > MAX_ENTRIES) throw new ManifestError(`more than ${MAX_ENTRIES} file entries`);
  const files: ManifestEntry[] = [];
  const rejected: RejectedEntry[] = [];
  const seen = new Set<string>();
  obj.files.forEach((f: unknown, index) => {
    const e = (f ?? {}) as { path?: unknown; sha256?: unknown; mode?: unknown };
    const path = typeof e.path === "string" ? e.path : JSON.stringify(e.path ?? null);
    const reject = (reason: string): void => void rejected.push({ index, path, reason });
    const unsafe = unsafePathReason(e.path);
    if (unsafe) return reject(unsafe);
    if (typeof e.sha256 !== "string" || !SHA256.test(e.sha256)) return reject("no sha256 of 64 hex digits");
    const mode =
      typeof e.mode === "string" && /^0?[0-7]{1,3}$/.test(e.mode)
        ? parseInt(e.mode, 8)
        : typeof e.mode === "number" && Number.isInteger(e.mode) && e.mode >= 0 && e.mode <= 0o777
          ? e.mode
          : e.mode === undefined
            ? 0o644
            : undefined;
    if (mode === undefined) return reject("a mode that is not 0000-0777");
    if (seen.has(path)) return reject("listed twice");
    seen.add(path);
    files.push({ path, sha256: e.sha256, mode });
  });
  const recipients = Array.isArray(obj.recipients)
    ? obj.recipients.filter((r): r is string => typeof r === "string")
    : [];
  return { version: 1, recipients, files, rejected };
}
