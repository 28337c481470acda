import assert from "node:assert/strict";
import { readdirSync } from "node:fs";
import { test } from "node:test";
import { guestInterface } from "../../src/model/interfaces.js";
import { inCidr } from "../../src/model/ip.js";
import type { Model } from "../../src/model/model.js";
import { CLIENT_NODE, labPlan, nodeFor, nodesOn, routerNode } from "../../src/lab/lab-plan.js";
import { IFNAMSIZ, isLabId, newLabId, ownsLink, ownsNamespace } from "../../src/lab/names.js";
import { placeWorkloads } from "../../src/analyze/placement.js";
import { loadSpecFile } from "../../src/spec/load.js";

async function model(file: string): Promise<Model> {
  const r = await loadSpecFile(`examples/${file}`);
  assert.ok(r.model, `${file} loads`);
  return r.model;
}

const EXAMPLES = readdirSync("examples")
  .filter((f) => f.endsWith(".yaml"))
  .sort();

test("lab ids are short, recognisable and own only their own names", () => {
  const id = newLabId();
  assert.ok(isLabId(id));
  assert.ok(ownsNamespace(id, `${id}-pve-01`));
  assert.ok(!ownsNamespace(id, "hxtest"));
  assert.ok(!ownsNamespace(id, `${id}x-pve`));
  assert.ok(ownsLink(id, `${id}s0`) && ownsLink(id, `${id}p12`));
  assert.ok(!ownsLink(id, "eth0") && !ownsLink(id, `${id}s0x`) && !ownsLink(id, "vmbr0"));
});

for (const file of EXAMPLES) {
  test(`${file}: every namespace, interface and address of the lab is well formed`, async () => {
    const m = await model(file);
    const plan = labPlan(m, "hl0abc");
    const namespaces = plan.nodes.map((n) => n.namespace);
    assert.equal(new Set(namespaces).size, namespaces.length, "namespaces are unique");
    for (const ns of namespaces) assert.ok(ownsNamespace("hl0abc", ns));
    for (const l of plan.links) {
      for (const name of [l.outer.name, l.inner.name])
        assert.ok(name.length <= IFNAMSIZ, `${name} fits in 15 bytes`);
      // Nothing the lab makes in the root namespace can clash with the machine's own interfaces.
      if (l.outer.namespace === undefined)
        assert.ok(ownsLink("hl0abc", l.outer.name), `${l.outer.name} carries the lab id`);
    }
    for (const s of plan.switches) assert.ok(ownsLink("hl0abc", s.bridge));
    for (const n of plan.nodes) {
      const names = plan.links.filter((l) => l.inner.namespace === n.namespace).map((l) => l.inner.name);
      assert.equal(new Set(names).size, names.length, `${n.name}: interface names are unique`);
      for (const i of n.ifaces) {
        const net = m.networks.find((x) => x.name === i.network)!;
        if (i.address)
          assert.ok(
            inCidr(i.address.split("/")[0]!, net.cidr),
            `${n.name} ${i.address} is in ${net.cidr.text}`,
          );
      }
    }
    const all = plan.nodes.flatMap((n) =>
      n.ifaces.flatMap((i) => (i.address ? [i.address.split("/")[0]] : [])),
    );
    assert.equal(new Set(all).size, all.length, "no address is used twice");
  });

  test(`${file}: guests' interfaces are named as the generated configs name them`, async () => {
    const m = await model(file);
    const plan = labPlan(m, "hl0abc");
    for (const g of m.guests.filter((x) => x.kind !== "metal")) {
      const node = plan.nodes.find((n) => n.name === g.name)!;
      for (const network of Object.keys(g.address)) {
        assert.ok(
          node.ifaces.some(
            (i) =>
              i.network === network &&
              i.name === guestInterface(m, g, network) &&
              i.address?.startsWith(`${g.address[network]}/`),
          ),
        );
      }
    }
  });
}

