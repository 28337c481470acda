import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { keepalivedGenerator } from "../../src/generate/keepalived/keepalived.js";
import { advertInterval } from "../../src/topology/failover-formulas.js";
import { memberPriority } from "../../src/topology/vrrp-groups.js";
import type { Model } from "../../src/model/model.js";
import { exampleModel, specModel } from "./fixtures.js";

const ctx = { publicKeys: new Map<string, string>() };

const example = (name: string): Promise<Model> => exampleModel(`examples/${name}.yaml`);

const fromText = specModel;

/** Option lines of the `vrrp_instance` block, trimmed, comments dropped. */
function instance(conf: string): string[] {
  const start = conf.indexOf("vrrp_instance ");
  assert.ok(start >= 0, "a vrrp_instance exists");
  const lines = conf.slice(start).split("\n");
  const end = lines.indexOf("}");
  return lines
    .slice(1, end)
    .map((l) => l.trim())
    .filter((l) => !l.startsWith("#"));
}

const confs = (m: Model): Map<string, string> =>
  new Map(
    keepalivedGenerator
      .generate(m, ctx)
      .filter((f) => f.path.endsWith("/keepalived.conf"))
      .map((f) => [f.path, f.content]),
  );

test("seed003: two instances, same VRID, different priorities, unicast to each other", async () => {
  const files = confs(await example("seed003-lb-pair"));
  assert.deepEqual([...files.keys()].sort(), [
    "nodes/k3s-lb01/etc/keepalived/keepalived.conf",
    "nodes/k3s-lb02/etc/keepalived/keepalived.conf",
  ]);
  const a = instance(files.get("nodes/k3s-lb01/etc/keepalived/keepalived.conf")!);
  const b = instance(files.get("nodes/k3s-lb02/etc/keepalived/keepalived.conf")!);
  for (const i of [a, b]) {
    assert.ok(i.includes("virtual_router_id 51"));
    assert.ok(i.includes("interface lan"), "VM NICs are named after their network");
    assert.ok(i.includes("state BACKUP"));
    assert.ok(i.includes("192.168.1.8/24 dev lan"));
    assert.ok(i.includes("check_unicast_src"));
    assert.ok(i.includes("chk_haproxy"));
    assert.ok(i.some((l) => l.startsWith('notify "')));
  }
  assert.ok(a.includes("priority 150"));
  assert.ok(b.includes("priority 100"));
  assert.ok(a.includes("unicast_src_ip 192.168.1.6"));
  assert.equal(a[a.indexOf("unicast_peer {") + 1], "192.168.1.7");
  assert.ok(b.includes("unicast_src_ip 192.168.1.7"));
  assert.equal(b[b.indexOf("unicast_peer {") + 1], "192.168.1.6");
});

test("balanced profile: VRRPv3 with sub-second adverts", async () => {
  const i = instance(
    confs(await example("seed003-lb-pair")).get("nodes/k3s-lb01/etc/keepalived/keepalived.conf")!,
  );
  assert.ok(i.includes("version 3"));
  assert.ok(i.includes("advert_int 0.2"));
});

