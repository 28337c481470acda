// .hlab/manifest.json: the list of files hlab owns in an output tree, with their hashes. It is how a
// build tells its own stale files (remove) from the user's files (never touch), and a hand-edited
// generated file (warn) from an untouched one. No timestamps: rebuilding changes nothing.
import { createHash } from "node:crypto";

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

export function parseManifest(text: string): Manifest {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new ManifestError(`not JSON: ${(err as Error).message}`);
  }
  const obj = raw as { version?: unknown; recipients?: unknown; files?: unknown };
  if (obj?.version !== 1 || !Array.isArray(obj.files))
    throw new ManifestError("not an hlab manifest (version 1 with a files list)");
  const files = obj.files.map((f: unknown) => {
    const e = f as { path?: unknown; sha256?: unknown; mode?: unknown };
    if (typeof e.path !== "string" || typeof e.sha256 !== "string")
      throw new ManifestError("a file entry lacks path or sha256");
    const mode =
      typeof e.mode === "string" ? parseInt(e.mode, 8) : typeof e.mode === "number" ? e.mode : 0o644;
    return { path: e.path, sha256: e.sha256, mode };
  });
  const recipients = Array.isArray(obj.recipients)
    ? obj.recipients.filter((r): r is string => typeof r === "string")
    : [];
  return { version: 1, recipients, files };
}
