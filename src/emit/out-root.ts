// The output folder and the paths inside it. Every relative path hlab reads or writes under --out,
// whether a generator made it or the committed manifest listed it, passes one check
// (unsafePathReason); every folder on the way is checked with lstat and files are opened with
// O_NOFOLLOW, so nothing is read, written or removed through a symbolic link. The root itself is the
// real path of --out, and never a system folder or a pseudo-filesystem (a homelab repository has no
// business in /etc, and Node's recursive mkdir spins forever under /proc).
import { constants, type Stats } from "node:fs";
import { lstat, mkdir, open, realpath, rename, rmdir, stat, statfs, unlink } from "node:fs/promises";
import { randomBytes } from "node:crypto";
import { basename, dirname, join, resolve } from "node:path";
import { UserError } from "../diagnostic/user-error.js";

/** Deeper than any generated tree; bounds every walk over a path's components. */
const MAX_DEPTH = 32;
const MAX_PATH = 1024;
const MAX_SEGMENT = 255;

/**
 * Why a relative path may not be used inside the output tree, or undefined when it may: a relative
 * POSIX path of plain segments, never into hlab's own .hlab/. The one check for generated paths and
 * for paths read back from the manifest.
 */
export function unsafePathReason(path: unknown): string | undefined {
  if (typeof path !== "string" || path === "") return "an empty path";
  if (path.length > MAX_PATH) return `a path longer than ${MAX_PATH} characters`;
  if (path.startsWith("/")) return "an absolute path";
  const segments = path.split("/");
  if (segments.length > MAX_DEPTH) return `a path deeper than ${MAX_DEPTH} folders`;
  for (const s of segments) {
    if (s === "" || s === ".") return "an empty or `.` path segment";
    if (s === "..") return "a `..` segment, which leads out of the output folder";
    // eslint-disable-next-line no-control-regex
    if (/[\\\u0000-\u001f\u007f]/.test(s)) return "a backslash or control character";
    if (s.length > MAX_SEGMENT) return `a name longer than ${MAX_SEGMENT} characters`;
  }
  if (segments[0] === ".hlab") return "a path inside .hlab/, which is hlab's own";
  return undefined;
}

/** Folders that are the system's: the repository may not be any of them, nor anywhere inside. */
const SYSTEM_TREES = [
  "/bin",
  "/boot",
  "/dev",
  "/etc",
  "/lib",
  "/lib32",
  "/lib64",
  "/libx32",
  "/proc",
  "/sbin",
  "/sys",
  "/usr",
];
/** Folders that hold other things: a repository may live below them, never be one of them. */
const SYSTEM_ROOTS = [
  "/",
  "/home",
  "/media",
  "/mnt",
  "/opt",
  "/root",
  "/run",
  "/srv",
  "/tmp",
  "/var",
  "/var/lib",
  "/var/tmp",
];
// From linux/magic.h: the kernel's virtual filesystems, where files are not files.
const PSEUDO_FS = new Map<number, string>([
  [0x9fa0, "proc"],
  [0x62656572, "sysfs"],
  [0x64626720, "debugfs"],
  [0x73636673, "securityfs"],
  [0x63677270, "cgroup2"],
  [0x74726163, "tracefs"],
  [0x6e736673, "nsfs"],
  [0xcafe4a11, "bpf"],
  [0xf97cff8c, "selinuxfs"],
]);

/** Why a real absolute path cannot be an output folder, or undefined. */
export function systemFolderReason(real: string): string | undefined {
  if (SYSTEM_ROOTS.includes(real) || /^\/home\/[^/]+$/.test(real))
    return `${real} is a system or home folder, not a repository`;
  const tree = SYSTEM_TREES.find((t) => real === t || real.startsWith(t + "/"));
  if (!tree) return undefined;
  return real === tree
    ? `${tree} belongs to the system`
    : `${real} is inside ${tree}, which belongs to the system`;
}

const errno = (err: unknown): string | undefined => (err as NodeJS.ErrnoException).code;

