import assert from "node:assert/strict";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import type { Model } from "../../src/model/model.js";
import { loadSpecFile, loadSpecText } from "../../src/spec/load.js";
import type { Rect, TopologyLayout } from "../../src/ui/layout-types.js";
import { CHIP_COLOURS, layoutTopology } from "../../src/ui/topology-layout.js";
import { topologySvg } from "../../src/ui/topology-svg.js";

const examples = readdirSync("examples")
  .filter((f) => f.endsWith(".yaml"))
  .map((f) => join("examples", f));

async function model(file: string): Promise<Model> {
  const r = await loadSpecFile(file);
  assert.ok(r.model, `${file} loads`);
  return r.model;
}

const inside = (inner: Rect, outer: Rect): boolean =>
  inner.x >= outer.x &&
  inner.y >= outer.y &&
  inner.x + inner.w <= outer.x + outer.w &&
  inner.y + inner.h <= outer.y + outer.h;

const overlap = (a: Rect, b: Rect): boolean =>
  a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;

function assertNoOverlap(rects: Rect[], what: string): void {
  rects.forEach((a, i) =>
    rects
      .slice(i + 1)
      .forEach((b) => assert.ok(!overlap(a, b), `${what} overlap: ${JSON.stringify([a, b])}`)),
  );
}

/** The invariants that make the drawing readable: containment, no overlaps, everything on the canvas. */
function assertWellFormed(l: TopologyLayout): void {
  const canvas: Rect = { x: 0, y: 0, w: l.width, h: l.height };
  assertNoOverlap(l.hosts, "hosts");
  assertNoOverlap(l.gear, "gear");
  for (const g of l.gear) {
    assert.ok(inside(g, canvas), `gear ${g.name} on the canvas`);
    for (const h of l.hosts) assert.ok(g.y + g.h < h.y, `gear ${g.name} above host ${h.name}`);
  }
  for (const h of l.hosts) {
    assert.ok(inside(h, canvas), `host ${h.name} on the canvas`);
    assertNoOverlap(h.guests, `guests of ${h.name}`);
    for (const c of h.chips) assert.ok(inside(c, h.header), `chip ${c.label} inside the header of ${h.name}`);
    for (const g of h.guests) {
      assert.ok(inside(g, h), `guest ${g.name} inside host ${h.name}`);
      assert.ok(g.y >= h.header.y + h.header.h, `guest ${g.name} below the header of ${h.name}`);
      assertNoOverlap([...g.chips, ...g.vips], `chips of ${g.name}`);
      for (const c of [...g.chips, ...g.vips])
        assert.ok(inside(c, g), `chip ${c.label} inside guest ${g.name}`);
    }
    assertNoOverlap(h.nics, `NICs of ${h.name}`);
    for (const p of h.nics)
      assert.ok(p.x >= h.x && p.x + p.w <= h.x + h.w, `NIC ${p.id} on the edge of ${h.name}`);
  }
  if (l.cluster) {
    assert.ok(inside(l.cluster, canvas), "cluster band on the canvas");
    for (const c of l.cluster.chips)
      assert.ok(inside(c, l.cluster), `chip ${c.label} inside the cluster band`);
    assertNoOverlap(l.cluster.chips, "cluster chips");
  }
}

test("seed 004: three Proxmox hosts and the Pi, each holding its guests", async () => {
  const l = layoutTopology(await model("examples/seed004-three-nodes.yaml"));
  assert.deepEqual(
    l.hosts.map((h) => [h.name, h.guests.map((g) => g.name)]),
    [
      ["pve-01", ["k3s-1"]],
      ["pve-02", ["k3s-2"]],
      ["pve-03", ["k3s-3"]],
      ["rpi", ["annex"]],
    ],
  );
  assert.deepEqual(
    l.gear.map((g) => g.fail),
    ["gear:isp-box", "gear:power-strip"],
  );
  assert.deepEqual(
    l.hosts.flatMap((h) => h.nics.map((n) => n.fail)),
    ["nic:pve-01/eth0", "nic:pve-02/eth0", "nic:pve-03/eth0", "nic:rpi/eth0"],
  );
  // The API VIP: solid at k3s-1 (kube-vip's nominal leader), dashed at the two other servers.
  const badges = l.hosts.flatMap((h) => h.guests.flatMap((g) => g.vips));
  assert.deepEqual(
    badges.map((b) => [b.guest, b.address, b.holder]),
    [
      ["k3s-1", "192.168.1.50", true],
      ["k3s-2", "192.168.1.50", false],
      ["k3s-3", "192.168.1.50", false],
    ],
  );
  // Kubernetes services sit in the cluster band spanning the three server hosts, not the Pi.
  const band = l.cluster!;
  assert.equal(band.x, l.hosts[0]!.x);
  assert.ok(band.x + band.w <= l.hosts[3]!.x, "the band stops before the Pi");
  assert.deepEqual(
    band.chips.filter((c) => c.service).map((c) => c.service),
    [
      "kubernetes-api",
      "traefik",
      "cert-manager",
      "metallb",
      "longhorn",
      "argocd",
      "gitea",
      "prometheus",
      "grafana",
      "loki",
      "vaultwarden",
      "adguard-home",
    ],
  );
  // Each Proxmox node carries the corosync chip the what-if colours with the cluster's quorum.
  assert.deepEqual(
    l.hosts.map((h) => h.chips.map((c) => c.service)),
    [["proxmox-quorum"], ["proxmox-quorum"], ["proxmox-quorum"], []],
  );
  assert.equal(l.networks.length, 1);
  assert.equal(l.networks[0]!.label, "lan · 192.168.1.0/24");
  assertWellFormed(l);
});

