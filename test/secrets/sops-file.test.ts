import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { test } from "node:test";
import { armor } from "age-encryption";
import { parse } from "yaml";
import { hasCommand, run } from "../../src/process/run.js";
import { decryptValue } from "../../src/secrets/sops-cipher.js";
import { decryptSops, encryptSops, readSopsFile, valueAt } from "../../src/secrets/sops-file.js";
import { fromPlain, toPlain, type SopsMap } from "../../src/secrets/sops-tree.js";
import { tempDir, testIdentity } from "./test-identity.js";

const NOW = new Date("2026-03-04T05:06:07.890Z");
const doc = (): SopsMap =>
  fromPlain({
    hlab_unencrypted: { secret: "demo", kind: "token" },
    value: "correct horse battery",
    port: 6443,
    on: true,
  }) as SopsMap;

test("a SOPS file round-trips, and only the chosen values are encrypted", async () => {
  const me = await testIdentity();
  const text = await encryptSops(doc(), {
    recipients: [me.recipient],
    rule: { unencryptedSuffix: "_unencrypted" },
    now: NOW,
  });
  assert.ok(!text.includes("correct horse battery"), "the plaintext value never appears");
  const raw = parse(text) as Record<string, Record<string, unknown>>;
  assert.equal(raw.hlab_unencrypted!.secret, "demo", "values under *_unencrypted stay readable");
  assert.match(String(raw.value), /^ENC\[AES256_GCM,data:[^,]+,iv:[^,]+,tag:[^,]+,type:str\]$/);
  assert.match(String(raw.port), /type:int\]$/);
  assert.match(String(raw.on), /type:bool\]$/);
  assert.equal(raw.sops!.lastmodified, "2026-03-04T05:06:07Z", "RFC 3339 without fractions, as Go writes it");
  assert.match(text, /lastmodified: "2026-03-04T05:06:07Z"/, "quoted, so Go's YAML reads a string");
  assert.equal(raw.sops!.unencrypted_suffix, "_unencrypted");
  const back = await decryptSops(text, [me.identity]);
  assert.deepEqual(toPlain(back.tree), {
    hlab_unencrypted: { secret: "demo", kind: "token" },
    value: "correct horse battery",
    port: 6443,
    on: true,
  });
});

test("the MAC is SHA-512 over every leaf in document order, encrypted with the timestamp as additional data", async () => {
  const me = await testIdentity();
  const text = await encryptSops(doc(), {
    recipients: [me.recipient],
    rule: { unencryptedSuffix: "_unencrypted" },
    now: NOW,
  });
  const file = readSopsFile(text);
  // The data key, opened with the age CLI's library the same way sops does.
  const { Decrypter } = await import("age-encryption");
  const d = new Decrypter();
  d.addIdentity(me.identity);
  const key = await d.decrypt(armor.decode(file.metadata.age[0]!.enc));
  assert.equal(key.length, 32);
  const expected = createHash("sha512")
    .update("demotokencorrect horse battery6443True")
    .digest("hex")
    .toUpperCase();
  assert.equal(decryptValue(file.metadata.mac, key, "2026-03-04T05:06:07Z"), expected);
  assert.equal(
    decryptValue(String(valueAt(file.tree, ["value"])), key, "value:"),
    "correct horse battery",
    "a value's additional data is its path",
  );
});

test("the Kubernetes shape keeps metadata readable and encrypts data and stringData only", async () => {
  const me = await testIdentity();
  const secret = fromPlain({
    apiVersion: "v1",
    kind: "Secret",
    metadata: { name: "db", namespace: "apps" },
    stringData: { password: "hunter2hunter2" },
  }) as SopsMap;
  const text = await encryptSops(secret, {
    recipients: [me.recipient],
    rule: { encryptedRegex: "^(data|stringData)$" },
    now: NOW,
  });
  const raw = parse(text) as {
    metadata: { name: string };
    stringData: { password: string };
    sops: { encrypted_regex: string };
  };
  assert.equal(raw.metadata.name, "db");
  assert.match(raw.stringData.password, /^ENC\[/);
  assert.equal(raw.sops.encrypted_regex, "^(data|stringData)$");
  assert.equal(
    valueAt((await decryptSops(text, [me.identity])).tree, ["stringData", "password"]),
    "hunter2hunter2",
  );
});

test("tampering is detected: a changed plaintext field, a moved value, a foreign identity", async () => {
  const me = await testIdentity();
  const other = await testIdentity();
  const text = await encryptSops(doc(), {
    recipients: [me.recipient],
    rule: { unencryptedSuffix: "_unencrypted" },
    now: NOW,
  });
  await assert.rejects(
    decryptSops(text.replace("secret: demo", "secret: dema"), [me.identity]),
    /MAC mismatch/,
  );
  const raw = parse(text) as Record<string, unknown>;
  const moved = text.replace(`port: ${String(raw.port)}`, `port: ${String(raw.value)}`);
  await assert.rejects(decryptSops(moved, [me.identity]), /does not decrypt/);
  await assert.rejects(decryptSops(text, [other.identity]), new RegExp(`encrypted for ${me.recipient}`));
});

test("every recipient can open the file", async () => {
  const a = await testIdentity();
  const b = await testIdentity();
  const text = await encryptSops(doc(), {
    recipients: [a.recipient, b.recipient],
    rule: { unencryptedSuffix: "_unencrypted" },
    now: NOW,
  });
  for (const who of [a, b])
    assert.equal(valueAt((await decryptSops(text, [who.identity])).tree, ["value"]), "correct horse battery");
});

test(
  "the data key is a standard age file that the age CLI opens",
  { skip: !(await hasCommand("age")) && "age is not installed" },
  async () => {
    const me = await testIdentity();
    const text = await encryptSops(doc(), {
      recipients: [me.recipient],
      rule: { unencryptedSuffix: "_unencrypted" },
      now: NOW,
    });
    const dir = await tempDir("hlab-age-");
    const enc = join(dir, "key.age");
    await writeFile(enc, readSopsFile(text).metadata.age[0]!.enc);
    const r = await run("age", ["-d", "-i", me.file, "-o", join(dir, "key.bin"), enc]);
    assert.equal(r.code, 0, r.stderr);
    const { readFile } = await import("node:fs/promises");
    assert.equal((await readFile(join(dir, "key.bin"))).length, 32);
  },
);
