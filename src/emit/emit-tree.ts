// Writes a build's files under the output directory as a Git-ready tree. The manifest of the last
// build says which files hlab owns: those are rewritten when they change and removed when no longer
// generated; every other file is the user's and is never touched. A conflict (a user file where a
// generated one should go) stops the whole write before anything changes, so a tree is never left
// half-built.
import { chmod, lstat, readFile, rmdir, unlink } from "node:fs/promises";
import { dirname, join } from "node:path";
import type { GeneratedFile } from "../generate/artifact.js";
import {
  emptyManifest,
  MANIFEST_PATH,
  ManifestError,
  parseManifest,
  renderManifest,
  sha256,
  type Manifest,
} from "./manifest.js";
import { writeOwnedFile } from "./write.js";

export type EmitActionKind = "create" | "update" | "unchanged" | "adopt" | "remove" | "keep";

export interface EmitAction {
  path: string;
  action: EmitActionKind;
}

export interface EmitIssue {
  path: string;
  severity: "error" | "warning";
  message: string;
  hint: string;
}

export interface EmitResult {
  actions: EmitAction[];
  issues: EmitIssue[];
  /** False when a conflict or --dry-run kept the tree as it was. */
  written: boolean;
}

export interface EmitOptions {
  dryRun?: boolean;
  /** Recorded in the manifest: who the secrets were encrypted for. */
  recipients?: readonly string[];
  /**
   * Files no longer generated that must not be removed (a secret's value cannot be made again): the
   * reason to tell the user, or undefined to remove as usual. They stay in the manifest.
   */
  preserve?: (path: string) => { message: string; hint: string } | undefined;
}

const DEFAULT_MODE = 0o644;
/** Generated paths are relative POSIX paths inside the tree, never into hlab's own .hlab/. */
export function checkGeneratedPath(path: string): void {
  const segments = path.split("/");
  const bad = segments.some((s) => s === "" || s === "." || s === ".." || /[\\\0]/.test(s));
  if (bad || segments[0] === ".hlab") {
    throw new Error(`generator produced an unsafe path: ${JSON.stringify(path)}`);
  }
}

type Found =
  { type: "missing" } | { type: "file"; content: Buffer; mode: number } | { type: "other"; what: string };

async function inspect(abs: string): Promise<Found> {
  try {
    const st = await lstat(abs);
    if (st.isSymbolicLink()) return { type: "other", what: "a symbolic link" };
    if (st.isDirectory()) return { type: "other", what: "a directory" };
    if (!st.isFile()) return { type: "other", what: "not a regular file" };
    return { type: "file", content: await readFile(abs), mode: st.mode & 0o777 };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return { type: "missing" };
    throw err;
  }
}

/** The first parent folder (inside outDir) that exists but cannot hold files: a file or a symlink. */
async function blockedParent(outDir: string, path: string): Promise<string | undefined> {
  const parts = path.split("/").slice(0, -1);
  for (let i = 1; i <= parts.length; i++) {
    const rel = parts.slice(0, i).join("/");
    try {
      const st = await lstat(join(outDir, rel));
      if (st.isSymbolicLink() || !st.isDirectory()) return rel;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
      throw err;
    }
  }
  return undefined;
}

