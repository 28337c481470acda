// The commands that write files never replace what the user owns, never write through a link, and
// turn every refusal into a usage error (exit 2 with a hint), never an internal error (exit 70).
import assert from "node:assert/strict";
import { copyFile, mkdir, readFile, stat, symlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { test } from "node:test";
import { main } from "../../src/cli/main.js";
import { captureIo } from "./capture-io.js";
import { tempDir, testIdentity } from "../secrets/test-identity.js";

const io = captureIo;

const SPEC = "examples/seed004-three-nodes.yaml";
const OTHER_SPEC = "examples/seed002-segmented.yaml";
const exists = (p: string): Promise<boolean> =>
  stat(p).then(
    () => true,
    () => false,
  );

/** Runs hlab and asserts a usage error: exit 2, a hint, no "internal error". */
async function usageError(argv: string[], message: RegExp): Promise<string> {
  const o = io();
  const code = await main(argv, o);
  assert.equal(code, 2, `${argv.join(" ")}: ${o.stderr}`);
  assert.match(o.stderr, message, argv.join(" "));
  assert.match(o.stderr, /= hint: /, argv.join(" "));
  assert.doesNotMatch(o.stderr, /internal error/);
  return o.stderr;
}

test("build --out: /, system folders, pseudo-filesystems and files are usage errors; /proc/x does not loop", async () => {
  const me = await testIdentity();
  const file = join(await tempDir("hlab-safety-"), "a-file");
  await writeFile(file, "mine\n");
  for (const out of ["/", "/etc", "/usr", "/home", "/root", "/var", "/proc/x", "/sys/x", "/dev/x"]) {
    await usageError(["build", SPEC, "--out", out, "--identity", me.file], /--out/);
  }
  await usageError(["build", SPEC, "--out", file, "--identity", me.file], /is a file, not a folder/);
  await usageError(["build", SPEC, "--out", join(file, "sub"), "--identity", me.file], /is a file/);
  assert.equal(await readFile(file, "utf8"), "mine\n");
});

test("build: a spec copy already in --out is not adopted, so a later build of another spec cannot replace it", async () => {
  const me = await testIdentity();
  const out = join(await tempDir("hlab-safety-"), "repo");
  await mkdir(out);
  const mine = join(out, "homelab.yaml");
  await copyFile(SPEC, mine);
  const first = io();
  assert.equal(await main(["build", mine, "--out", out, "--identity", me.file], first), 1);
  assert.match(
    first.stderr,
    /homelab\.yaml: error HL302: homelab\.yaml exists \(the same as the generated file\)/,
  );
  assert.match(first.stderr, /--force/);
  const other = io();
  assert.equal(await main(["build", OTHER_SPEC, "--out", out, "--identity", me.file], other), 1);
  assert.match(other.stderr, /HL302/);
  assert.equal(await readFile(mine, "utf8"), await readFile(SPEC, "utf8"), "the user's spec is untouched");
  assert.equal(await exists(join(out, ".hlab/manifest.json")), false, "nothing was written");
  // --force hands it over: from then on it is the repository's spec copy, rebuilt in place.
  const forced = io();
  assert.equal(await main(["build", mine, "--out", out, "--identity", me.file, "--force"], forced), 0);
  const again = io();
  assert.equal(await main(["build", mine, "--out", out, "--identity", me.file, "--json"], again), 0);
  assert.deepEqual((JSON.parse(again.stdout) as { diagnostics: unknown[] }).diagnostics, []);
});

test("build: a manifest entry pointing outside --out is refused (HL307); the victim file and its folder stay", async () => {
  const me = await testIdentity();
  const base = await tempDir("hlab-safety-");
  const out = join(base, "repo");
  assert.equal(await main(["build", SPEC, "--out", out, "--identity", me.file], io()), 0);
  await mkdir(join(base, "victim/sub"), { recursive: true });
  await writeFile(join(base, "victim/sub/file"), "precious\n");
  const { createHash } = await import("node:crypto");
  const hash = createHash("sha256").update("precious\n").digest("hex");
  const manifestPath = join(out, ".hlab/manifest.json");
  const text = await readFile(manifestPath, "utf8");
  await writeFile(
    manifestPath,
    text.replace(
      '"files": [\n',
      `"files": [\n    ${JSON.stringify({ path: "../victim/sub/file", sha256: hash, mode: "0644" })},\n`,
    ),
  );
  const o = io();
  assert.equal(await main(["build", SPEC, "--out", out, "--identity", me.file], o), 1);
  assert.match(o.stderr, /error HL307: .*\.\.\/victim\/sub\/file/);
  assert.equal(await readFile(join(base, "victim/sub/file"), "utf8"), "precious\n");
});

test("schema --out and ui --export-svg replace only their own earlier output, never the spec or a link", async () => {
  const dir = await tempDir("hlab-safety-");
  const schema = join(dir, "schema.json");
  assert.equal(await main(["schema", "--out", schema], io()), 0);
  assert.equal(await main(["schema", "--out", schema], io()), 0, "an earlier schema is replaced");
  const spec = join(dir, "homelab.yaml");
  await copyFile(SPEC, spec);
  const specText = await readFile(spec, "utf8");
  await usageError(["schema", "--out", spec], /exists and hlab did not write it/);
  assert.equal(await readFile(spec, "utf8"), specText);

  const svg = join(dir, "topology.svg");
  assert.equal(await main(["ui", spec, "--export-svg", svg], io()), 0);
  assert.equal(await main(["ui", spec, "--export-svg", svg], io()), 0, "an earlier drawing is replaced");
  await usageError(["ui", spec, "--export-svg", spec], /the file this command reads/);
  await usageError(["ui", spec, "--export-svg", spec, "--force"], /the file this command reads/);
  assert.equal(await readFile(spec, "utf8"), specText, "the spec is never replaced");
  const notes = join(dir, "notes.txt");
  await writeFile(notes, "mine\n");
  await usageError(["ui", spec, "--export-svg", notes], /--force/);
  assert.equal(await main(["ui", spec, "--export-svg", notes, "--force"], io()), 0);
  assert.match(await readFile(notes, "utf8"), /^<svg /);

  const target = join(dir, "elsewhere.txt");
  const link = join(dir, "link.svg");
  await symlink(target, link);
  await usageError(["ui", spec, "--export-svg", link, "--force"], /symbolic link/);
  await usageError(["schema", "--out", link, "--force"], /symbolic link/);
  assert.equal(await exists(target), false, "nothing written through the dangling link");
  await usageError(["schema", "--out", "/proc/x/schema.json"], /cannot write|not a folder|cannot create/);
});

test("init: onto a dangling link or an existing file is a usage error; --force replaces a file", async () => {
  const dir = await tempDir("hlab-safety-");
  const target = join(dir, "elsewhere.yaml");
  const link = join(dir, "homelab.yaml");
  await symlink(target, link);
  await usageError(["init", link], /symbolic link/);
  await usageError(["init", link, "--force"], /symbolic link/);
  assert.equal(await exists(target), false);
  const file = join(dir, "mine.yaml");
  await writeFile(file, "mine\n");
  await usageError(["init", file], /already exists/);
  assert.equal(await readFile(file, "utf8"), "mine\n");
  assert.equal(await main(["init", file, "--force"], io()), 0);
  assert.match(await readFile(file, "utf8"), /yaml-language-server/);
});
