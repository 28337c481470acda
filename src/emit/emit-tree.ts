// Writes a build's files under the output directory as a Git-ready tree. The manifest of the last
// build says which files hlab owns: those are rewritten when they change and removed when no longer
// generated; every other file is the user's and is never touched: a file hlab did not write where a
// generated one goes (even an identical copy) stops the whole write before anything changes, unless
// --force hands it over, so a tree is never left half-built. Every path goes through out-root.ts.
import { CODES, type Code } from "../diagnostic/codes.js";
import { UserError } from "../diagnostic/user-error.js";
import type { GeneratedFile } from "../artifact/artifact.js";
import {
  emptyManifest,
  MANIFEST_PATH,
  ManifestError,
  parseManifest,
  renderManifest,
  sha256,
  type Manifest,
  type ParsedManifest,
} from "./manifest.js";
import {
  chmodInside,
  inspectInside,
  outputRoot,
  readInside,
  removeInside,
  unsafePathReason,
  writeInside,
} from "./out-root.js";

export type EmitActionKind = "create" | "update" | "unchanged" | "adopt" | "remove" | "keep";

export interface EmitAction {
  path: string;
  action: EmitActionKind;
}

export interface EmitIssue {
  path: string;
  /** Its severity is the registry's (codes.ts), never chosen here. */
  code: Code;
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
  preserve?: (path: string) => { code: Code; message: string; hint: string } | undefined;
  /** Take over (or replace) files hlab did not write that sit where generated files go. */
  force?: boolean;
}

const DEFAULT_MODE = 0o644;
/** Rejected manifest entries named one by one; the rest are counted. */
const MAX_NAMED = 20;

/** Generated paths are relative POSIX paths inside the tree, never into hlab's own .hlab/. */
export function checkGeneratedPath(path: string): void {
  const reason = unsafePathReason(path);
  if (reason) throw new Error(`generator produced an unsafe path: ${JSON.stringify(path)} (${reason})`);
}

/** The manifest under a real output root; a link on the way or at the file is refused, not followed. */
async function readManifestIn(root: string): Promise<ParsedManifest> {
  const buf = await readInside(root, MANIFEST_PATH);
  return buf ? parseManifest(buf.toString("utf8")) : { ...emptyManifest(), rejected: [] };
}

/** The manifest of an output folder, for commands that only read it (recipients of the last build). */
export async function readOutputManifest(outDir: string): Promise<ParsedManifest> {
  return readManifestIn(await outputRoot(outDir, { create: false }));
}

function rejectedIssues(m: ParsedManifest): EmitIssue[] {
  const issues: EmitIssue[] = m.rejected.slice(0, MAX_NAMED).map((r) => ({
    path: MANIFEST_PATH,
    code: "HL307",
    message: `${MANIFEST_PATH} entry ${r.index} (${JSON.stringify(r.path).slice(0, 200)}) is refused: ${r.reason}; hlab acts on no entry of it`,
    hint: "the manifest is committed, so anyone who can push can change it: see `git log -p .hlab/manifest.json`, remove the entry, then build again",
  }));
  if (m.rejected.length > MAX_NAMED)
    issues.push({
      path: MANIFEST_PATH,
      code: "HL307",
      message: `${m.rejected.length - MAX_NAMED} more entries of ${MANIFEST_PATH} are refused`,
      hint: "restore the manifest from a commit you trust",
    });
  return issues;
}

