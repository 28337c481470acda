// The only code that writes files. Generators return files in memory; this module decides what
// reaches the disk, refusing to overwrite what the user owns. Files inside an output tree go through
// out-root.ts; this module writes the single files commands are pointed at (a starter spec, the JSON
// Schema, an SVG, an identity) and hlab's own state.
import { constants } from "node:fs";
import { lstat, open, readFile, stat, writeFile } from "node:fs/promises";
import { basename, dirname, resolve } from "node:path";
import { UserError } from "../diagnostic/user-error.js";
import { makeOneFolder, replaceAtomically } from "./out-root.js";

/** Deeper than any real folder; bounds the walk up to an existing parent. */
const MAX_DEPTH = 64;

const errno = (err: unknown): string | undefined => (err as NodeJS.ErrnoException).code;

/**
 * Makes a folder and its missing parents one level at a time. Node's own recursive mkdir loops
 * forever where mkdir fails with ENOENT on a parent that exists (under /proc), so this walk is
 * bounded and every failure is a UserError naming the folder.
 */
export async function makeFolders(dir: string): Promise<void> {
  const missing: string[] = [];
  let at = resolve(dir);
  for (let i = 0; ; i++) {
    try {
      const st = await stat(at);
      if (!st.isDirectory())
        throw new UserError(
          `${at} is a file, not a folder`,
          "give a path whose folders are folders",
          "unsafe-path",
        );
      break;
    } catch (err) {
      if (err instanceof UserError) throw err;
      if (errno(err) === "ENOTDIR")
        throw new UserError(
          `a part of ${dir} is a file, not a folder`,
          "give a path whose folders are folders",
          "unsafe-path",
        );
      if (errno(err) !== "ENOENT" || dirname(at) === at || i >= MAX_DEPTH)
        throw new UserError(
          `cannot create ${dir}: ${(err as Error).message}`,
          "give a folder you may write to",
        );
      missing.unshift(at);
      at = dirname(at);
    }
  }
  for (const d of missing) await makeOneFolder(d, d);
}

const cannotWrite = (path: string, err: unknown): UserError =>
  new UserError(
    `cannot write ${path}: ${(err as Error).message}`,
    "give a file in a folder you may write to",
  );

/**
 * Writes a file that must not exist yet (exclusive create, never through a link): nothing the user
 * has is overwritten. `mode` applies from creation, so a private key is never readable by others
 * even for a moment.
 */
export async function writeNewFile(path: string, content: string, mode = 0o644): Promise<void> {
  await makeFolders(dirname(path));
  let handle;
  try {
    handle = await open(
      path,
      constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW,
      mode,
    );
  } catch (err) {
    if (errno(err) === "EEXIST") {
      const link = await lstat(path).then(
        (s) => s.isSymbolicLink(),
        () => false,
      );
      throw new UserError(
        link ? `${path} is a symbolic link; hlab never writes through one` : `${path} already exists`,
        link ? "remove the link or give another path" : "give another path, or move the file away",
        "file-exists",
      );
    }
    throw cannotWrite(path, err);
  }
  try {
    await handle.writeFile(content);
  } finally {
    await handle.close();
  }
}

export interface UserFileOptions {
  mode?: number;
  /** Replace a file hlab cannot tell it wrote. */
  force?: boolean;
  /** True when existing content is recognisably an earlier output of the same command. */
  isOurs?: (existing: Buffer) => boolean;
  /** Files never replaced, even with force (the spec a command reads). */
  protect?: readonly string[];
  /** How the path was given, for messages: `--out`, `--export-svg`. */
  what?: string;
}

/** Bigger than any file hlab writes this way: not read to decide whether it is ours. */
const MAX_RECOGNISED = 16 * 1024 * 1024;

/**
 * Writes one file a command was pointed at. A new file is created exclusively; an existing one is
 * replaced (atomically, via a temporary sibling) only when it is an earlier output of hlab's or with
 * `force`; a link, a folder or a device is always refused, as is a protected file.
 */
export async function writeUserFile(
  path: string,
  content: string,
  opts: UserFileOptions = {},
): Promise<"created" | "replaced" | "unchanged"> {
  const abs = resolve(path);
  const what = opts.what ? `${opts.what} ${path}` : path;
  const mode = opts.mode ?? 0o644;
  const st = await lstat(abs).catch((err: unknown) => {
    if (errno(err) === "ENOENT") return undefined;
    if (errno(err) === "ENOTDIR")
      throw new UserError(
        `${what}: a part of the path is a file, not a folder`,
        "give a path whose folders are folders",
        "unsafe-path",
      );
    throw cannotWrite(path, err);
  });
  if (!st) {
    await writeNewFile(abs, content, mode);
    return "created";
  }
  if (st.isSymbolicLink())
    throw new UserError(
      `${what} is a symbolic link; hlab never writes through one`,
      "remove the link or give another path",
      "unsafe-path",
    );
  if (!st.isFile())
    throw new UserError(
      `${what} is ${st.isDirectory() ? "a folder" : "not a regular file"}`,
      "give the path of a file",
      "unsafe-path",
    );
  for (const p of opts.protect ?? []) {
    const other = await stat(p).catch(() => undefined);
    if (other && other.dev === st.dev && other.ino === st.ino)
      throw new UserError(
        `${what} is the file this command reads (${p})`,
        "give another path",
        "file-exists",
      );
  }
  const existing = st.size <= MAX_RECOGNISED ? await readFile(abs) : undefined;
  if (existing?.equals(Buffer.from(content, "utf8"))) return "unchanged";
  if (!opts.force && !(existing && opts.isOurs?.(existing)))
    throw new UserError(
      `${what} exists and hlab did not write it`,
      `give another path, or pass --force to replace ${basename(abs)}`,
      "file-exists",
    );
  try {
    await replaceAtomically(abs, content, mode);
  } catch (err) {
    throw cannotWrite(path, err);
  }
  return "replaced";
}

/** Writes (or replaces) a file hlab owns, such as its own state (a lab's run folder). */
export async function writeOwnedFile(
  path: string,
  content: string | Uint8Array,
  mode?: number,
): Promise<void> {
  await makeFolders(dirname(path));
  await writeFile(path, content, mode !== undefined ? { mode } : undefined);
}
