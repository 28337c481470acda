// Every haproxy, keepalived, corosync and nftables file generated for every example (and a few variants
// that reach other code paths) goes through the real daemon's own checker. keepalived and corosync need the machine's interfaces and addresses, so
// each check runs in a throw-away network namespace (hlabt-<pid>-<n>) that is deleted afterwards.
// corosync -t also opens /etc/corosync/authkey: a private mount namespace gets a tmpfs there with a
// random key, so the host's /etc is never touched.
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { after, test } from "node:test";
import type { GeneratedFile } from "../../src/artifact/artifact.js";
import { corosyncGenerator } from "../../src/generate/corosync/corosync.js";
import { haproxyGenerator } from "../../src/generate/haproxy/haproxy.js";
import { keepalivedGenerator } from "../../src/generate/keepalived/keepalived.js";
import { nftablesGenerator } from "../../src/generate/nftables/nftables.js";
import { guestInterface } from "../../src/model/interfaces.js";
import type { Model } from "../../src/model/model.js";
import { hasCommand, run, type RunResult } from "../../src/process/run.js";
import { loadSpecFile, loadSpecText } from "../../src/spec/load.js";

const TIMEOUT = 20_000;
const work = mkdtempSync(join(tmpdir(), "hlab-real-tools-"));
after(() => rmSync(work, { recursive: true, force: true }));

const isRoot = process.getuid?.() === 0;
const tools = {
  haproxy: await hasCommand("haproxy"),
  keepalived: await hasCommand("keepalived"),
  corosync: await hasCommand("corosync"),
  nft: await hasCommand("nft"),
  ip: await hasCommand("ip"),
  unshare: await hasCommand("unshare"),
};

/** Why a check cannot run here, or undefined when it can. */
function missing(tool: keyof typeof tools, needsNetns: boolean): string | undefined {
  if (!tools[tool]) return `${tool} is not installed (scripts/setup.sh installs it)`;
  if (needsNetns && !isRoot) return "network namespaces need root";
  if (needsNetns && !tools.ip) return "iproute2 (ip) is not installed";
  return undefined;
}

const show = (r: RunResult): string => `exit ${r.code}\n${r.stdout}${r.stderr}`;

async function must(cmd: string, args: string[]): Promise<void> {
  const r = await run(cmd, args, { timeoutMs: TIMEOUT });
  assert.equal(r.code, 0, `${cmd} ${args.join(" ")}: ${show(r)}`);
}

let namespaces = 0;
/** Runs `body` in a fresh namespace holding these interfaces and addresses; always deletes it. */
async function inNetns<T>(
  links: { name: string; cidr?: string }[],
  body: (ns: string) => Promise<T>,
): Promise<T> {
  const ns = `hlabt-${process.pid}-${namespaces++}`;
  await must("ip", ["netns", "add", ns]);
  try {
    for (const [i, link] of links.entries()) {
      // A veth with both ends inside the namespace: a real interface without touching the host.
      await must("ip", ["-n", ns, "link", "add", link.name, "type", "veth", "peer", "name", `hlp${i}`]);
      if (link.cidr) await must("ip", ["-n", ns, "addr", "add", link.cidr, "dev", link.name]);
      await must("ip", ["-n", ns, "link", "set", link.name, "up"]);
    }
    return await body(ns);
  } finally {
    await run("ip", ["netns", "del", ns]);
  }
}

function writeOut(example: string, f: GeneratedFile): string {
  const path = join(work, example, f.path);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, f.content);
  return path;
}

const prefixOf = (m: Model, net: string): number => m.networks.find((n) => n.name === net)?.cidr.prefix ?? 32;

/** The interfaces a guest's namespace needs: one per network, named as on the real guest. */
function guestLinks(m: Model, guestName: string): { name: string; cidr?: string }[] {
  const guest = m.guests.find((g) => g.name === guestName)!;
  return Object.entries(guest.address).map(([net, addr]) => ({
    name: guestInterface(m, guest, net),
    cidr: `${addr}/${prefixOf(m, net)}`,
  }));
}

function corosyncCheck(ns: string, key: string, conf: string): Promise<RunResult> {
  const script =
    'mount -t tmpfs -o size=1m,mode=0700 hlab-corosync /etc/corosync && cp "$1" /etc/corosync/authkey && exec corosync -t -c "$2"';
  return run(
    "ip",
    ["netns", "exec", ns, "unshare", "-m", "--propagation", "private", "sh", "-c", script, "sh", key, conf],
    {
      timeoutMs: TIMEOUT,
    },
  );
}

const authkey = join(work, "authkey");
writeFileSync(authkey, randomBytes(256), { mode: 0o400 });

const examples = readdirSync("examples")
  .filter((f) => f.endsWith(".yaml"))
  .sort();

/** Variants of the examples that reach the code paths no example does. */
const VARIANTS: { name: string; from: string; edit: (text: string) => string }[] = [
  {
    name: "seed003-vrrpv2",
    from: "seed003-lb-pair",
    edit: (t) => t.replace("profile: balanced", "profile: seed003"),
  },
  {
    name: "seed003-qdevice",
    from: "seed003-lb-pair",
    edit: (t) => t.replace("  links: [lan]\n", "  links: [lan]\n  qdevice: { host: metal }\n"),
  },
  {
    // An odd node count: lms, with the QDevice's votes left to corosync.
    name: "seed004-qdevice",
    from: "seed004-three-nodes",
    edit: (t) => t.replace("  links: [lan]\n", "  links: [lan]\n  qdevice: { host: rpi }\n"),
  },
  {
    name: "seed004-keepalived-api",
    from: "seed004-three-nodes",
    edit: (t) => t.replace("holder: kube-vip", "holder: keepalived"),
  },
];

