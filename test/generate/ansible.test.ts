// The generated Ansible: every example's playbooks pass `ansible-playbook --syntax-check` and
// ansible-lint (the real tools, scripts/setup.sh installs them), the K3s phase installs the token and
// starts the servers in order, and the cluster phases follow the deploy order task by task.
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { test } from "node:test";
import { parse } from "yaml";
import type { GeneratedFile } from "../../src/artifact/artifact.js";
import { bootstrapOrder } from "../../src/generate/cluster/deploy-order.js";
import { stepTasks } from "../../src/generate/ansible/bootstrap-play.js";
import { INVENTORY } from "../../src/generate/ansible/paths.js";
import { renderRepository } from "../../src/pipeline/build.js";
import { hasCommand, run } from "../../src/process/run.js";
import { EXAMPLES, exampleModel, exampleName, fixedContext } from "./fixtures.js";

const PLAYBOOK = /^ansible\/\d-[a-z-]+\.yml$/;

function writeTree(files: readonly GeneratedFile[]): string {
  const root = mkdtempSync(join(tmpdir(), "hlab-ansible-"));
  for (const f of files) {
    mkdirSync(dirname(join(root, f.path)), { recursive: true });
    writeFileSync(join(root, f.path), f.content, { mode: f.mode ?? 0o644 });
  }
  return root;
}

type Play = { name: string; hosts: string; serial?: number; tasks: { name: string; [k: string]: unknown }[] };
const plays = (files: readonly GeneratedFile[], path: string): Play[] =>
  parse(files.find((f) => f.path === path)!.content) as Play[];

const noAnsible =
  !(await hasCommand("ansible-playbook")) &&
  "ansible-playbook is not installed (scripts/setup.sh adds the Debian package ansible)";
const noLint =
  !(await hasCommand("ansible-lint")) &&
  "ansible-lint is not installed (scripts/setup.sh adds the Debian package ansible-lint)";

for (const file of EXAMPLES) {
  test(
    `${exampleName(file)}: every playbook passes ansible-playbook --syntax-check`,
    { skip: noAnsible },
    async () => {
      const model = await exampleModel(file);
      const files = renderRepository(model, fixedContext(model));
      const root = writeTree(files);
      try {
        const books = files.filter((f) => PLAYBOOK.test(f.path));
        assert.ok(books.length > 0);
        const paths = books.map((b) => b.path);
        const r = await run("ansible-playbook", ["-i", INVENTORY, "--syntax-check", ...paths], { cwd: root });
        assert.equal(r.code, 0, `${r.stdout}${r.stderr}`);
      } finally {
        rmSync(root, { recursive: true, force: true });
      }
    },
  );

  test(
    `${exampleName(file)}: ansible-lint passes on the inventory, requirements and playbooks`,
    { skip: noLint },
    async () => {
      const model = await exampleModel(file);
      const root = writeTree(renderRepository(model, fixedContext(model)));
      try {
        // --offline: the pinned collections are not fetched from Galaxy; Debian's ansible ships them.
        const r = await run("ansible-lint", ["--offline", "--nocolor", "-q", "ansible/"], {
          cwd: root,
          timeoutMs: 300_000,
        });
        assert.equal(r.code, 0, `${r.stdout}${r.stderr}`);
      } finally {
        rmSync(root, { recursive: true, force: true });
      }
    },
  );

  test(`${exampleName(file)}: each bootstrap wrapper is one line running its playbook`, async () => {
    const model = await exampleModel(file);
    const files = renderRepository(model, fixedContext(model));
    for (const book of files.filter((f) => PLAYBOOK.test(f.path))) {
      const wrapper = files.find(
        (f) => f.path === book.path.replace(/^ansible\/(.+)\.yml$/, "bootstrap/$1.sh"),
      );
      assert.ok(wrapper, `a wrapper for ${book.path}`);
      assert.equal(wrapper.mode, 0o755);
      const lines = wrapper.content.split("\n").filter((l) => l && !l.startsWith("#"));
      assert.deepEqual(lines, [
        `exec ansible-playbook -i "$(dirname "$0")/../${INVENTORY}" "$(dirname "$0")/../${book.path}" "$@"`,
      ]);
    }
  });

  test(`${exampleName(file)}: phases 4 and 5 apply and wait in the deploy order`, async () => {
    const model = await exampleModel(file);
    if (!model.kubernetes) return;
    const files = renderRepository(model, fixedContext(model));
    const order = bootstrapOrder(model);
    const names = (path: string): string[] => plays(files, path).flatMap((p) => p.tasks.map((t) => t.name));
    assert.deepEqual(
      names("ansible/4-storage-network.yml"),
      order.storageNetwork.flatMap(stepTasks).map((t) => t.name),
    );
    const gitops = names("ansible/5-gitops.yml");
    const expected = order.gitops.flatMap(stepTasks).map((t) => t.name as string);
    assert.deepEqual(
      gitops.filter((n) => expected.includes(n)),
      expected,
    );
    // The Secrets go in before anything that might read them.
    const lastSecret = gitops.map((n) => n.startsWith("Secret from ")).lastIndexOf(true);
    assert.ok(lastSecret < gitops.indexOf(expected[0]!));
  });
}

test("phase 3 installs the K3s token on every K3s server, starts the initialising server first and the others one at a time", async () => {
  const model = await exampleModel("examples/seed004-three-nodes.yaml");
  const files = renderRepository(model, fixedContext(model));
  const [guests, first, others] = plays(files, "ansible/3-k3s.yml");
  const token = guests!.tasks.find(
    (t) => t.name === "Install the secret k3s-token as /etc/rancher/k3s/token",
  )!;
  assert.equal(
    token["when"],
    `inventory_hostname in [${model.kubernetes!.servers.map((s) => `'${s}'`).join(", ")}]`,
  );
  assert.equal(token["no_log"], true);
  assert.match(
    String((token["ansible.builtin.copy"] as { content: string }).content),
    /community\.sops\.sops.*secrets\/k3s-token\.sops\.yaml/,
  );
  const [s1, ...rest] = model.kubernetes!.servers;
  assert.equal(first!.hosts, s1);
  assert.ok(
    first!.tasks.some((t) => t.name.startsWith("Wait until kube-vip holds the API VIP")),
    "the VIP is up before anyone joins",
  );
  assert.equal(others!.hosts, rest.join(":"));
  assert.equal(others!.serial, 1);
  const inv = parse(files.find((f) => f.path === INVENTORY)!.content) as {
    all: {
      children: { guests: { children: Record<string, { hosts: Record<string, Record<string, unknown>> }> } };
    };
  };
  const servers = inv.all.children.guests.children["k3s_server"]!.hosts;
  assert.deepEqual(Object.keys(servers), model.kubernetes!.servers);
  assert.match(String(servers[s1!]!["hlab_k3s_checksums_url"]), /\/sha256sum-amd64\.txt$/);
});
