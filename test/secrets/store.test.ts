import assert from "node:assert/strict";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { test } from "node:test";
import { parse } from "yaml";
import type { GeneratedFile, SecretRequest } from "../../src/artifact/artifact.js";
import { hasCommand, run } from "../../src/process/run.js";
import { wireguardPublicKey } from "../../src/secrets/secret-values.js";
import {
  ensureSecrets,
  listSecrets,
  readPublicKey,
  readSecretValue,
  reencryptSecret,
  rotateSecret,
} from "../../src/secrets/store.js";
import { secretFilePath } from "../../src/artifact/secret-layout.js";
import { tempDir, testIdentity } from "./test-identity.js";

const NOW = new Date("2026-05-06T07:08:09Z");
const REQUESTS: SecretRequest[] = [
  { name: "k3s-token", kind: "token", description: "join token", installPath: "/etc/rancher/k3s/token" },
  { name: "vrrp/edge", kind: "password", description: "VRRP" },
  { name: "wireguard/vpn", kind: "wireguard-key", description: "WireGuard" },
  {
    name: "grafana-admin",
    kind: "password",
    description: "admin",
    kubernetes: { namespace: "monitoring", name: "grafana-admin", key: "admin-password" },
  },
];

async function writeAll(dir: string, files: readonly GeneratedFile[]): Promise<void> {
  for (const f of files) {
    await mkdir(dirname(join(dir, f.path)), { recursive: true });
    await writeFile(join(dir, f.path), f.content);
  }
}

test("missing secrets are created encrypted; existing ones are kept byte for byte", async () => {
  const me = await testIdentity();
  const dir = await tempDir("hlab-store-");
  const first = await ensureSecrets(REQUESTS, { outDir: dir, recipients: [me.recipient], now: NOW });
  assert.deepEqual(first.problems, []);
  assert.deepEqual(first.created.sort(), REQUESTS.map((r) => r.name).sort());
  assert.deepEqual(first.files.map((f) => f.path).sort(), [
    "secrets/grafana-admin.sops.yaml",
    "secrets/k3s-token.sops.yaml",
    "secrets/vrrp/edge.sops.yaml",
    "secrets/wireguard/vpn.pub",
    "secrets/wireguard/vpn.sops.yaml",
  ]);
  await writeAll(dir, first.files);
  const second = await ensureSecrets(REQUESTS, { outDir: dir, recipients: [me.recipient], now: new Date() });
  assert.deepEqual(second.created, []);
  assert.deepEqual(second.files, first.files);
  assert.deepEqual([...second.publicKeys], [...first.publicKeys]);
  for (const r of REQUESTS) {
    const value = await readSecretValue(dir, r.name, [me.identity]);
    assert.ok(value.length >= 24, `${r.name} has a strong value`);
    for (const f of first.files)
      assert.ok(!f.content.includes(value), `${r.name}'s value is not in ${f.path}`);
  }
});

test("a WireGuard key pair keeps its public half beside, and it is what wg computes", async () => {
  const me = await testIdentity();
  const dir = await tempDir("hlab-store-");
  const made = await ensureSecrets(REQUESTS.slice(2, 3), {
    outDir: dir,
    recipients: [me.recipient],
    now: NOW,
  });
  await writeAll(dir, made.files);
  const priv = await readSecretValue(dir, "wireguard/vpn", [me.identity]);
  const pub = made.publicKeys.get("wireguard/vpn")!;
  assert.equal(wireguardPublicKey(priv), pub);
  assert.equal(await readFile(join(dir, "secrets/wireguard/vpn.pub"), "utf8"), `${pub}\n`);
  assert.equal(await readPublicKey(dir, "wireguard/vpn", [me.identity]), pub);
  if (await hasCommand("wg")) {
    const r = await run("wg", ["pubkey"], { input: `${priv}\n` });
    assert.equal(r.stdout.trim(), pub);
  }
});

