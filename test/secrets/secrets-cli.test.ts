import assert from "node:assert/strict";
import { mkdir, readFile, rename, stat, symlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { test } from "node:test";
import { main } from "../../src/cli/main.js";
import { captureIo } from "../cli/capture-io.js";
import { tempDir } from "./test-identity.js";

const io = captureIo;

test("secrets init → build → list / show / rotate / update-keys", async () => {
  const home = await tempDir("hlab-home-");
  const key = join(home, "age.key");
  const init = io();
  assert.equal(await main(["secrets", "init", "--identity", key], init), 0);
  const recipient = init.stdout.trim();
  assert.match(recipient, /^age1[0-9a-z]{58}$/);
  assert.equal((await stat(key)).mode & 0o777, 0o600, "the private key is readable by its owner only");
  const again = io();
  assert.equal(await main(["secrets", "init", "--identity", key], again), 0);
  assert.equal(again.stdout.trim(), recipient, "init never replaces an identity");

  const out = join(await tempDir("hlab-out-"), "repo");
  const b = io();
  assert.equal(
    await main(["build", "examples/seed002-segmented.yaml", "--out", out, "--identity", key], b),
    0,
    b.stderr,
  );
  assert.match(b.stderr, /created secrets .*k3s-token/);

  const list = io();
  assert.equal(await main(["secrets", "list", "--out", out, "--json"], list), 0);
  const listed = JSON.parse(list.stdout) as { secrets: { name: string; recipients: string[] }[] };
  assert.ok(listed.secrets.some((s) => s.name === "wireguard/vpn" && s.recipients[0] === recipient));

  const show = io();
  assert.equal(
    await main(["secrets", "show", "k3s-token", "--out", out, "--identity", key], show),
    0,
    show.stderr,
  );
  const token = show.stdout.trim();
  assert.ok(token.length >= 32);
  const pub = io();
  assert.equal(await main(["secrets", "show", "wireguard/vpn", "--out", out, "--public"], pub), 0);
  assert.equal(pub.stdout.trim(), (await readFile(join(out, "secrets/wireguard/vpn.pub"), "utf8")).trim());

  const wrong = io();
  const otherKey = join(home, "other.key");
  await main(["secrets", "init", "--identity", otherKey], io());
  assert.equal(await main(["secrets", "show", "k3s-token", "--out", out, "--identity", otherKey], wrong), 1);
  assert.match(wrong.stderr, /none of the given identities/);

  assert.equal(await main(["secrets", "rotate", "k3s-token", "--out", out], io()), 0);
  const rotated = io();
  await main(["secrets", "show", "k3s-token", "--out", out, "--identity", key], rotated);
  assert.notEqual(rotated.stdout.trim(), token);
  const rebuild = io();
  assert.equal(
    await main(
      ["build", "examples/seed002-segmented.yaml", "--out", out, "--identity", key, "--json"],
      rebuild,
    ),
    0,
  );
  assert.deepEqual(
    (JSON.parse(rebuild.stdout) as { diagnostics: unknown[] }).diagnostics,
    [],
    "a rotated secret is hlab's own file, not a hand edit",
  );

  const otherRecipient = (await readFile(otherKey, "utf8")).match(/public key: (age1\S+)/)![1]!;
  const upd = io();
  assert.equal(
    await main(
      [
        "secrets",
        "update-keys",
        "--out",
        out,
        "--identity",
        key,
        "--recipient",
        recipient,
        "--recipient",
        otherRecipient,
      ],
      upd,
    ),
    0,
    upd.stderr,
  );
  const byOther = io();
  assert.equal(
    await main(["secrets", "show", "k3s-token", "--out", out, "--identity", otherKey], byOther),
    0,
  );
  assert.equal(byOther.stdout.trim(), rotated.stdout.trim());
});

test("usage errors exit 2 with a hint", async () => {
  const o = io();
  assert.equal(await main(["secrets", "list"], o), 2);
  assert.match(o.stderr, /--out/);
  const b = io();
  assert.equal(await main(["build", "examples/seed004-three-nodes.yaml"], b), 2);
  assert.match(b.stderr, /--out DIR/);
});

test("build without any identity or spec recipient explains how to get one, exit 1", async () => {
  const out = join(await tempDir("hlab-out-"), "repo");
  const missing = join(await tempDir("hlab-home-"), "none.key");
  const o = io();
  assert.equal(
    await main(["build", "examples/seed004-three-nodes.yaml", "--out", out, "--identity", missing], o),
    1,
  );
  assert.match(o.stderr, /HL300/);
  assert.match(o.stderr, /hlab secrets init/);
});

test("secrets commands stay inside the store: names checked, links not followed, recipients checked up front", async () => {
  const home = await tempDir("hlab-home-");
  const key = join(home, "age.key");
  await main(["secrets", "init", "--identity", key], io());
  const base = await tempDir("hlab-out-");
  const out = join(base, "repo");
  assert.equal(
    await main(["build", "examples/seed004-three-nodes.yaml", "--out", out, "--identity", key], io()),
    0,
  );
  // A secret file outside the store, encrypted for the same key: `show ../../x` must not reach it.
  await mkdir(join(base, "x"), { recursive: true });
  const stolen = await readFile(join(out, "secrets/k3s-token.sops.yaml"), "utf8");
  await writeFile(join(base, "x.sops.yaml"), stolen.replace("k3s-token", "x"));
  for (const name of ["../../x", "../x", "/etc/passwd", "a//b", "A"]) {
    const o = io();
    assert.equal(await main(["secrets", "show", name, "--out", out, "--identity", key], o), 2, name);
    assert.match(o.stderr, /is not a secret name/);
    assert.match(o.stderr, /hint: /);
  }
  const bogus = io();
  assert.equal(
    await main(["secrets", "rotate", "k3s-token", "--out", out, "--recipient", "bogus"], bogus),
    2,
  );
  assert.match(bogus.stderr, /--recipient bogus: not an age public key/);
  assert.match(bogus.stderr, /hint: /);
  const recipient = (await readFile(key, "utf8")).match(/public key: (age1\S+)/)![1]!;
  const typo = recipient.slice(0, -1) + (recipient.endsWith("q") ? "p" : "q");
  const t = io();
  assert.equal(await main(["secrets", "rotate", "k3s-token", "--out", out, "--recipient", typo], t), 2);
  assert.match(t.stderr, /checksum/);
  const u = io();
  assert.equal(
    await main(["secrets", "update-keys", "--out", out, "--identity", key, "--recipient", "bogus"], u),
    2,
  );

  // A store folder replaced by a link to one elsewhere is not read, listed or written through.
  const elsewhere = join(base, "elsewhere");
  await rename(join(out, "secrets"), elsewhere);
  await symlink(elsewhere, join(out, "secrets"));
  const before = await readFile(join(elsewhere, "k3s-token.sops.yaml"), "utf8");
  const show = io();
  assert.equal(await main(["secrets", "show", "k3s-token", "--out", out, "--identity", key], show), 2);
  assert.match(show.stderr, /symbolic link/);
  const rot = io();
  assert.equal(await main(["secrets", "rotate", "k3s-token", "--out", out], rot), 2);
  assert.equal(await readFile(join(elsewhere, "k3s-token.sops.yaml"), "utf8"), before);
  const list = io();
  await main(["secrets", "list", "--out", out, "--json"], list);
  assert.deepEqual((JSON.parse(list.stdout) as { secrets: unknown[] }).secrets, []);
});
