import assert from "node:assert/strict";
import { mkdir, readFile, stat, symlink, unlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { test } from "node:test";
import type { GeneratedFile } from "../../src/artifact/artifact.js";
import { checkGeneratedPath, emitTree, replaceOwnedFiles } from "../../src/emit/emit-tree.js";
import { MANIFEST_PATH, parseManifest, renderManifest, sha256 } from "../../src/emit/manifest.js";
import { outputRoot, systemFolderReason } from "../../src/emit/out-root.js";
import { UserError } from "../../src/diagnostic/user-error.js";
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
    r.issues.map((i) => [i.code, i.path]),
    [["HL302", "tofu/main.tf.json"]],
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
  assert.ok(r.issues.some((i) => i.code === "HL303" && i.path === "README.md"));
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

test("a file hlab did not write is never adopted, even identical, without --force; --dry-run writes nothing", async () => {
  const dir = await out();
  await writeFile(join(dir, "README.md"), "# lab\n");
  const refused = await emitTree(dir, FILES);
  assert.equal(refused.written, false);
  assert.deepEqual(
    refused.issues.map((i) => [i.code, i.path]),
    [["HL302", "README.md"]],
  );
  assert.match(refused.issues[0]!.hint, /--force/);
  assert.equal(await exists(join(dir, "tofu")), false);
  const dry = await emitTree(dir, FILES, { dryRun: true, force: true });
  assert.equal(dry.written, false);
  assert.ok(dry.actions.some((a) => a.path === "README.md" && a.action === "adopt"));
  assert.equal(await exists(join(dir, "tofu")), false);
  assert.equal((await emitTree(dir, FILES, { force: true })).written, true);
  const again = await emitTree(dir, FILES);
  assert.deepEqual(again.issues, [], "once adopted, the file is hlab's");
});

test("--force replaces a user's file with a warning; without it the file stops the build", async () => {
  const dir = await out();
  await writeFile(join(dir, "README.md"), "mine\n");
  assert.equal((await emitTree(dir, FILES)).written, false);
  assert.equal(await readFile(join(dir, "README.md"), "utf8"), "mine\n");
  const forced = await emitTree(dir, FILES, { force: true });
  assert.equal(forced.written, true);
  assert.deepEqual(
    forced.issues.map((i) => [i.code, i.path]),
    [["HL308", "README.md"]],
  );
  assert.equal(await readFile(join(dir, "README.md"), "utf8"), "# lab\n");
});

test("a manifest entry outside the tree is refused and never acted on (nothing removed, nothing written)", async () => {
  const base = await out();
  const dir = join(base, "repo");
  await emitTree(dir, FILES);
  await mkdir(join(base, "victim/sub"), { recursive: true });
  await writeFile(join(base, "victim/sub/file"), "precious\n");
  const manifest = parseManifest(await readFile(join(dir, MANIFEST_PATH), "utf8"));
  const evil = { path: "../victim/sub/file", sha256: sha256("precious\n"), mode: 0o644 };
  await writeFile(
    join(dir, MANIFEST_PATH),
    renderManifest({ ...manifest, files: [...manifest.files, evil] }),
  );
  const r = await emitTree(dir, FILES.slice(0, 1));
  assert.equal(r.written, false);
  assert.deepEqual(
    r.issues.map((i) => i.code),
    ["HL307"],
  );
  assert.match(r.issues[0]!.message, /\.\.\/victim\/sub\/file/);
  assert.equal(await readFile(join(base, "victim/sub/file"), "utf8"), "precious\n");
  assert.equal(await exists(join(dir, "tofu/main.tf.json")), true, "no stale file removed either");
  for (const path of ["/etc/passwd", ".hlab/manifest.json", "a/./b", "a\\b"]) {
    const parsed = parseManifest(JSON.stringify({ version: 1, files: [{ path, sha256: sha256("") }] }));
    assert.deepEqual(parsed.files, [], path);
    assert.equal(parsed.rejected.length, 1, path);
  }
  const badMode = parseManifest(
    JSON.stringify({ version: 1, files: [{ path: "x", sha256: sha256(""), mode: "04755" }] }),
  );
  assert.equal(badMode.rejected[0]?.reason, "a mode that is not 0000-0777");
});

test("a symlinked .hlab or manifest.json is refused: nothing is read or written through it", async () => {
  const dir = await out();
  const elsewhere = await out();
  await symlink(elsewhere, join(dir, ".hlab"));
  const r = await emitTree(dir, FILES);
  assert.equal(r.written, false);
  assert.deepEqual(
    r.issues.map((i) => i.code),
    ["HL305"],
  );
  assert.equal(await exists(join(elsewhere, "manifest.json")), false);
  assert.equal(await exists(join(dir, "README.md")), false);

  const dir2 = await out();
  await mkdir(join(dir2, ".hlab"));
  await symlink(join(elsewhere, "planted.json"), join(dir2, MANIFEST_PATH));
  const r2 = await emitTree(dir2, FILES);
  assert.deepEqual(
    r2.issues.map((i) => i.code),
    ["HL305"],
  );
  assert.equal(
    await exists(join(elsewhere, "planted.json")),
    false,
    "a dangling link is not written through",
  );
});

test("a generated file that became a symlink is refused, its target untouched", async () => {
  const dir = await out();
  const elsewhere = await out();
  await emitTree(dir, FILES);
  await writeFile(join(elsewhere, "victim"), "precious\n");
  await unlink(join(dir, "README.md"));
  await symlink(join(elsewhere, "victim"), join(dir, "README.md"));
  const r = await emitTree(dir, [{ path: "README.md", content: "# changed\n" }, ...FILES.slice(1)]);
  assert.equal(r.written, false);
  assert.equal(await readFile(join(elsewhere, "victim"), "utf8"), "precious\n");
});

test("the output folder: system folders, pseudo-filesystems and files are refused as usage errors", async () => {
  const file = join(await out(), "a-file");
  await writeFile(file, "x\n");
  for (const bad of [
    "/",
    "/etc",
    "/usr/share/x",
    "/home",
    "/root",
    "/proc/x",
    "/sys/kernel",
    "/dev/shm/x",
    file,
    join(file, "sub"),
  ]) {
    await assert.rejects(
      emitTree(bad, FILES),
      (err: unknown) => err instanceof UserError && err.code === "unsafe-path",
      bad,
    );
  }
  assert.equal(systemFolderReason("/srv/homelab"), undefined);
  assert.equal(systemFolderReason("/home/alice/homelab"), undefined);
  assert.match(systemFolderReason("/home/alice") ?? "", /home folder/);
  const made = join(await out(), "a/b/c");
  assert.equal(await outputRoot(made, { create: true }), made);
  assert.equal((await stat(made)).isDirectory(), true);
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