test("every example lays out without overlaps, and the same model gives the same bytes", async () => {
  for (const f of examples) {
    const m = await model(f);
    const l = layoutTopology(m);
    assertWellFormed(l);
    assert.deepEqual(layoutTopology(m), l, `${f}: deterministic layout`);
    assert.equal(topologySvg(layoutTopology(m)), topologySvg(l), `${f}: deterministic SVG`);
  }
});

test("each NIC drops onto the bus of every network it carries", async () => {
  const l = layoutTopology(await model("examples/seed002-segmented.yaml"));
  const drops = l.wires.filter((w) => w.kind === "network");
  const dummy = l.hosts[0]!.nics.find((n) => n.name === "dummy0")!;
  const fromDummy = drops.filter((w) => w.points[0]![0] > dummy.x && w.points[0]![0] < dummy.x + dummy.w);
  assert.deepEqual(fromDummy.map((w) => w.of).sort(), ["admin", "apps"]);
  for (const w of fromDummy) {
    const bus = l.networks.find((b) => b.name === w.of)!;
    assert.equal(w.points[w.points.length - 1]![1], bus.y, `${w.of} drop ends on its bus`);
  }
  // Three networks, three colours.
  assert.equal(new Set(l.networks.map((b) => b.color)).size, 3);
  // Six guests on one host: two columns.
  assert.equal(new Set(l.hosts[0]!.guests.map((g) => g.x)).size, 2);
});

test("SVG: every failure target is clickable, text is escaped, nothing is fetched from elsewhere", async () => {
  const m = await model("examples/seed004-three-nodes.yaml");
  const svg = topologySvg(layoutTopology(m));
  for (const id of [
    "host:pve-01",
    "host:rpi",
    "nic:pve-02/eth0",
    "gear:isp-box",
    "gear:power-strip",
    "guest:k3s-3",
  ]) {
    assert.ok(svg.includes(`data-fail="${id}"`), `${id} is clickable`);
  }
  for (const s of m.services) assert.ok(svg.includes(`data-service="${s.name}"`), `${s.name} has a chip`);
  // Nothing that loads anything: no links, sources, url() or @import (URLs appear only as text).
  assert.equal(svg.match(/\b(href|src)=|url\(|@import/g), null);
  assert.ok(!/<(image|use|script|foreignObject)\b/.test(svg));

  const text = (await import("node:fs")).readFileSync("examples/seed004-three-nodes.yaml", "utf8");
  const r = loadSpecText(
    text.replace("description: Proxmox VE x3 + K3s HA (seed 004)", "description: \"a <b>&'quoted' lab\""),
    "x.yaml",
  );
  assert.ok(r.model);
  const escaped = topologySvg(layoutTopology(r.model));
  assert.ok(escaped.includes("a &#60;b&#62;&#38;&#39;quoted&#39; lab"));
  assert.ok(!escaped.includes("<b>"));
});

test("SVG: balanced tags", async () => {
  for (const f of examples) {
    const svg = topologySvg(layoutTopology(await model(f)));
    const stack: string[] = [];
    for (const m of svg.matchAll(/<(\/?)([a-zA-Z]+)[^>]*?(\/?)>/g)) {
      const [, close, name, selfClose] = m as unknown as [string, string, string, string];
      if (selfClose) continue;
      if (close) assert.equal(stack.pop(), name, `${f}: </${name}> closes the open tag`);
      else stack.push(name);
    }
    assert.deepEqual(stack, [], `${f}: every tag closed`);
  }
});

test("the legend names every colour the drawing uses: networks, chip kinds, gear links, states", async () => {
  for (const file of examples) {
    const m = await model(file);
    const layout = layoutTopology(m);
    const labels = layout.legend.map((l) => l.label);
    const kinds = new Set(
      [
        ...layout.hosts.flatMap((h) => [...h.chips, ...h.guests.flatMap((g) => g.chips)]),
        ...(layout.cluster?.chips ?? []),
      ].map((c) => c.kind),
    );
    for (const k of kinds)
      assert.ok(labels.includes(CHIP_COLOURS[k].label), `${file}: legend for ${k} chips`);
    for (const n of m.networks)
      assert.ok(labels.includes(`network ${n.name}`), `${file}: legend for ${n.name}`);
    if (m.gear.length) assert.ok(labels.includes("gear link"), `${file}: legend for gear wires`);
    for (const st of ["failed (clicked)", "down", "fails over", "fine", "unreachable"])
      assert.ok(labels.includes(st), `${file}: legend for ${st}`);
    const colours = new Set(layout.legend.map((l) => `${l.color} ${l.fill ?? ""} ${l.style}`));
    assert.equal(colours.size, layout.legend.length, `${file}: no two legend entries look alike`);
    for (const l of layout.legend)
      assert.ok(l.y + 16 <= layout.height && l.x + 22 <= layout.width, `${file}: ${l.label} inside`);
  }
});