test("seed003: a namespace per host and VM guest, the bare-metal server inside its host", async () => {
  const m = await model("seed003-lb-pair.yaml");
  const plan = labPlan(m, "hl0abc");
  const names = plan.nodes.map((n) => n.name).sort();
  assert.deepEqual(
    names,
    [
      "_c-lan",
      "_client",
      "_db-app-db",
      "k3s-lb01",
      "k3s-lb02",
      "k3s-srv01",
      "k3s-srv02",
      "metal",
      "p1",
      "p2",
    ].sort(),
  );
  assert.equal(nodeFor(plan, "k3s-srv03")?.name, "metal");
  assert.deepEqual(nodesOn(plan, "p1").sort(), ["k3s-lb01", "k3s-srv01", "p1"]);
  // A Proxmox host bridges its guests behind its NIC: cutting the NIC cuts them.
  const p1 = plan.nodes.find((n) => n.name === "p1")!;
  assert.deepEqual(p1.bridges, [{ network: "lan", name: "vmbr0" }]);
  const lb1 = plan.links.find((l) => l.node === "k3s-lb01")!;
  assert.equal(lb1.outer.namespace, p1.namespace);
  assert.equal(lb1.outer.master, "vmbr0");
  assert.match(lb1.outer.name, /^tap\d+i0$/);
  // The VIP, the API and the ingress are one address held by keepalived on the pair.
  assert.deepEqual(
    plan.vips.find((v) => v.address === "192.168.1.8"),
    {
      address: "192.168.1.8",
      network: "lan",
      movedBy: "keepalived",
      standin: false,
      candidates: ["k3s-lb01", "k3s-lb02"],
      purposes: ["lb:edge", "api", "ingress"],
    },
  );
  const kinds = (node: string): string[] =>
    plan.daemons
      .filter((d) => d.node === node)
      .map((d) => d.kind)
      .sort();
  assert.deepEqual(kinds("p1"), ["corosync"]);
  assert.deepEqual(kinds("metal"), ["etcd", "ingress-standin", "patroni"]);
  assert.deepEqual(kinds("k3s-lb01"), ["haproxy", "keepalived"]);
  assert.equal(plan.etcd?.heartbeatMs, 500);
  assert.equal(plan.etcd?.electionMs, 5000);
  const db = plan.databases[0]!;
  // One instance per node, where the plan places them.
  assert.deepEqual(db.members.map((x) => x.node).sort(), ["k3s-srv01", "k3s-srv02", "metal"]);
  const placement = placeWorkloads(m);
  assert.deepEqual(
    db.members.map((x) => x.node),
    placement.databases.get("app-db")!.map((g) => (g === "k3s-srv03" ? "metal" : g)),
  );
  assert.equal(db.router, routerNode("app-db"));
  assert.ok(db.synchronous);
});

test("seed004: kube-vip stand-in with kube-vip's timings holds the API and ingress VIP", async () => {
  const m = await model("seed004-three-nodes.yaml");
  const plan = labPlan(m, "hl0abc");
  assert.deepEqual(plan.kubeVip, {
    vip: "192.168.1.50",
    network: "lan",
    iface: { "k3s-1": "lan", "k3s-2": "lan", "k3s-3": "lan" },
    leaseMs: 15000,
    renewMs: 10000,
    retryMs: 2000,
  });
  const vip = plan.vips.find((v) => v.address === "192.168.1.50")!;
  assert.equal(vip.movedBy, "kubevip-standin");
  assert.ok(vip.standin);
  assert.deepEqual(vip.purposes, ["api", "ingress"]);
  assert.ok(plan.daemons.filter((d) => d.kind === "kubevip-standin").every((d) => d.standin));
  assert.equal(plan.daemons.filter((d) => d.kind === "corosync").length, 3);
});

test("the client sits on every network at a free address outside DHCP ranges", async () => {
  const m = await model("seed002-segmented.yaml");
  const plan = labPlan(m, "hl0abc");
  const client = plan.nodes.find((n) => n.name === CLIENT_NODE)!;
  assert.deepEqual(client.ifaces.map((i) => i.network).sort(), m.networks.map((n) => n.name).sort());
  const pub = client.ifaces.find((i) => i.network === "public")!.address!;
  assert.equal(pub, "192.168.1.254/24");
});

test("the ingress stand-ins know where the plan places each service's replicas", async () => {
  const m = await model("seed004-three-nodes.yaml");
  const plan = labPlan(m, "hl0abc");
  const placement = placeWorkloads(m);
  for (const i of plan.ingress) {
    for (const svc of i.services)
      assert.deepEqual(svc.replicas, [...new Set(placement.services.get(svc.name))]);
  }
  assert.ok(plan.ingress.every((i) => i.services.length === plan.ingress[0]!.services.length));
});