test("a secret Kubernetes consumes is stored as a SOPS-encrypted Secret manifest", async () => {
  const me = await testIdentity();
  const dir = await tempDir("hlab-store-");
  const made = await ensureSecrets(REQUESTS.slice(3), { outDir: dir, recipients: [me.recipient], now: NOW });
  const doc = parse(made.files[0]!.content) as {
    kind: string;
    metadata: { name: string; namespace: string };
    stringData: Record<string, string>;
  };
  assert.equal(doc.kind, "Secret");
  assert.deepEqual([doc.metadata.name, doc.metadata.namespace], ["grafana-admin", "monitoring"]);
  assert.match(doc.stringData["admin-password"]!, /^ENC\[AES256_GCM/);
});

test("literal keys ride along in the same Secret, and a change to them is seen without an identity", async () => {
  const me = await testIdentity();
  const dir = await tempDir("hlab-store-");
  const req: SecretRequest = {
    name: "gitea-admin",
    kind: "password",
    description: "admin",
    kubernetes: { namespace: "gitea", name: "gitea-admin", key: "password", literals: { username: "hlab" } },
  };
  const made = await ensureSecrets([req], { outDir: dir, recipients: [me.recipient], now: NOW });
  await writeAll(dir, made.files);
  const doc = parse(made.files[0]!.content) as {
    stringData: Record<string, string>;
    metadata: { annotations: Record<string, string> };
  };
  assert.deepEqual(Object.keys(doc.stringData).sort(), ["password", "username"]);
  assert.equal(doc.metadata.annotations["hlab/literals"], '{"username":"hlab"}');
  assert.deepEqual(
    (await ensureSecrets([req], { outDir: dir, recipients: [me.recipient], now: NOW })).problems,
    [],
  );
  const renamed = { ...req, kubernetes: { ...req.kubernetes!, literals: { username: "admin" } } };
  assert.equal(
    (await ensureSecrets([renamed], { outDir: dir, recipients: [me.recipient], now: NOW })).problems[0]?.code,
    "HL300",
  );
});

test("problems are reported, not papered over", async () => {
  const me = await testIdentity();
  const other = await testIdentity();
  const dir = await tempDir("hlab-store-");
  const none = await ensureSecrets(REQUESTS.slice(0, 1), { outDir: dir, recipients: [], now: NOW });
  assert.equal(none.problems[0]?.code, "HL300");
  assert.match(none.problems[0]!.hint, /hlab secrets init/);

  await writeAll(
    dir,
    (await ensureSecrets(REQUESTS.slice(0, 1), { outDir: dir, recipients: [me.recipient], now: NOW })).files,
  );
  const rekey = await ensureSecrets(REQUESTS.slice(0, 1), {
    outDir: dir,
    recipients: [other.recipient],
    now: NOW,
  });
  assert.equal(rekey.problems[0]?.code, "HL301", "a changed recipient list asks for update-keys");
  assert.match(rekey.problems[0]!.hint, /update-keys/);

  const reshaped: SecretRequest = { ...REQUESTS[0]!, kind: "password" };
  const mismatch = await ensureSecrets([reshaped], { outDir: dir, recipients: [me.recipient], now: NOW });
  assert.equal(mismatch.problems[0]?.code, "HL300");
  assert.deepEqual(mismatch.files, [], "a file of the wrong kind is never replaced");

  await writeAll(dir, [{ path: secretFilePath("vrrp/edge"), content: "just: a user file\n" }]);
  const foreign = await ensureSecrets(REQUESTS.slice(1, 2), {
    outDir: dir,
    recipients: [me.recipient],
    now: NOW,
  });
  assert.match(foreign.problems[0]!.message, /not a secret hlab can keep/);
});

test("rotation gives a new value; update-keys keeps the value for new recipients", async () => {
  const me = await testIdentity();
  const other = await testIdentity();
  const dir = await tempDir("hlab-store-");
  await writeAll(
    dir,
    (await ensureSecrets(REQUESTS.slice(0, 1), { outDir: dir, recipients: [me.recipient], now: NOW })).files,
  );
  const before = await readSecretValue(dir, "k3s-token", [me.identity]);
  await writeAll(dir, await rotateSecret(dir, "k3s-token", undefined, NOW));
  const after = await readSecretValue(dir, "k3s-token", [me.identity]);
  assert.notEqual(after, before);
  await writeAll(dir, [
    await reencryptSecret(dir, "k3s-token", [me.identity], [me.recipient, other.recipient], NOW),
  ]);
  assert.equal(await readSecretValue(dir, "k3s-token", [other.identity]), after);
  const listed = await listSecrets(dir);
  assert.deepEqual(
    listed.secrets.map((s) => [s.name, s.kind, s.recipients.length]),
    [["k3s-token", "token", 2]],
  );
});
