import assert from "node:assert/strict";
import { test } from "node:test";
import { parse, parseAllDocuments } from "yaml";
import type { GeneratedFile } from "../../src/artifact/artifact.js";
import { renderRepository } from "../../src/pipeline/build.js";
import { secretRequests } from "../../src/pipeline/registry.js";
import type { Model } from "../../src/model/model.js";
import { EXAMPLES, exampleModel, exampleName, fixedContext, MIXED_SPEC, specModel } from "./fixtures.js";

type K3sConfig = Record<string, unknown>;
interface DaemonSet {
  metadata: { name: string };
  spec: {
    template: {
      spec: {
        hostNetwork: boolean;
        serviceAccountName: string;
        containers: { image: string; env: { name: string; value: string }[] }[];
      };
    };
  };
}

function configs(model: Model, files: GeneratedFile[]): Map<string, K3sConfig> {
  const out = new Map<string, K3sConfig>();
  for (const f of files) {
    const m = /^nodes\/([^/]+)\/etc\/rancher\/k3s\/config\.yaml$/.exec(f.path);
    if (m) out.set(m[1]!, parse(f.content) as K3sConfig);
  }
  return out;
}

/** The keys K3s requires to be identical on every server (docs.k3s.io, "Critical Configuration Values"). */
const CRITICAL = [
  "cluster-cidr",
  "service-cidr",
  "cluster-domain",
  "flannel-backend",
  "secrets-encryption",
  "disable",
  "kube-apiserver-arg",
];

async function check(name: string, model: Model): Promise<void> {
  const files = renderRepository(model, fixedContext(model));
  const k8s = model.kubernetes!;
  const all = configs(model, files);
  assert.deepEqual(
    [...all.keys()].sort(),
    [...k8s.servers, ...k8s.agents].sort(),
    `${name}: one config per node`,
  );
  const servers = k8s.servers.map((s) => all.get(s)!);
  const inits = servers.filter((c) => c["cluster-init"] === true);
  if (k8s.datastore === "embedded-etcd") assert.equal(inits.length, 1, `${name}: exactly one cluster-init`);
  else assert.equal(inits.length, 0);
  for (const [node, c] of all) {
    const guest = model.guests.find((g) => g.name === node)!;
    assert.equal(c["token-file"], "/etc/rancher/k3s/token", `${node}: token from a file`);
    assert.equal(c.token, undefined, `${node}: never an inline token`);
    assert.deepEqual(c["node-label"], [`topology.kubernetes.io/zone=${guest.host}`]);
    const isServer = k8s.servers.includes(node);
    const joins = !isServer || (k8s.servers.length > 1 && c["cluster-init"] !== true);
    assert.equal(
      c.server,
      joins ? `https://${k8s.api.endpoint}:6443` : undefined,
      `${node}: joins through the API endpoint`,
    );
    if (isServer) {
      const sans = c["tls-san"] as string[];
      if (k8s.api.vip) assert.ok(sans.includes(k8s.api.vip), `${node}: tls-san has the VIP`);
      assert.ok(sans.includes(k8s.api.hostname), `${node}: tls-san has the API name`);
      assert.equal(c["secrets-encryption"], k8s.secretsEncryption);
      if (k8s.datastore === "embedded-etcd") {
        assert.equal(c["etcd-snapshot-schedule-cron"], k8s.etcdSnapshots.schedule);
        assert.equal(c["etcd-snapshot-retention"], k8s.etcdSnapshots.retention);
      }
      const seconds = Math.round(k8s.nodeDownEvictionMs / 1000);
      assert.deepEqual(c["kube-apiserver-arg"], [
        `default-not-ready-toleration-seconds=${seconds}`,
        `default-unreachable-toleration-seconds=${seconds}`,
      ]);
    } else {
      for (const k of CRITICAL) assert.equal(c[k], undefined, `${node}: agents take ${k} from the servers`);
      assert.equal(c["tls-san"], undefined);
    }
  }
  for (const key of CRITICAL) {
    const values = servers.map((c) => JSON.stringify(c[key]));
    assert.equal(new Set(values).size, 1, `${name}: ${key} identical on every server`);
  }
  assert.ok(
    secretRequests(model).some((r) => r.name === "k3s-token" && r.installPath === "/etc/rancher/k3s/token"),
  );
}

for (const file of EXAMPLES) {
  test(`${exampleName(file)}: K3s HA configs`, async () =>
    check(exampleName(file), await exampleModel(file)));
}

test("agents, a bare-metal server and a short eviction time", async () => {
  const model = specModel(MIXED_SPEC);
  await check("mixed", model);
  const all = configs(model, renderRepository(model, fixedContext(model)));
  assert.equal(all.get("srv-c")!["flannel-iface"], "enp2s0", "a bare-metal server keeps its NIC name");
  assert.equal(all.get("srv-a")!["flannel-iface"], "lan", "a VM's NIC is named after its network");
  assert.deepEqual(all.get("srv-a")!["kube-apiserver-arg"], [
    "default-not-ready-toleration-seconds=45",
    "default-unreachable-toleration-seconds=45",
  ]);
});

test("kube-vip: RBAC and a DaemonSet per interface name, with the spec's leader election timings", () => {
  const model = specModel(MIXED_SPEC);
  const files = renderRepository(model, fixedContext(model));
  const ds = files.filter((f) => f.path.endsWith("/var/lib/rancher/k3s/server/manifests/kube-vip.yaml"));
  assert.deepEqual(
    ds.map((f) => f.path.split("/")[1]).sort(),
    ["srv-a", "srv-b", "srv-c"],
    "on every server",
  );
  assert.equal(new Set(ds.map((f) => f.content)).size, 1, "the same manifest everywhere");
  const docs = parseAllDocuments(ds[0]!.content).map((d) => d.toJS() as DaemonSet);
  assert.deepEqual(docs.map((d) => d.metadata.name).sort(), ["kube-vip-enp2s0", "kube-vip-lan"]);
  for (const d of docs) {
    const c = d.spec.template.spec.containers[0]!;
    const env = Object.fromEntries(c.env.map((e) => [e.name, e.value]));
    assert.equal(c.image, "ghcr.io/kube-vip/kube-vip:v1.2.3");
    assert.deepEqual([env.vip_leaseduration, env.vip_renewdeadline, env.vip_retryperiod], ["5", "3", "1"]);
    assert.equal(env.address, "192.168.10.50");
    assert.equal(env.cp_enable, "true");
    assert.equal(env.vip_arp, "true");
    assert.equal(env.vip_interface, d.metadata.name === "kube-vip-lan" ? "lan" : "enp2s0");
    assert.equal(d.spec.template.spec.hostNetwork, true);
    assert.equal(d.spec.template.spec.serviceAccountName, "kube-vip");
  }
  const rbac = files.find(
    (f) => f.path === "nodes/srv-a/var/lib/rancher/k3s/server/manifests/kube-vip-rbac.yaml",
  )!;
  const kinds = parseAllDocuments(rbac.content).map((d) => (d.toJS() as { kind: string }).kind);
  assert.deepEqual(kinds, ["ServiceAccount", "ClusterRole", "ClusterRoleBinding"]);
  assert.ok(
    !files.some((f) => f.path.startsWith("nodes/work-a/var/lib/rancher/k3s/server/")),
    "agents get no server manifests",
  );
});

test("no kube-vip when something else holds the VIP", async () => {
  const model = await exampleModel("examples/seed003-lb-pair.yaml");
  assert.ok(!renderRepository(model, fixedContext(model)).some((f) => f.path.includes("kube-vip")));
});
