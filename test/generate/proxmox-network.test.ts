import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { proxmoxNetworkGenerator } from "../../src/generate/proxmox-network/proxmox-network.js";
import type { Model } from "../../src/model/model.js";
import { loadSpecText } from "../../src/spec/load.js";

const ctx = { publicKeys: new Map<string, string>() };

function spec(name: string, edit: (text: string) => string = (t) => t): Model {
  const r = loadSpecText(edit(readFileSync(`examples/${name}.yaml`, "utf8")), `${name}.yaml`);
  assert.deepEqual(r.diagnostics, []);
  return r.model!;
}

/** The stanza (`iface X ...` and its options) of one interface, trimmed. */
function stanza(file: string, iface: string): string[] {
  const block = file.split("\n\n").find((b) => b.split("\n").some((l) => l.startsWith(`iface ${iface} `)));
  assert.ok(block, `stanza for ${iface}`);
  return block.split("\n").map((l) => l.trim());
}

const interfacesOf = (m: Model, host: string): string => {
  const f = proxmoxNetworkGenerator
    .generate(m, ctx)
    .find((x) => x.path === `proxmox/${host}/etc/network/interfaces`);
  assert.ok(f, `interfaces of ${host}`);
  return f.content;
};

test("seed002: public on the physical NIC, admin and apps as bridges without a port", () => {
  const file = interfacesOf(spec("seed002-segmented"), "pve");
  assert.deepEqual(stanza(file, "enp1s0"), ["iface enp1s0 inet manual"]);
  const vmbr0 = stanza(file, "vmbr0");
  assert.ok(vmbr0.includes("iface vmbr0 inet static"));
  assert.ok(vmbr0.includes("address 192.168.1.10/24"));
  assert.ok(vmbr0.includes("gateway 192.168.1.1"));
  assert.ok(vmbr0.includes("bridge-ports enp1s0"));
  const vmbr1 = stanza(file, "vmbr1");
  assert.ok(vmbr1.includes("address 10.10.1.1/24"));
  assert.ok(vmbr1.includes("bridge-ports none"));
  const vmbr2 = stanza(file, "vmbr2");
  assert.ok(vmbr2.includes("iface vmbr2 inet manual"));
  assert.ok(vmbr2.includes("bridge-ports none"));
  assert.equal(file.match(/gateway /g)?.length, 1, "one default gateway");
  assert.doesNotMatch(file, /dummy0/, "dummy0 stands for no physical port");
});

test("tagged networks share a VLAN-aware bridge; the host's tagged address sits on a VLAN interface", () => {
  const m = spec("seed004-three-nodes", (t) =>
    t
      .replace("networks:\n", "networks:\n  iot:\n    cidr: 10.20.0.0/24\n    vlan: 20\n")
      .replace("address: { lan: 192.168.1.11 }", "address: { lan: 192.168.1.11, iot: 10.20.0.11 }"),
  );
  const file = interfacesOf(m, "pve-01");
  const vmbr0 = stanza(file, "vmbr0");
  assert.ok(vmbr0.includes("bridge-vlan-aware yes"));
  assert.ok(vmbr0.includes("bridge-vids 20"));
  assert.ok(vmbr0.includes("address 192.168.1.11/24"));
  assert.ok(vmbr0.includes("bridge-ports eth0"));
  assert.deepEqual(stanza(file, "vmbr0.20").slice(0, 3), [
    "auto vmbr0.20",
    "iface vmbr0.20 inet static",
    "address 10.20.0.11/24",
  ]);
});

test("seed004: one file per Proxmox host, none for the Raspberry Pi", () => {
  const paths = proxmoxNetworkGenerator.generate(spec("seed004-three-nodes"), ctx).map((f) => f.path);
  assert.deepEqual(paths, [
    "proxmox/pve-01/etc/network/interfaces",
    "proxmox/pve-02/etc/network/interfaces",
    "proxmox/pve-03/etc/network/interfaces",
  ]);
});

test("seed002: the host is the admin segment's gateway, so it forwards and masquerades it", async () => {
  const { nftablesGenerator } = await import("../../src/generate/nftables/nftables.js");
  const m = spec("seed002-segmented");
  const files = proxmoxNetworkGenerator.generate(m, ctx);
  const sysctl = files.find((f) => f.path === "proxmox/pve/etc/sysctl.d/90-hlab-routing.conf");
  assert.ok(sysctl && /^net\.ipv4\.ip_forward = 1$/m.test(sysctl.content));
  // Its own default route stays the ISP box on public, never itself.
  const file = interfacesOf(m, "pve");
  assert.ok(stanza(file, "vmbr0").includes("gateway 192.168.1.1"));
  assert.ok(!stanza(file, "vmbr1").some((l) => l.startsWith("gateway")));
  const nft = nftablesGenerator.generate(m, ctx).find((f) => f.path === "proxmox/pve/etc/nftables.conf")!;
  assert.match(nft.content, /ip saddr 10\.10\.1\.0\/24 oifname "vmbr0" masquerade/);
  assert.match(nft.content, /policy accept;\n.*\n\s+iifname "vmbr0" oifname "vmbr1" ct state new drop/);
  // Guests there resolve through the uplink's DNS, not the host (Proxmox runs no DNS server).
  assert.deepEqual(m.networks.find((n) => n.name === "admin")!.dns, ["192.168.1.1"]);

  // Without that gateway, nothing routes.
  const flat = spec("seed002-segmented", (t) => t.replace(/^ {4}gateway: 10\.10\.1\.1\n/m, ""));
  assert.ok(!proxmoxNetworkGenerator.generate(flat, ctx).some((f) => f.path.includes("sysctl.d")));
});
