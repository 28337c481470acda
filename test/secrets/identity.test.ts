import assert from "node:assert/strict";
import { join } from "node:path";
import { test } from "node:test";
import {
  isIdentityError,
  loadIdentities,
  recipientsOf,
  resolveRecipients,
} from "../../src/secrets/identity.js";
import { tempDir, testIdentity } from "./test-identity.js";

test("an identity file gives its recipient", async () => {
  const me = await testIdentity();
  const ids = await loadIdentities(me.file);
  assert.deepEqual(await recipientsOf(ids), [me.recipient]);
  assert.match(me.recipient, /^age1[0-9a-z]{58}$/);
});

test("recipients come from the spec first, then from the local identity, else a clear error", async () => {
  const me = await testIdentity();
  const spec = ["age1zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz"];
  assert.deepEqual((await resolveRecipients(spec, me.file)).recipients, spec);
  assert.deepEqual((await resolveRecipients([], me.file)).recipients, [me.recipient]);
  const missing = join(await tempDir("hlab-none-"), "age.key");
  await assert.rejects(
    resolveRecipients([], missing),
    (err: unknown) => isIdentityError(err) && /hlab secrets init/.test(err.hint),
  );
});