/**
 * The real path of an output folder, refused with a usage error when it is a file, a system folder
 * or on a pseudo-filesystem. With `create`, the missing folders are made one at a time (bounded;
 * each one checked to be a real folder afterwards); without, the folder may not exist yet.
 */
export async function outputRoot(outDir: string, opts: { create: boolean; flag?: string }): Promise<string> {
  const flag = opts.flag ?? "--out";
  const abs = resolve(outDir);
  const missing: string[] = [];
  let existing = abs;
  let st: Stats | undefined;
  for (let i = 0; i <= MAX_DEPTH * 4 && !st; i++) {
    try {
      st = await stat(existing);
    } catch (err) {
      const code = errno(err);
      if (code === "ENOTDIR")
        throw new UserError(
          `${flag} ${outDir}: a part of this path is a file, not a folder`,
          "pass a folder to write the repository to (created when missing)",
          "unsafe-path",
        );
      if (code !== "ENOENT" || dirname(existing) === existing)
        throw new UserError(
          `${flag} ${outDir}: ${(err as Error).message}`,
          "pass a folder you may read and write",
        );
      missing.unshift(basename(existing));
      existing = dirname(existing);
    }
  }
  if (!st) throw new UserError(`${flag} ${outDir}: a path too deep`, "pass a shorter path", "unsafe-path");
  if (!st.isDirectory())
    throw new UserError(
      `${flag} ${outDir} is a file, not a folder`,
      "pass a folder to write the repository to (created when missing)",
      "unsafe-path",
    );
  const realBase = await realpath(existing);
  const root = missing.length ? join(realBase, ...missing) : realBase;
  const refused = systemFolderReason(root);
  if (refused)
    throw new UserError(
      `${flag} ${outDir}: ${refused}`,
      "pass a folder of its own, e.g. ~/homelab-repo",
      "unsafe-path",
    );
  const fs = await statfs(realBase).catch(() => undefined);
  const pseudo = fs ? PSEUDO_FS.get(fs.type >>> 0) : undefined;
  if (pseudo)
    throw new UserError(
      `${flag} ${outDir} is on ${pseudo}, a kernel filesystem that holds no files`,
      "pass a folder on a disk",
      "unsafe-path",
    );
  if (opts.create) {
    let dir = realBase;
    for (const name of missing) {
      dir = join(dir, name);
      await makeOneFolder(dir, `${flag} ${outDir}`);
    }
  }
  return root;
}

/** One folder level, never through a link: Node's recursive mkdir spins forever under /proc. */
export async function makeOneFolder(dir: string, what: string): Promise<void> {
  try {
    await mkdir(dir);
  } catch (err) {
    if (errno(err) !== "EEXIST")
      throw new UserError(
        `cannot create ${what}: ${(err as Error).message}`,
        "pass a folder you may write to",
      );
  }
  const st = await lstat(dir);
  if (st.isSymbolicLink() || !st.isDirectory())
    throw new UserError(
      `${dir} is ${describe(st)}, not a folder`,
      "move it away, then try again",
      "unsafe-path",
    );
}

const describe = (st: Stats): string =>
  st.isSymbolicLink()
    ? "a symbolic link"
    : st.isDirectory()
      ? "a directory"
      : st.isFile()
        ? "a file"
        : "not a regular file";

export type Entry =
  | { type: "missing" }
  | { type: "file"; mode: number }
  | { type: "other"; what: string }
  /** A folder on the way is a file or a symbolic link: `at` is its relative path. */
  | { type: "blocked"; at: string; what: string };

/** What is at a relative path under root, looking at every component with lstat. */
export async function inspectInside(root: string, rel: string): Promise<Entry> {
  const parts = rel.split("/");
  for (let i = 1; i < parts.length; i++) {
    const at = parts.slice(0, i).join("/");
    try {
      const st = await lstat(join(root, at));
      if (st.isSymbolicLink() || !st.isDirectory()) return { type: "blocked", at, what: describe(st) };
    } catch (err) {
      if (errno(err) === "ENOENT") return { type: "missing" };
      throw err;
    }
  }
  try {
    const st = await lstat(join(root, rel));
    return st.isFile() ? { type: "file", mode: st.mode & 0o777 } : { type: "other", what: describe(st) };
  } catch (err) {
    if (errno(err) === "ENOENT" || errno(err) === "ENOTDIR") return { type: "missing" };
    throw err;
  }
}