async function readManifest(outDir: string): Promise<Manifest> {
  let text: string;
  try {
    text = await readFile(join(outDir, MANIFEST_PATH), "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return emptyManifest();
    throw err;
  }
  return parseManifest(text);
}

/** Writes the files, removes hlab's stale ones, and records the new manifest. */
export async function emitTree(
  outDir: string,
  files: readonly GeneratedFile[],
  opts: EmitOptions = {},
): Promise<EmitResult> {
  for (const f of files) checkGeneratedPath(f.path);
  const issues: EmitIssue[] = [];
  let old: Manifest;
  try {
    old = await readManifest(outDir);
  } catch (err) {
    const why = err instanceof ManifestError ? err.message : (err as Error).message;
    issues.push({
      path: MANIFEST_PATH,
      severity: "error",
      message: `cannot read ${MANIFEST_PATH}: ${why}`,
      hint: "restore it from Git; without it hlab cannot tell its files from yours, so it writes nothing",
    });
    return { actions: [], issues, written: false };
  }
  const owned = new Map(old.files.map((e) => [e.path, e]));
  const actions: EmitAction[] = [];
  const writes: GeneratedFile[] = [];
  const modeFixes: { path: string; mode: number }[] = [];
  const next: Manifest = { version: 1, recipients: [...(opts.recipients ?? old.recipients)], files: [] };

  for (const f of files) {
    const mode = f.mode ?? DEFAULT_MODE;
    const content = Buffer.from(f.content, "utf8");
    const blocker = await blockedParent(outDir, f.path);
    if (blocker) {
      issues.push({
        path: blocker,
        severity: "error",
        message: `${blocker} is in the way of the generated ${f.path}`,
        hint: "move it elsewhere: hlab needs a folder there",
      });
      continue;
    }
    const found = await inspect(join(outDir, f.path));
    const entry = owned.get(f.path);
    next.files.push({ path: f.path, sha256: sha256(content), mode });
    if (found.type === "other") {
      issues.push({
        path: f.path,
        severity: "error",
        message: `${f.path} is ${found.what}; hlab would write a file there`,
        hint: "move it elsewhere, then build again",
      });
    } else if (found.type === "missing") {
      actions.push({ path: f.path, action: "create" });
      writes.push(f);
    } else if (found.content.equals(content)) {
      actions.push({ path: f.path, action: entry ? "unchanged" : "adopt" });
      if (found.mode !== mode) modeFixes.push({ path: f.path, mode });
    } else if (!entry) {
      issues.push({
        path: f.path,
        severity: "error",
        message: `${f.path} exists and hlab did not write it`,
        hint: "hlab never overwrites your files: move or rename it (or delete it if it is an old copy), then build again",
      });
    } else {
      if (sha256(found.content) !== entry.sha256) {
        issues.push({
          path: f.path,
          severity: "warning",
          message: `${f.path} was edited by hand since the last build; the edit is replaced`,
          hint: "change the spec instead: generated files are rewritten on every build (Git keeps the edit)",
        });
      }
      actions.push({ path: f.path, action: "update" });
      writes.push(f);
    }
  }

  const generated = new Set(files.map((f) => f.path));
  const removals: string[] = [];
  for (const entry of old.files) {
    if (generated.has(entry.path)) continue;
    const found = await inspect(join(outDir, entry.path));
    if (found.type === "missing") continue;
    const kept = found.type === "file" ? opts.preserve?.(entry.path) : undefined;
    if (found.type === "file" && kept) {
      actions.push({ path: entry.path, action: "keep" });
      next.files.push({ ...entry, sha256: sha256(found.content) });
      issues.push({ path: entry.path, severity: "warning", ...kept });
    } else if (found.type === "file" && sha256(found.content) === entry.sha256) {
      actions.push({ path: entry.path, action: "remove" });
      removals.push(entry.path);
    } else {
      actions.push({ path: entry.path, action: "keep" });
      issues.push({
        path: entry.path,
        severity: "warning",
        message: `${entry.path} is no longer generated, but it was changed since; it is left in place and is now yours`,
        hint: "delete it if you do not need it",
      });
    }
  }

  if (issues.some((i) => i.severity === "error") || opts.dryRun) return { actions, issues, written: false };

  for (const f of writes) {
    const abs = join(outDir, f.path);
    await writeOwnedFile(abs, f.content, f.mode ?? DEFAULT_MODE);
    // The mode given at creation is filtered by the umask and ignored on an existing file.
    await chmod(abs, f.mode ?? DEFAULT_MODE);
  }
  for (const m of modeFixes) await chmod(join(outDir, m.path), m.mode);
  for (const path of removals) {
    await unlink(join(outDir, path));
    await removeEmptyParents(outDir, path);
  }
  const manifestText = renderManifest(next);
  const current = await inspect(join(outDir, MANIFEST_PATH));
  if (current.type !== "file" || current.content.toString("utf8") !== manifestText) {
    await writeOwnedFile(join(outDir, MANIFEST_PATH), manifestText);
  }
  return { actions, issues, written: true };
}

/** Removes the folders a removal emptied, up to (never including) the output root. */
async function removeEmptyParents(outDir: string, path: string): Promise<void> {
  for (let dir = dirname(path); dir !== "." && dir !== ""; dir = dirname(dir)) {
    try {
      await rmdir(join(outDir, dir));
    } catch {
      return; // not empty (a user's file, or another generated one), or already gone
    }
  }
}

/**
 * Replaces some files hlab owns outside a full build (a rotated secret) and records their new
 * hashes, so the next build sees them as its own rather than as hand edits.
 */
export async function replaceOwnedFiles(outDir: string, files: readonly GeneratedFile[]): Promise<void> {
  for (const f of files) checkGeneratedPath(f.path);
  const manifest = await readManifest(outDir);
  const byPath = new Map(manifest.files.map((e) => [e.path, e]));
  for (const f of files) {
    const found = await inspect(join(outDir, f.path));
    if (
      found.type === "other" ||
      (found.type === "file" && !byPath.has(f.path) && !found.content.equals(Buffer.from(f.content)))
    ) {
      throw new Error(`${f.path} is not a file hlab owns; it is left as it is`);
    }
  }
  for (const f of files) {
    const mode = f.mode ?? DEFAULT_MODE;
    await writeOwnedFile(join(outDir, f.path), f.content, mode);
    await chmod(join(outDir, f.path), mode);
    byPath.set(f.path, { path: f.path, sha256: sha256(f.content), mode });
  }
  await writeOwnedFile(
    join(outDir, MANIFEST_PATH),
    renderManifest({ ...manifest, files: [...byPath.values()] }),
  );
}