const models: { name: string; model?: Model; diagnostics: unknown }[] = [];
for (const file of examples) {
  const r = await loadSpecFile(join("examples", file));
  models.push({ name: file.replace(/\.yaml$/, ""), model: r.model, diagnostics: r.diagnostics });
}
for (const v of VARIANTS) {
  const r = loadSpecText(v.edit(readFileSync(join("examples", `${v.from}.yaml`), "utf8")), `${v.name}.yaml`);
  models.push({ name: v.name, model: r.model, diagnostics: r.diagnostics });
}

for (const { name, model, diagnostics } of models) {
  if (!model) {
    test(`${name}: loads`, () => assert.fail(JSON.stringify(diagnostics)));
    continue;
  }
  const ctx = { publicKeys: new Map<string, string>() };

  for (const f of haproxyGenerator.generate(model, ctx).filter((x) => x.path.endsWith("haproxy.cfg"))) {
    test(`${name}: haproxy -c accepts ${f.path} without warnings`, async (t) => {
      const why = missing("haproxy", false);
      if (why) return t.skip(why);
      const r = await run("haproxy", ["-c", "-f", writeOut(name, f)], { timeoutMs: TIMEOUT });
      assert.equal(r.code, 0, show(r));
      assert.doesNotMatch(r.stdout + r.stderr, /\[(WARNING|ALERT)\]/, show(r));
    });
  }

  for (const f of keepalivedGenerator
    .generate(model, ctx)
    .filter((x) => x.path.endsWith("/keepalived.conf"))) {
    const guest = f.path.split("/")[1]!;
    test(`${name}: keepalived -t accepts ${f.path} in a namespace with ${guest}'s interfaces`, async (t) => {
      const why = missing("keepalived", true);
      if (why) return t.skip(why);
      const path = writeOut(name, f);
      const r = await inNetns(guestLinks(model, guest), (ns) =>
        run("ip", ["netns", "exec", ns, "keepalived", "-t", "-f", path], { timeoutMs: TIMEOUT }),
      );
      assert.equal(r.code, 0, show(r));
      assert.equal(r.stdout + r.stderr, "", "no warnings");
    });
  }

  for (const f of corosyncGenerator.generate(model, ctx).filter((x) => x.path.endsWith("corosync.conf"))) {
    for (const node of model.proxmox!.nodes) {
      test(`${name}: corosync -t accepts ${f.path} on node ${node}`, async (t) => {
        const why = missing("corosync", true) ?? (tools.unshare ? undefined : "unshare is not installed");
        if (why) return t.skip(why);
        const path = writeOut(name, f);
        const host = model.hosts.find((h) => h.name === node)!;
        const links = model.proxmox!.links.flatMap((net, i) =>
          host.address[net]
            ? [{ name: `link${i}`, cidr: `${host.address[net]}/${prefixOf(model, net)}` }]
            : [],
        );
        const r = await inNetns(links, (ns) => corosyncCheck(ns, authkey, path));
        assert.equal(r.code, 0, show(r));
      });
    }
  }

  for (const f of nftablesGenerator.generate(model, ctx)) {
    test(`${name}: nft -c accepts ${f.path}`, async (t) => {
      const why = missing("nft", true);
      if (why) return t.skip(why);
      const path = writeOut(name, f);
      const r = await inNetns([], (ns) =>
        run("ip", ["netns", "exec", ns, "nft", "-c", "-f", path], { timeoutMs: TIMEOUT }),
      );
      assert.equal(r.code, 0, show(r));
    });
  }
}

// The checks above would pass vacuously if the tools accepted anything: show that each one refuses.
test("the checkers do reject: a corosync node outside its namespace, a keepalived interface that is missing", async (t) => {
  const why = missing("corosync", true) ?? missing("keepalived", true);
  if (why) return t.skip(why);
  const model = (await loadSpecFile("examples/seed004-three-nodes.yaml")).model!;
  const conf = writeOut("negative", corosyncGenerator.generate(model, { publicKeys: new Map() })[0]!);
  const stranger = await inNetns([{ name: "link0", cidr: "192.168.1.99/24" }], (ns) =>
    corosyncCheck(ns, authkey, conf),
  );
  assert.notEqual(stranger.code, 0);
  assert.match(stranger.stdout + stranger.stderr, /No valid name found for local host/);

  const lbModel = (await loadSpecFile("examples/seed003-lb-pair.yaml")).model!;
  const ka = writeOut("negative", keepalivedGenerator.generate(lbModel, { publicKeys: new Map() })[0]!);
  const noLan = await inNetns([{ name: "eth0", cidr: "192.168.1.6/24" }], (ns) =>
    run("ip", ["netns", "exec", ns, "keepalived", "-t", "-f", ka], { timeoutMs: TIMEOUT }),
  );
  assert.notEqual(noLan.code, 0);
});