test("seed003 profile: VRRPv2 with whole-second adverts and no cleartext password", async () => {
  const text = readFileSync("examples/seed003-lb-pair.yaml", "utf8").replace(
    "profile: balanced",
    "profile: seed003",
  );
  for (const conf of confs(fromText(text)).values()) {
    const i = instance(conf);
    assert.ok(i.includes("version 2"));
    assert.ok(i.includes("advert_int 1"));
    assert.doesNotMatch(conf, /auth_pass|authentication \{/);
  }
});

test("the track script checks this guest's own HAProxy, inside its network namespace", async () => {
  const conf = confs(await example("seed003-lb-pair")).get("nodes/k3s-lb02/etc/keepalived/keepalived.conf")!;
  assert.match(conf, /script "\/bin\/bash -c '<\/dev\/tcp\/192\.168\.1\.7\/8404'"/);
  assert.match(conf, /^\s+init_fail$/m);
  assert.doesNotMatch(conf, /pidof|killall/);
});

test("a guest that can route to no server gives way: the route check drops it below every peer", async () => {
  const files = confs(await example("seed003-lb-pair"));
  for (const [path, conf] of files) {
    assert.match(
      conf,
      /script "\/usr\/bin\/curl -fso \/dev\/null --max-time 1 http:\/\/192\.168\.1\.[67]:8404\/healthz"/,
    );
    // 150 - 51 = 99 is below the backup's 100: a backup that can route outranks a master that cannot.
    assert.ok(instance(conf).includes("chk_haproxy_routes weight -51"), path);
  }
});

test("two masters meeting again: the one stepping down advertises once more, so the winner re-sends its ARPs", async () => {
  for (const conf of confs(await example("seed003-lb-pair")).values())
    assert.ok(instance(conf).includes("higher_prio_send_advert"));
});

test("a single load balancer (seed002) has no unicast keywords, so keepalived does not warn", async () => {
  const files = confs(await example("seed002-segmented"));
  const i = instance(files.get("nodes/lb/etc/keepalived/keepalived.conf")!);
  assert.ok(i.includes("interface apps"));
  assert.ok(i.includes("10.10.2.5/24 dev apps"));
  assert.ok(!i.some((l) => l.startsWith("unicast")));
});

test("advert_int: VRRPv2 rounds to whole seconds, VRRPv3 to 10 ms steps within 0.01-40.95 s", async () => {
  const lb = (await example("seed003-lb-pair")).loadBalancers[0]!;
  const at = (version: 2 | 3, advertMs: number): string => advertInterval({ ...lb.vrrp, version, advertMs });
  assert.equal(at(2, 100), "1");
  assert.equal(at(2, 2400), "2");
  assert.equal(at(3, 100), "0.1");
  assert.equal(at(3, 1000), "1");
  assert.equal(at(3, 1), "0.01");
  assert.equal(at(3, 60_000), "40.95");
});

test("keepalived holding the API VIP: the K3s servers form a group that tracks their API server", () => {
  const text = readFileSync("examples/seed004-three-nodes.yaml", "utf8").replace(
    "holder: kube-vip",
    "holder: keepalived",
  );
  const files = confs(fromText(text));
  assert.deepEqual(
    [...files.keys()],
    [1, 2, 3].map((i) => `nodes/k3s-${i}/etc/keepalived/keepalived.conf`),
  );
  const conf = files.get("nodes/k3s-2/etc/keepalived/keepalived.conf")!;
  assert.match(conf, /vrrp_instance VI_k8s_api \{/);
  assert.match(conf, /script "\/bin\/bash -c '<\/dev\/tcp\/192\.168\.1\.52\/6443'"/);
  const i = instance(conf);
  assert.ok(i.includes("priority 100"));
  assert.ok(i.includes("192.168.1.50/24 dev lan"));
  // The plan charges vrrp.failover (3.6 s) for this VIP: a 1 s VRRPv3 advert gives exactly that.
  assert.ok(i.includes("version 3"));
  assert.ok(i.includes("advert_int 1"));
  assert.deepEqual(i.slice(i.indexOf("unicast_peer {") + 1, i.indexOf("unicast_peer {") + 3), [
    "192.168.1.51",
    "192.168.1.53",
  ]);
});

test("priorities: the first guest is the preferred master; all distinct and valid", () => {
  assert.deepEqual(
    [0, 1].map((i) => memberPriority(i, 2)),
    [150, 100],
  );
  for (const n of [3, 5, 8]) {
    const ps = Array.from({ length: n }, (_, i) => memberPriority(i, n));
    assert.equal(new Set(ps).size, n);
    assert.ok(
      ps.every((p) => p >= 1 && p <= 254),
      `${ps}`,
    );
  }
});

test("VRRP peers re-resolve each other fast: ARP retransmission at 100 ms on the VRRP interface", async () => {
  const files = keepalivedGenerator.generate(await example("seed003-lb-pair"), ctx);
  const sysctl = files.find((f) => f.path === "nodes/k3s-lb01/etc/sysctl.d/90-hlab-keepalived.conf");
  assert.ok(sysctl);
  assert.match(sysctl.content, /^net\.ipv4\.neigh\.lan\.retrans_time_ms = 100$/m);
  const lone = keepalivedGenerator.generate(await example("seed002-segmented"), ctx);
  assert.ok(!lone.some((f) => f.path.includes("sysctl.d")), "a lone member has no peer to resolve");
});
