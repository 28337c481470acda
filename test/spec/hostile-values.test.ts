// Issue 16's reproductions: values that reached a shell, a config or the model unchecked are now
// refused by `hlab check` with a diagnostic at the value (or key) itself.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { parse, stringify } from "yaml";
import type { Diagnostic } from "../../src/diagnostic/diagnostic.js";
import { loadSpecText } from "../../src/spec/load.js";

type Obj = Record<string, unknown>;
const example = (name: string): Obj => parse(readFileSync(`examples/${name}.yaml`, "utf8")) as Obj;

function check(spec: Obj): { errors: Diagnostic[]; ok: boolean } {
  const r = loadSpecText(stringify(spec), "hostile.yaml");
  return { errors: r.diagnostics.filter((d) => d.severity === "error"), ok: r.model !== undefined };
}

function assertRejected(spec: Obj, code: string, path: string): Diagnostic {
  const { errors, ok } = check(spec);
  assert.equal(ok, false, `accepted; expected ${code} at ${path}`);
  const hit = errors.find((d) => d.code === code && d.path === path);
  assert.ok(hit, `expected ${code} at ${path}, got ${JSON.stringify(errors.map((d) => [d.code, d.path]))}`);
  assert.ok(hit.line > 0 && hit.hint.length > 0, "points at a line and gives a hint");
  assert.ok(!/[\n\r]/.test(hit.message), "the message stays on one line");
  return hit;
}

test("a proxmox.storage key that would run a command in 1-proxmox.sh is refused", () => {
  const spec = example("seed004-three-nodes");
  const px = spec.proxmox as Obj;
  px.storage = { "local$(touch /tmp/x)": { type: "dir", content: ["snippets", "iso"] } };
  assertRejected(spec, "HL005", "proxmox.storage.local$(touch /tmp/x)");
});

test("a guest's storage must be a Proxmox storage name", () => {
  const spec = example("seed004-three-nodes");
  (Object.values(spec.guests as Obj)[0] as Obj).storage = "local;reboot";
  const name = Object.keys(spec.guests as Obj)[0]!;
  assertRejected(spec, "HL005", `guests.${name}.storage`);
});

test("a newline in the WireGuard endpoint cannot add a PostUp line to the peers' configs", () => {
  const spec = example("seed002-segmented");
  const wg = (spec.vpn as Obj).wireguard as Obj;
  wg.endpoint = "vpn.example.org\nPostUp = touch /tmp/x";
  assertRejected(spec, "HL005", "vpn.wireguard.endpoint");
  wg.endpoint = "vpn.example.org:51820";
  assertRejected(spec, "HL005", "vpn.wireguard.endpoint");
});

test("an SSH key is exactly one authorized_keys line", () => {
  const key = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHostileValueTestKey000000000000000000000000";
  for (const bad of [
    `${key} me\nssh-rsa AAAAB3Nza evil`,
    `${key}\n`,
    `${key} a\rb`,
    "ssh-ed25519 not-base64!",
  ]) {
    const spec = example("seed004-three-nodes");
    spec.access = { sshKeys: [bad] };
    assertRejected(spec, "HL005", "access.sshKeys[0]");
  }
  const spec = example("seed004-three-nodes");
  spec.access = { sshKeys: [`${key} me@laptop`, key] };
  assert.equal(check(spec).ok, true, JSON.stringify(check(spec).errors));
});

test("NIC and bridge names . and .. are refused", () => {
  const spec = example("seed000-single-node");
  const host = (spec.hosts as Obj).server as Obj;
  host.nics = { "..": { networks: ["lan"] } };
  assertRejected(spec, "HL005", "hosts.server.nics...");
  host.nics = { ".": { networks: ["lan"] } };
  assertRejected(spec, "HL005", "hosts.server.nics..");
  delete host.nics;
  ((spec.networks as Obj).lan as Obj).bridge = "..";
  assertRejected(spec, "HL005", "networks.lan.bridge");
});

test("a network inside the default pod or service CIDR is reported at its cidr", () => {
  const spec = example("seed000-single-node");
  ((spec.networks as Obj).lan as Obj).cidr = "10.42.0.0/24";
  assertRejected(spec, "HL030", "networks.lan.cidr");
  ((spec.networks as Obj).lan as Obj).cidr = "10.43.7.0/24";
  assertRejected(spec, "HL030", "networks.lan.cidr");
  // With the pod CIDR moved away, the same LAN is only a mismatch of its own addresses.
  ((spec.networks as Obj).lan as Obj).cidr = "10.42.0.0/24";
  (spec.kubernetes as Obj).clusterCidr = "10.142.0.0/16";
  assert.ok(
    !check(spec).errors.some(
      (d) => d.code === "HL030" && d.path === "networks.lan.cidr" && /pod/.test(d.message),
    ),
  );
});

test("__proto__, constructor and prototype are refused as keys of every map", () => {
  const base = example("seed004-three-nodes");
  const maps = ["networks", "hosts", "guests", "services", "loadBalancers", "databases", "gear"];
  for (const section of maps) {
    for (const key of ["__proto__", "constructor", "prototype"]) {
      const spec = structuredClone(base);
      const target = (spec[section] ?? (spec[section] = {})) as Obj;
      Object.defineProperty(target, key, { value: {}, enumerable: true, configurable: true, writable: true });
      assertRejected(spec, "HL031", `${section}.${key}`);
    }
  }
});

test("percentages, mtbf and sizes out of bounds are refused", () => {
  const cases: [string, (s: Obj) => void][] = [
    ["services.grafana.target", (s) => ((s.services as Obj).grafana = { target: "200%" })],
    ["services.grafana.target", (s) => ((s.services as Obj).grafana = { target: "0%" })],
    ["plan.defaults.host.mtbf", (s) => (s.plan = { defaults: { host: { mtbf: 0 } } })],
    ["plan.defaults.host.mtbf", (s) => (s.plan = { defaults: { host: { mtbf: "0h" } } })],
    [
      "hosts.server.memory",
      (s) => (((s.hosts as Obj).server as Obj).memory = "99999999999999999999999999999TiB"),
    ],
    ["hosts.server.memory", (s) => (((s.hosts as Obj).server as Obj).memory = `${"9".repeat(400)}B`)],
    ["kubernetes.nodeDownEviction", (s) => ((s.kubernetes as Obj).nodeDownEviction = `${"9".repeat(400)}s`)],
    ["kubernetes.nodeDownEviction", (s) => ((s.kubernetes as Obj).nodeDownEviction = 1e300)],
  ];
  for (const [path, edit] of cases) {
    const spec = example("seed000-single-node");
    edit(spec);
    assertRejected(spec, "HL032", path);
  }
  const spec = example("seed000-single-node");
  (spec.services as Obj).grafana = { target: "100%" };
  spec.plan = { defaults: { host: { mtbf: "2y" } } };
  assert.equal(check(spec).ok, true, JSON.stringify(check(spec).errors));
});
