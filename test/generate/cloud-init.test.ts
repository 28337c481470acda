import assert from "node:assert/strict";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { test } from "node:test";
import { parse } from "yaml";
import { renderRepository } from "../../src/pipeline/build.js";
import { guestInterface } from "../../src/model/interfaces.js";
import { hasCommand, run } from "../../src/process/run.js";
import { tempDir } from "../secrets/test-identity.js";
import { EXAMPLES, exampleModel, exampleName, fixedContext } from "./fixtures.js";

const haveCloudInit = await hasCommand("cloud-init");

for (const file of EXAMPLES) {
  const name = exampleName(file);

  test(`${name}: every VM has user-data and network-config, and only VMs do`, async () => {
    const model = await exampleModel(file);
    const files = renderRepository(model, fixedContext(model));
    const dirs = new Set(
      files.filter((f) => f.path.startsWith("cloud-init/")).map((f) => f.path.split("/")[1]),
    );
    assert.deepEqual(
      [...dirs].sort(),
      model.guests
        .filter((g) => g.kind === "vm")
        .map((g) => g.name)
        .sort(),
    );
  });

  test(
    `${name}: user-data passes cloud-init schema`,
    { skip: !haveCloudInit && "cloud-init is not installed" },
    async () => {
      const model = await exampleModel(file);
      const dir = await tempDir("hlab-ci-");
      for (const f of renderRepository(model, fixedContext(model)).filter((x) =>
        x.path.endsWith("/user-data.yaml"),
      )) {
        assert.ok(f.content.startsWith("#cloud-config\n"), `${f.path} starts with #cloud-config`);
        const path = join(dir, f.path.replaceAll("/", "_"));
        await writeFile(path, f.content);
        const r = await run("cloud-init", ["schema", "--config-file", path], { timeoutMs: 60_000 });
        assert.equal(r.code, 0, `${f.path}: ${r.stdout}${r.stderr}`);
        assert.match(r.stdout, /Valid cloud-config/);
      }
    },
  );

  test(
    `${name}: network-config renames each NIC after its network by MAC (cloud-init's own renderer)`,
    { skip: !haveCloudInit && "cloud-init is not installed" },
    async () => {
      const model = await exampleModel(file);
      const files = renderRepository(model, fixedContext(model));
      for (const guest of model.guests.filter((g) => g.kind === "vm")) {
        const f = files.find((x) => x.path === `cloud-init/${guest.name}/network-config.yaml`)!;
        const dir = await tempDir("hlab-net-");
        await writeFile(join(dir, "network-config.yaml"), f.content);
        const r = await run(
          "cloud-init",
          [
            "devel",
            "net-convert",
            "-p",
            join(dir, "network-config.yaml"),
            "-k",
            "yaml",
            "-D",
            "debian",
            "-O",
            "eni",
            "-d",
            join(dir, "out"),
          ],
          { timeoutMs: 60_000 },
        );
        assert.equal(r.code, 0, r.stderr);
        const udev = await readFile(join(dir, "out/etc/udev/rules.d/70-persistent-net.rules"), "utf8");
        const eni = await readFile(join(dir, "out/etc/network/interfaces.d/50-cloud-init"), "utf8");
        for (const [net, address] of Object.entries(guest.address)) {
          const iface = guestInterface(model, guest, net);
          assert.ok(
            udev.includes(`ATTR{address}=="${guest.mac[net]}", NAME="${iface}"`),
            `${guest.name}: ${iface} matched by MAC`,
          );
          const prefix = model.networks.find((n) => n.name === net)!.cidr.prefix;
          assert.ok(
            eni.includes(`iface ${iface} inet static`) && eni.includes(`address ${address}/${prefix}`),
            `${guest.name}: ${iface} has ${address}`,
          );
        }
        const gateways = (eni.match(/route add default gw/g) ?? []).length;
        const hasGateway = Object.keys(guest.address).some(
          (n) => model.networks.find((x) => x.name === n)?.gateway,
        );
        assert.equal(
          gateways,
          hasGateway ? 1 : 0,
          `${guest.name}: exactly one default route when a network has a gateway`,
        );
      }
    },
  );

  test(`${name}: K3s is installed pinned but not started, and no token is in user-data`, async () => {
    const model = await exampleModel(file);
    for (const f of renderRepository(model, fixedContext(model)).filter((x) =>
      x.path.endsWith("/user-data.yaml"),
    )) {
      const doc = parse(f.content) as { runcmd?: string[][]; users: { name: string }[] };
      assert.equal(doc.users[0]!.name, model.access.user);
      assert.doesNotMatch(f.content, /get\.k3s\.io/, "no install script from a moving URL");
      const k3s = (doc.runcmd ?? []).find((c) => c.join(" ").includes("/install.sh"));
      const guest = f.path.split("/")[1]!;
      const isNode = model.kubernetes?.servers.includes(guest) || model.kubernetes?.agents.includes(guest);
      assert.equal(Boolean(k3s), Boolean(isNode), `${f.path}: k3s install only on K3s nodes`);
      if (k3s) {
        assert.match(
          k3s.join(" "),
          new RegExp(`INSTALL_K3S_VERSION=${model.kubernetes!.version.replace("+", "\\+")}(\\s|$)`),
        );
        assert.match(k3s.join(" "), /INSTALL_K3S_SKIP_START=true/);
        // The release's binary is checked against the release's checksums before it is installed.
        const cmd = k3s.join(" ");
        const tag = encodeURIComponent(model.kubernetes!.version);
        assert.ok(cmd.indexOf("sha256sum -c") < cmd.indexOf("install -m 0755"), cmd);
        assert.ok(cmd.includes(`releases/download/${tag}/sha256sum-`), cmd);
        assert.ok(cmd.includes(`k3s-io/k3s/${tag}/install.sh`), cmd);
      }
      assert.doesNotMatch(f.content, /K3S_TOKEN|token:/i);
    }
  });
}

test(
  "cloud-init schema does reject a broken file (the check above is real)",
  { skip: !haveCloudInit && "cloud-init is not installed" },
  async () => {
    const dir = await tempDir("hlab-ci-");
    await writeFile(join(dir, "bad.yaml"), "#cloud-config\npackages: 5\n");
    const r = await run("cloud-init", ["schema", "--config-file", join(dir, "bad.yaml")], {
      timeoutMs: 60_000,
    });
    assert.notEqual(r.code, 0);
  },
);
