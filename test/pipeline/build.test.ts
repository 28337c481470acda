import assert from "node:assert/strict";
import { mkdir, readdir, readFile, stat, writeFile } from "node:fs/promises";
import { join, relative } from "node:path";
import { test } from "node:test";
import { build } from "../../src/pipeline/build.js";
import { listSecrets, readSecretValue } from "../../src/secrets/store.js";
import { tempDir, testIdentity } from "../secrets/test-identity.js";
import { EXAMPLES, exampleModel, exampleName, MIXED_SPEC, specModel } from "../generate/fixtures.js";

const NOW = new Date("2026-06-01T12:00:00Z");

async function tree(dir: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const walk = async (d: string): Promise<void> => {
    for (const e of await readdir(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) await walk(p);
      else out.set(relative(dir, p), await readFile(p, "utf8"));
    }
  };
  await walk(dir);
  return out;
}

for (const file of EXAMPLES) {
  test(`${exampleName(file)}: builds; a rebuild is byte-identical; no secret value appears anywhere in the tree`, async () => {
    const me = await testIdentity();
    const out = await tempDir("hlab-build-");
    const model = await exampleModel(file);
    const first = await build(model, { outDir: out, recipients: [me.recipient], now: NOW });
    assert.deepEqual(
      first.diagnostics.filter((d) => d.severity === "error"),
      [],
    );
    assert.equal(first.written, true);
    const before = await tree(out);
    const second = await build(await exampleModel(file), {
      outDir: out,
      recipients: [me.recipient],
      now: new Date(),
    });
    assert.equal(second.written, true);
    assert.deepEqual(second.createdSecrets, [], "existing secrets are kept");
    assert.ok(
      second.emit!.actions.every((a) => a.action === "unchanged"),
      "nothing rewritten",
    );
    assert.deepEqual(await tree(out), before, "two builds, same bytes");

    const { secrets, unreadable } = await listSecrets(out);
    assert.deepEqual(unreadable, []);
    assert.deepEqual(secrets.map((s) => s.name).sort(), first.createdSecrets.sort());
    for (const s of secrets) {
      const value = await readSecretValue(out, s.name, [me.identity]);
      for (const [path, content] of before)
        assert.ok(!content.includes(value), `the value of ${s.name} is in ${path}`);
    }
  });
}

test("a user's files are never touched; one in the way stops the build", async () => {
  const me = await testIdentity();
  const out = await tempDir("hlab-build-");
  await writeFile(join(out, "NOTES.md"), "mine\n");
  await mkdir(join(out, "tofu"), { recursive: true });
  await writeFile(join(out, "tofu/backend.tf"), "terraform {}\n");
  const model = await exampleModel("examples/seed004-three-nodes.yaml");
  assert.equal((await build(model, { outDir: out, recipients: [me.recipient], now: NOW })).written, true);
  assert.equal(await readFile(join(out, "NOTES.md"), "utf8"), "mine\n");
  assert.equal(await readFile(join(out, "tofu/backend.tf"), "utf8"), "terraform {}\n");

  const out2 = await tempDir("hlab-build-");
  await mkdir(join(out2, "dns"), { recursive: true });
  await writeFile(join(out2, "dns/hosts"), "127.0.0.1 mine\n");
  const blocked = await build(model, { outDir: out2, recipients: [me.recipient], now: NOW });
  assert.equal(blocked.written, false);
  assert.deepEqual(
    blocked.diagnostics.filter((d) => d.severity === "error").map((d) => d.code),
    ["HL302"],
  );
  assert.deepEqual(
    [...(await tree(out2)).keys()],
    ["dns/hosts"],
    "nothing else was written, not even secrets",
  );
});