/** Writes the files, removes hlab's stale ones, and records the new manifest. */
export async function emitTree(
  outDir: string,
  files: readonly GeneratedFile[],
  opts: EmitOptions = {},
): Promise<EmitResult> {
  for (const f of files) checkGeneratedPath(f.path);
  const root = await outputRoot(outDir, { create: false });
  const issues: EmitIssue[] = [];
  let old: ParsedManifest;
  try {
    old = await readManifestIn(root);
  } catch (err) {
    if (!(err instanceof ManifestError || err instanceof UserError)) throw err;
    issues.push({
      path: MANIFEST_PATH,
      code: "HL305",
      message: `cannot read ${MANIFEST_PATH}: ${err.message}`,
      hint: "restore it from Git (a real file in a real .hlab folder); without it hlab cannot tell its files from yours, so it writes nothing",
    });
    return { actions: [], issues, written: false };
  }
  if (old.rejected.length) return { actions: [], issues: rejectedIssues(old), written: false };
  const owned = new Map(old.files.map((e) => [e.path, e]));
  const actions: EmitAction[] = [];
  const writes: GeneratedFile[] = [];
  const modeFixes: { path: string; mode: number }[] = [];
  const next: Manifest = { version: 1, recipients: [...(opts.recipients ?? old.recipients)], files: [] };

  for (const f of files) {
    const mode = f.mode ?? DEFAULT_MODE;
    const content = Buffer.from(f.content, "utf8");
    const found = await inspectInside(root, f.path);
    if (found.type === "blocked") {
      issues.push({
        path: found.at,
        code: "HL302",
        message: `${found.at} is ${found.what}, in the way of the generated ${f.path}`,
        hint: "move it elsewhere: hlab needs a folder there, and never follows a link",
      });
      continue;
    }
    const entry = owned.get(f.path);
    next.files.push({ path: f.path, sha256: sha256(content), mode });
    if (found.type === "other") {
      issues.push({
        path: f.path,
        code: "HL302",
        message: `${f.path} is ${found.what}; hlab would write a file there`,
        hint: "move it elsewhere, then build again",
      });
      continue;
    }
    if (found.type === "missing") {
      actions.push({ path: f.path, action: "create" });
      writes.push(f);
      continue;
    }
    const existing = (await readInside(root, f.path)) ?? Buffer.alloc(0);
    const same = existing.equals(content);
    if (!entry && !opts.force) {
      issues.push({
        path: f.path,
        code: "HL302",
        message: same
          ? `${f.path} exists (the same as the generated file) but hlab did not write it`
          : `${f.path} exists and hlab did not write it`,
        hint: same
          ? "build with --force to hand it to hlab (later builds then change or remove it), or move it away"
          : "hlab never overwrites your files: move or rename it, or build with --force to replace it",
      });
    } else if (same) {
      actions.push({ path: f.path, action: entry ? "unchanged" : "adopt" });
      if (found.mode !== mode) modeFixes.push({ path: f.path, mode });
    } else {
      if (!entry) {
        issues.push({
          path: f.path,
          code: "HL308",
          message: `${f.path}, which hlab did not write, is replaced (--force)`,
          hint: "Git keeps the old version if it was committed",
        });
      } else if (sha256(existing) !== entry.sha256) {
        issues.push({
          path: f.path,
          code: "HL303",
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
    const found = await inspectInside(root, entry.path);
    // Gone, or behind a link hlab does not follow: nothing of hlab's is left to remove.
    if (found.type === "missing" || found.type === "blocked") continue;
    const content = found.type === "file" ? await readInside(root, entry.path) : undefined;
    const kept = content ? opts.preserve?.(entry.path) : undefined;
    if (content && kept) {
      actions.push({ path: entry.path, action: "keep" });
      next.files.push({ ...entry, sha256: sha256(content) });
      issues.push({ path: entry.path, ...kept });
    } else if (content && sha256(content) === entry.sha256) {
      actions.push({ path: entry.path, action: "remove" });
      removals.push(entry.path);
    } else {
      actions.push({ path: entry.path, action: "keep" });
      issues.push({
        path: entry.path,
        code: "HL303",
        message: `${entry.path} is no longer generated, but it was changed since; it is left in place and is now yours`,
        hint: "delete it if you do not need it",
      });
    }
  }

  if (issues.some((i) => CODES[i.code].severity === "error") || opts.dryRun)
    return { actions, issues, written: false };

  await outputRoot(outDir, { create: true });
  try {
    for (const f of writes) await writeInside(root, f.path, f.content, f.mode ?? DEFAULT_MODE);
    for (const m of modeFixes) await chmodInside(root, m.path, m.mode);
    for (const path of removals) await removeInside(root, path);
    await writeManifest(root, renderManifest(next));
  } catch (err) {
    throw diskError(outDir, err);
  }
  return { actions, issues, written: true };
}

/** A full disk or a read-only folder is the user's to fix, not a bug. */
function diskError(outDir: string, err: unknown): unknown {
  const code = (err as NodeJS.ErrnoException).code;
  if (err instanceof UserError || !code) return err;
  return new UserError(
    `cannot write under ${outDir}: ${(err as Error).message}`,
    "check that you may write to the folder and that the disk has room, then build again (the manifest is written last)",
  );
}

async function writeManifest(root: string, text: string): Promise<void> {
  const current = await readInside(root, MANIFEST_PATH);
  if (current?.toString("utf8") !== text) await writeInside(root, MANIFEST_PATH, text, DEFAULT_MODE);
}

/**
 * Replaces some files hlab owns outside a full build (a rotated secret) and records their new
 * hashes, so the next build sees them as its own rather than as hand edits.
 */
export async function replaceOwnedFiles(outDir: string, files: readonly GeneratedFile[]): Promise<void> {
  for (const f of files) checkGeneratedPath(f.path);
  const root = await outputRoot(outDir, { create: false });
  let manifest: ParsedManifest;
  try {
    manifest = await readManifestIn(root);
  } catch (err) {
    if (!(err instanceof ManifestError)) throw err;
    throw new UserError(
      `cannot read ${MANIFEST_PATH}: ${err.message}`,
      "restore it from Git, then try again",
    );
  }
  const refused = rejectedIssues(manifest)[0];
  if (refused) throw new UserError(refused.message, refused.hint, "unsafe-path");
  const byPath = new Map(manifest.files.map((e) => [e.path, e]));
  for (const f of files) {
    const found = await inspectInside(root, f.path);
    const content = found.type === "file" ? await readInside(root, f.path) : undefined;
    if (
      found.type === "other" ||
      found.type === "blocked" ||
      (content && !byPath.has(f.path) && !content.equals(Buffer.from(f.content)))
    ) {
      throw new UserError(
        `${f.path} is not a file hlab owns; it is left as it is`,
        "move it away (or restore the manifest from Git), then try again",
        "file-exists",
      );
    }
  }
  try {
    for (const f of files) {
      const mode = f.mode ?? DEFAULT_MODE;
      await writeInside(root, f.path, f.content, mode);
      byPath.set(f.path, { path: f.path, sha256: sha256(f.content), mode });
    }
    await writeManifest(root, renderManifest({ ...manifest, files: [...byPath.values()] }));
  } catch (err) {
    throw diskError(outDir, err);
  }
}
