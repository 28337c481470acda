import assert from "node:assert/strict";
import { test } from "node:test";
import { backupLayout, repositoryNode, archiveCommand } from "../../src/lab/drill/pgbackrest-config.js";
import { labPlan } from "../../src/lab/lab-plan.js";
import { loadSpecFile } from "../../src/spec/load.js";

const plan = async (file: string) => {
  const r = await loadSpecFile(file);
  assert.ok(r.model);
  return labPlan(r.model, "hl0000");
};

test("the repository sits on a lab machine running no member of the database", async () => {
  const p = await plan("examples/seed003-lb-pair.yaml");
  const db = p.databases[0]!;
  const repo = repositoryNode(p, db);
  assert.equal(repo?.node.name, "p1");
  assert.ok(!db.members.some((m) => m.node === repo!.node.name));
  assert.equal(
    repositoryNode(p, db, "k3s-lb02")?.node.name,
    "k3s-lb02",
    "the spec's destination machine wins",
  );
  assert.equal(repositoryNode(p, db, "metal")?.node.name, "p1", "never a member, even when named");
});

test("members reach the repository and the repository reaches each member over TLS, each client authorised by its CN", async () => {
  const p = await plan("examples/seed003-lb-pair.yaml");
  const db = p.databases[0]!;
  const l = backupLayout(p, "/tmp/hlab-lab-hl0000", db)!;
  const repo = l.repo.content;
  for (const m of l.members) {
    assert.match(repo, new RegExp(`tls-server-auth=${m.cn}=${db.name}\\n`));
    assert.match(m.content, /repo1-host-type=tls\n/);
    assert.match(m.content, new RegExp(`repo1-host=${l.repo.address}\\n`));
    assert.match(m.content, new RegExp(`tls-server-auth=${l.repo.cn}=${db.name}\\n`));
    assert.match(m.content, /lock-path=\/tmp\/hlab-lab-hl0000\/nodes\/[^/]+\/pgbackrest\/lock\n/);
  }
  assert.equal((repo.match(/^pg\d-host-type=tls$/gm) ?? []).length, db.members.length);
  assert.equal(archiveCommand(db), "pgbackrest --stanza=app-db archive-push %p");
});
