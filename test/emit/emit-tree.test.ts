import assert from "node:assert/strict";
import { mkdir, readFile, stat, symlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { test } from "node:test";
import type { GeneratedFile } from "../../src/generate/artifact.js";
import { checkGeneratedPath, emitTree, replaceOwnedFiles } from "../../src/emit/emit-tree.js";
import { MANIFEST_PATH, parseManifest } from "../../src/emit/manifest.js";
import { tempDir } from "../secrets/test-identity.js";

const out = (): Promise<string> => tempDir("hlab-emit-");
const exists = (p: string): Promise<boolean> =>
  stat(p).then(
    () => true,
    () => false,
  );
const FILES: GeneratedFile[] = [
  { path: "README.md", content: "# lab\n" },
  { path: "tofu/main.tf.json", content: "{}\n" },
  { path: "bootstrap/1-proxmox.sh", content: "#!/bin/sh\n", mode: 0o755 },
];

test("a first build writes the files and a manifest; a second changes nothing", async () => {
  const dir = await out();
  const first = await emitTree(dir, FILES);
  assert.equal(first.written, true);
  assert.deepEqual(
    first.actions.map((a) => a.action),
    ["create", "create", "create"],
  );
  assert.equal((await stat(join(dir, "bootstrap/1-proxmox.sh"))).mode & 0o777, 0o755);
  const manifest = await readFile(join(dir, MANIFEST_PATH), "utf8");
  assert.deepEqual(
    parseManifest(manifest).files.map((f) => f.path),
    ["README.md", "bootstrap/1-proxmox.sh", "tofu/main.tf.json"],
  );
  const mtime = (await stat(join(dir, "README.md"))).mtimeMs;
  const second = await emitTree(dir, FILES);
  assert.deepEqual(
    second.actions.map((a) => a.action),
    ["unchanged", "unchanged", "unchanged"],
  );
  assert.equal(await readFile(join(dir, MANIFEST_PATH), "utf8"), manifest);
  assert.equal((await stat(join(dir, "README.md"))).mtimeMs, mtime, "unchanged files are not rewritten");
});

test("a user's file in the way stops the build before anything is written", async () => {
  const dir = await out();
  await mkdir(join(dir, "tofu"));
  await writeFile(join(dir, "tofu/main.tf.json"), "mine\n");
  const r = await emitTree(dir, FILES);
  assert.equal(r.written, false);
  assert.deepEqual(
    r.issues.map((i) => [i.severity, i.path]),
    [["error", "tofu/main.tf.json"]],
  );
  assert.equal(await readFile(join(dir, "tofu/main.tf.json"), "utf8"), "mine\n");
  assert.equal(await exists(join(dir, "README.md")), false, "nothing else was written either");
  assert.equal(await exists(join(dir, MANIFEST_PATH)), false);
});

test("user files elsewhere are never touched; stale generated files are removed with their empty folders", async () => {
  const dir = await out();
  await emitTree(dir, FILES);
  await writeFile(join(dir, "NOTES.md"), "my notes\n");
  await writeFile(join(dir, "tofu/terraform.tfvars"), "secret = 1\n");
  const r = await emitTree(
    dir,
    FILES.filter((f) => f.path !== "bootstrap/1-proxmox.sh" && f.path !== "tofu/main.tf.json"),
  );
  assert.deepEqual(
    r.actions
      .filter((a) => a.action === "remove")
      .map((a) => a.path)
      .sort(),
    ["bootstrap/1-proxmox.sh", "tofu/main.tf.json"],
  );
  assert.equal(await exists(join(dir, "bootstrap")), false, "an emptied folder goes");
  assert.equal(
    await readFile(join(dir, "tofu/terraform.tfvars"), "utf8"),
    "secret = 1\n",
    "a folder with a user file stays",
  );
  assert.equal(await readFile(join(dir, "NOTES.md"), "utf8"), "my notes\n");
});

test("hand edits: replaced with a warning while generated, kept and handed over once no longer generated", async () => {
  const dir = await out();
  await emitTree(dir, FILES);
  await writeFile(join(dir, "README.md"), "# edited\n");
  const r = await emitTree(dir, FILES);
  assert.ok(r.issues.some((i) => i.severity === "warning" && i.path === "README.md"));
  assert.equal(await readFile(join(dir, "README.md"), "utf8"), "# lab\n");
  await writeFile(join(dir, "tofu/main.tf.json"), '{ "edited": true }\n');
  const r2 = await emitTree(
    dir,
    FILES.filter((f) => f.path !== "tofu/main.tf.json"),
  );
  assert.ok(r2.actions.some((a) => a.path === "tofu/main.tf.json" && a.action === "keep"));
  assert.equal(await readFile(join(dir, "tofu/main.tf.json"), "utf8"), '{ "edited": true }\n');
  const manifest = parseManifest(await readFile(join(dir, MANIFEST_PATH), "utf8"));
  assert.ok(!manifest.files.some((f) => f.path === "tofu/main.tf.json"), "it is the user's now");
});

test("a file identical to the generated one is adopted; --dry-run writes nothing", async () => {
  const dir = await out();
  await writeFile(join(dir, "README.md"), "# lab\n");
  const dry = await emitTree(dir, FILES, { dryRun: true });
  assert.equal(dry.written, false);
  assert.ok(dry.actions.some((a) => a.path === "README.md" && a.action === "adopt"));
  assert.equal(await exists(join(dir, "tofu")), false);
  assert.equal((await emitTree(dir, FILES)).written, true);
});

test("symlinks and unsafe paths are refused", async () => {
  const dir = await out();
  const elsewhere = await out();
  await symlink(elsewhere, join(dir, "tofu"));
  const r = await emitTree(dir, FILES);
  assert.equal(r.written, false);
  assert.equal(await exists(join(elsewhere, "main.tf.json")), false);
  for (const bad of ["/etc/passwd", "../x", "a/../../x", ".hlab/manifest.json", "a//b", ""]) {
    assert.throws(() => checkGeneratedPath(bad), /unsafe path/, bad);
  }
});

test("a rotated file is recorded as hlab's own", async () => {
  const dir = await out();
  await emitTree(dir, FILES);
  await replaceOwnedFiles(dir, [{ path: "README.md", content: "# rotated\n" }]);
  const r = await emitTree(dir, [{ path: "README.md", content: "# rotated\n" }, ...FILES.slice(1)]);
  assert.deepEqual(r.issues, []);
  await writeFile(join(dir, "mine.txt"), "x\n");
  await assert.rejects(
    replaceOwnedFiles(dir, [{ path: "mine.txt", content: "y\n" }]),
    /not a file hlab owns/,
  );
});