test("a guest removed from the spec takes its generated files with it", async () => {
  const me = await testIdentity();
  const out = await tempDir("hlab-build-");
  await build(specModel(MIXED_SPEC), { outDir: out, recipients: [me.recipient], now: NOW });
  assert.ok((await stat(join(out, "nodes/work-a/etc/rancher/k3s/config.yaml"))).isFile());
  const smaller = MIXED_SPEC.replace(/^ {2}work-a:.*\n/m, "");
  const r = await build(specModel(smaller), { outDir: out, recipients: [me.recipient], now: NOW });
  assert.equal(r.written, true);
  assert.ok(
    r.emit!.actions.some(
      (a) => a.action === "remove" && a.path === "nodes/work-a/etc/rancher/k3s/config.yaml",
    ),
  );
  await assert.rejects(stat(join(out, "nodes/work-a")), "the emptied folder is gone too");
  assert.ok(!(await readFile(join(out, "tofu/vms.tf.json"), "utf8")).includes("work-a"));
});

test("a secret the spec no longer uses is kept, not deleted, and comes back unchanged", async () => {
  const me = await testIdentity();
  const out = await tempDir("hlab-build-");
  const file = "examples/seed004-three-nodes.yaml";
  const text = await readFile(file, "utf8");
  const first = await build(specModel(text), { outDir: out, recipients: [me.recipient], now: NOW });
  assert.ok(first.createdSecrets.includes("grafana-admin"));
  const path = "secrets/grafana-admin.sops.yaml";
  const before = await readFile(join(out, path), "utf8");
  const without = await build(specModel(text.replace(/^ {2}grafana:.*\n/m, "")), {
    outDir: out,
    recipients: [me.recipient],
    now: NOW,
  });
  assert.equal(without.written, true);
  assert.ok(without.emit!.actions.some((a) => a.action === "keep" && a.path === path));
  const warning = without.diagnostics.find((d) => d.code === "HL306");
  assert.ok(warning && /grafana-admin/.test(warning.message) && /delete/.test(warning.hint));
  assert.equal(await readFile(join(out, path), "utf8"), before, "kept byte for byte");
  const back = await build(specModel(text), { outDir: out, recipients: [me.recipient], now: NOW });
  assert.ok(!back.createdSecrets.includes("grafana-admin"), "the old value is reused");
  assert.equal(await readFile(join(out, path), "utf8"), before);
});

test("without a recipient nothing is written; with other recipients the build warns", async () => {
  const out = await tempDir("hlab-build-");
  const model = await exampleModel("examples/seed004-three-nodes.yaml");
  const none = await build(model, { outDir: out, recipients: [], now: NOW });
  assert.equal(none.written, false);
  assert.ok(none.diagnostics.some((d) => d.code === "HL300" && /hlab secrets init/.test(d.hint)));
  assert.deepEqual([...(await tree(out)).keys()], []);

  const me = await testIdentity();
  const other = await testIdentity();
  await build(model, { outDir: out, recipients: [me.recipient], now: NOW });
  const r = await build(model, { outDir: out, recipients: [other.recipient], now: NOW });
  assert.equal(r.written, true);
  assert.ok(r.diagnostics.some((d) => d.code === "HL301" && /update-keys/.test(d.hint)));
});

test("a rebuild where no recipient is known keeps the manifest's recipients", async () => {
  const me = await testIdentity();
  const out = await tempDir("hlab-build-");
  const model = await exampleModel("examples/seed004-three-nodes.yaml");
  await build(model, { outDir: out, recipients: [me.recipient], now: NOW });
  const before = await readFile(join(out, ".hlab/manifest.json"), "utf8");
  const again = await build(model, { outDir: out, recipients: [], now: NOW });
  assert.equal(again.written, true, "every secret exists, so no recipient is needed");
  assert.equal(await readFile(join(out, ".hlab/manifest.json"), "utf8"), before);
  assert.ok(before.includes(me.recipient));
});

test("--dry-run computes everything and writes nothing", async () => {
  const me = await testIdentity();
  const out = await tempDir("hlab-build-");
  const r = await build(await exampleModel("examples/seed004-three-nodes.yaml"), {
    outDir: out,
    recipients: [me.recipient],
    now: NOW,
    dryRun: true,
  });
  assert.equal(r.written, false);
  assert.ok(r.emit!.actions.length > 10 && r.emit!.actions.every((a) => a.action === "create"));
  assert.deepEqual([...(await tree(out)).keys()], []);
});
