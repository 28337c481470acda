// The only code that writes files. Generators return files in memory; this module decides what
// reaches the disk, refusing to overwrite what the user owns.
import { mkdir, open, writeFile } from "node:fs/promises";
import { dirname } from "node:path";

/**
 * Writes a file that must not exist yet (exclusive create): nothing the user has is overwritten.
 * `mode` applies from creation, so a private key is never readable by others even for a moment.
 */
export async function writeNewFile(path: string, content: string, mode?: number): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const handle = await open(path, "wx", mode);
  try {
    await handle.writeFile(content);
  } finally {
    await handle.close();
  }
}

/** Writes (or replaces) a file hlab owns, such as a generated artifact or its own state. */
export async function writeOwnedFile(
  path: string,
  content: string | Uint8Array,
  mode?: number,
): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, content, mode !== undefined ? { mode } : undefined);
}