const refusal = (rel: string, e: Entry): UserError =>
  e.type === "blocked"
    ? new UserError(
        `${e.at} is ${e.what}; hlab does not follow it to reach ${rel}`,
        "replace it with a real folder",
        "unsafe-path",
      )
    : new UserError(
        `${rel} is ${e.type === "other" ? e.what : "missing"}, not a file`,
        "move it away",
        "unsafe-path",
      );

/**
 * The content of a file under root, or undefined when there is none. A symbolic link anywhere on
 * the way (or the file itself being one) is a UserError, never followed.
 */
export async function readInside(
  root: string,
  rel: string,
  maxBytes = 64 * 1024 * 1024,
): Promise<Buffer | undefined> {
  const e = await inspectInside(root, rel);
  if (e.type === "missing") return undefined;
  if (e.type !== "file") throw refusal(rel, e);
  const handle = await open(join(root, rel), constants.O_RDONLY | constants.O_NOFOLLOW);
  try {
    if ((await handle.stat()).size > maxBytes)
      throw new UserError(
        `${rel} is larger than ${maxBytes} bytes`,
        "this is not a file hlab wrote; move it away",
        "input-too-large",
      );
    return await handle.readFile();
  } finally {
    await handle.close();
  }
}

/** Makes the folders of a relative path under root, each a real folder, none through a link. */
async function makeFoldersInside(root: string, relDir: string): Promise<void> {
  if (relDir === "." || relDir === "") return;
  let dir = root;
  for (const name of relDir.split("/")) {
    dir = join(dir, name);
    await makeOneFolder(dir, dir);
  }
}

/**
 * Writes a file under root: into a fresh temporary name (exclusive create, no-follow) in the same
 * folder, then renamed over the target, so a link at the target is replaced, never written through,
 * and a reader never sees half a file. `mode` is set on the open file, so the umask does not apply.
 */
export async function writeInside(
  root: string,
  rel: string,
  content: string | Uint8Array,
  mode: number,
): Promise<void> {
  await makeFoldersInside(root, dirname(rel));
  const e = await inspectInside(root, rel);
  if (e.type === "blocked" || e.type === "other") throw refusal(rel, e);
  await replaceAtomically(join(root, rel), content, mode);
}

/** Sets the mode of a file under root without following a link. */
export async function chmodInside(root: string, rel: string, mode: number): Promise<void> {
  const e = await inspectInside(root, rel);
  if (e.type !== "file") throw refusal(rel, e);
  const handle = await open(join(root, rel), constants.O_RDONLY | constants.O_NOFOLLOW);
  try {
    await handle.chmod(mode);
  } finally {
    await handle.close();
  }
}

/** Removes a file under root, then the folders that emptied, up to (never including) root. */
export async function removeInside(root: string, rel: string): Promise<void> {
  const e = await inspectInside(root, rel);
  if (e.type === "missing") return;
  if (e.type !== "file") throw refusal(rel, e);
  await unlink(join(root, rel));
  for (let dir = dirname(rel); dir !== "." && dir !== ""; dir = dirname(dir)) {
    try {
      await rmdir(join(root, dir));
    } catch {
      return; // not empty (a user's file, or another generated one), or already gone
    }
  }
}

/** Writes content to a temporary sibling of abs (exclusive, no-follow), then renames it over abs. */
export async function replaceAtomically(
  abs: string,
  content: string | Uint8Array,
  mode: number,
): Promise<void> {
  const tmp = join(
    dirname(abs),
    `.${basename(abs)}.hlab-${process.pid}-${randomBytes(6).toString("hex")}.tmp`,
  );
  const handle = await open(
    tmp,
    constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW,
    mode,
  );
  try {
    try {
      await handle.writeFile(content);
      await handle.chmod(mode);
    } finally {
      await handle.close();
    }
    await rename(tmp, abs);
  } catch (err) {
    await unlink(tmp).catch(() => undefined);
    throw err;
  }
}
