// Test identities are made fresh in a temporary folder for each run: no private key is ever committed.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after } from "node:test";
import { createIdentity, parseIdentities } from "../../src/secrets/identity.js";

export interface TestIdentity {
  identity: string;
  recipient: string;
  /** An age identity file holding it. */
  file: string;
}

const made: string[] = [];
// Test keys and built trees go when the file's tests are done.
after(async () => {
  for (const dir of made) await rm(dir, { recursive: true, force: true });
});

/** A fresh temporary folder, removed after the test file. */
export async function tempDir(prefix: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  made.push(dir);
  return dir;
}

export async function testIdentity(): Promise<TestIdentity> {
  const dir = await tempDir("hlab-id-");
  const made = await createIdentity(new Date("2026-01-01T00:00:00Z"));
  const file = join(dir, "age.key");
  await writeFile(file, made.fileContent, { mode: 0o600 });
  return { identity: parseIdentities(made.fileContent)[0]!, recipient: made.recipient, file };
}
