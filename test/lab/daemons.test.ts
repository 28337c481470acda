import assert from "node:assert/strict";
import { test } from "node:test";
import { parse } from "yaml";
import { buildDaemon } from "../../src/lab/daemons/build.js";
import { PATRONI_DEFAULTS, type DaemonContext } from "../../src/lab/daemons/context.js";
import { patroniRestoreConfig } from "../../src/lab/daemons/patroni.js";
import { labGenerated, sysctlSettings, ThrowawaySecrets } from "../../src/lab/generated.js";
import { labPlan } from "../../src/lab/lab-plan.js";
import { loadSpecFile } from "../../src/spec/load.js";

async function ctx(file: string, exists: (p: string) => boolean = () => true): Promise<DaemonContext> {
  const model = (await loadSpecFile(file.includes("/") ? file : `examples/${file}`)).model!;
  return {
    plan: labPlan(model, "hl0abc"),
    model,
    runDir: "/tmp/hlab-lab-hl0abc",
    generated: labGenerated(model),
    secrets: new ThrowawaySecrets(),
    options: { skip: new Set(), patroni: PATRONI_DEFAULTS },
    pgBinDir: "/usr/lib/postgresql/15/bin",
    exists,
  };
}

const find = (c: DaemonContext, node: string, kind: string): ReturnType<typeof buildDaemon> =>
  buildDaemon(
    c,
    c.plan.daemons.find((d) => d.node === node && d.kind === kind)!,
  );

test("etcd members run with K3s's heartbeat and election timeout", async () => {
  const c = await ctx("seed004-three-nodes.yaml");
  const b = find(c, "k3s-1", "etcd");
  const args = b.launch!.args.join(" ");
  assert.match(args, /--heartbeat-interval 500 --election-timeout 5000/);
  assert.match(
    args,
    /--initial-cluster k3s-1=http:\/\/192.168.1.51:2380,k3s-2=http:\/\/192.168.1.52:2380,k3s-3=http:\/\/192.168.1.53:2380/,
  );
  assert.equal(b.launch!.namespace, "hl0abc-k3s-1");
});

test("keepalived, haproxy and corosync run the generated files byte for byte", async () => {
  const c = await ctx("seed003-lb-pair.yaml");
  const files = new Map(c.generated.files.map((f) => [f.path, f.content]));
  for (const [node, kind, dir, path] of [
    ["k3s-lb01", "keepalived", "/etc/keepalived", "nodes/k3s-lb01/etc/keepalived/keepalived.conf"],
    ["k3s-lb02", "haproxy", "/etc/haproxy", "nodes/k3s-lb02/etc/haproxy/haproxy.cfg"],
    ["p1", "corosync", "/etc/corosync", "proxmox/_cluster/etc/corosync/corosync.conf"],
  ] as const) {
    const b = find(c, node, kind);
    if (!files.has(path)) {
      assert.ok(b.skipped, `${kind} is skipped while nothing is generated`);
      continue;
    }
    const shadow = b.shadows.find((s) => s.target === dir)!;
    const name = path.slice(path.lastIndexOf("/") + 1);
    assert.equal(shadow.files.find((f) => f.name === name)!.content, files.get(path));
    assert.ok(b.launch!.binds.some((x) => x.target === dir && x.source === shadow.source));
    assert.ok(
      b.launch!.binds.some((x) => x.target === "/run"),
      "a private /run per node",
    );
  }
});

test("Patroni: synchronous and strict when the spec asks for zero data loss; etcd as its store", async () => {
  const c = await ctx("seed003-lb-pair.yaml");
  const b = find(c, "metal", "patroni");
  assert.equal(b.launch!.user, "postgres");
  const cfg = parse(String(b.files[0]!.content)) as {
    etcd3: { hosts: string[] };
    bootstrap: { dcs: Record<string, unknown> };
    postgresql: { authentication: { superuser: { password: string } } };
  };
  assert.equal(cfg.bootstrap.dcs.synchronous_mode, true);
  assert.equal(cfg.bootstrap.dcs.synchronous_mode_strict, true);
  assert.equal(cfg.bootstrap.dcs.ttl, 30);
  assert.deepEqual(cfg.etcd3.hosts, ["192.168.1.103:2379", "192.168.1.104:2379", "192.168.1.105:2379"]);
  assert.ok(cfg.postgresql.authentication.superuser.password.length >= 16, "a throwaway password");
  assert.equal(b.files[0]!.mode, 0o600);
  const router = find(c, "_db-app-db", "db-router");
  const text = String(router.files[0]!.content);
  assert.match(text, /option httpchk GET \/primary/);
  assert.match(text, /server metal 192.168.1.105:5432 check port 8008/);
  assert.match(text, /bind 192.168.1.253:5432/);
});

test("the kube-vip stand-in takes the spec's lease timings", async () => {
  const c = await ctx("seed004-three-nodes.yaml");
  const b = find(c, "k3s-2", "kubevip-standin");
  const cfg = JSON.parse(String(b.files[0]!.content)) as Record<string, unknown>;
  assert.deepEqual(
    [cfg.vip, cfg.iface, cfg.leaseMs, cfg.renewMs, cfg.retryMs],
    ["192.168.1.50", "lan", 15000, 10000, 2000],
  );
  assert.equal(b.launch!.cmd, process.execPath);
});

test("only per-namespace (net.*) sysctls of the generated files are applied", () => {
  const gen = {
    files: [
      {
        path: "nodes/lb/etc/sysctl.d/90.conf",
        content: "# c\nnet.ipv4.ip_nonlocal_bind = 1\nvm.swappiness=10\n",
      },
    ],
    secrets: [],
  };
  assert.deepEqual(sysctlSettings(gen, "nodes", "lb"), {
    apply: ["net.ipv4.ip_nonlocal_bind=1"],
    skipped: ["vm.swappiness=10"],
  });
});

test("throwaway secrets: one value per name for the whole lab, kept across commands", () => {
  const s = new ThrowawaySecrets();
  const a = s.password("pg/db/superuser");
  assert.equal(s.password("pg/db/superuser"), a);
  assert.notEqual(s.password("pg/db/replication"), a);
  assert.equal(ThrowawaySecrets.fromJSON(s.toJSON()).password("pg/db/superuser"), a);
});

test("an ingress stand-in answers its own replicas and passes the others on", async () => {
  const c = await ctx("seed004-three-nodes.yaml");
  const cfg = JSON.parse(String(find(c, "k3s-1", "ingress-standin").files[0]!.content)) as {
    services: { name: string; local: boolean; peers: string[] }[];
    apiPort?: number;
  };
  const grafana = cfg.services.find((x) => x.name === "grafana")!;
  const placed = c.plan.ingress[0]!.services.find((x) => x.name === "grafana")!.replicas;
  assert.equal(grafana.local, placed.includes("k3s-1"));
  const addr: Record<string, string> = {
    "k3s-1": "192.168.1.51",
    "k3s-2": "192.168.1.52",
    "k3s-3": "192.168.1.53",
  };
  assert.deepEqual(
    grafana.peers,
    placed.filter((r) => r !== "k3s-1").map((r) => addr[r]),
  );
  assert.equal(cfg.apiPort, 6443);
});

test("the QDevice: qnetd on the spec's machine as coroqnetd, qdevice beside each corosync on its mounts, certificates as pvecm makes them", async () => {
  const c = await ctx("test/fixtures/lab/two-nodes-qdevice.yaml");
  const qnetd = find(c, "pi", "qnetd");
  assert.equal(qnetd.launch!.cmd, "corosync-qnetd");
  assert.equal(qnetd.launch!.user, "coroqnetd");
  assert.ok(qnetd.launch!.binds.some((b) => b.target === "/etc/corosync/qnetd"));
  const steps = qnetd.prepare!.map((s) => `${s.namespace} ${s.cmd} ${s.args[0]}`);
  assert.deepEqual(steps, [
    "hl0abc-pi corosync-qnetd-certutil -i",
    "hl0abc-p1 corosync-qdevice-net-certutil -i",
    "hl0abc-p1 corosync-qdevice-net-certutil -r",
    "hl0abc-pi corosync-qnetd-certutil -s",
    "hl0abc-p1 corosync-qdevice-net-certutil -M",
    "hl0abc-p2 corosync-qdevice-net-certutil -i",
    "hl0abc-p2 corosync-qdevice-net-certutil -m",
  ]);
  assert.ok(qnetd.prepare![2]!.args.includes("qdevice-pair"), "the request names the cluster");
  for (const node of ["p1", "p2"]) {
    const qdevice = find(c, node, "qdevice");
    assert.equal(qdevice.launch!.cmd, "corosync-qdevice");
    assert.deepEqual(
      qdevice.launch!.binds,
      find(c, node, "corosync").launch!.binds,
      "the same mounts as corosync",
    );
  }
  const without = await ctx("test/fixtures/lab/two-nodes-qdevice.yaml", (p) => !p.includes("qnetd"));
  assert.match(find(without, "pi", "qnetd").skipped ?? "", /corosync-qnetd is not installed/);
  assert.match(find(without, "p1", "qdevice").skipped ?? "", /corosync-qnetd is not installed/);
});

test("Patroni keeps WAL for an archive and mounts its pgBackRest file; a restore bootstrap keeps archiving", async () => {
  const c = await ctx("seed003-lb-pair.yaml");
  const b = find(c, "metal", "patroni");
  assert.deepEqual(
    b.launch?.binds.map((x) => x.target),
    ["/etc/pgbackrest.conf"],
  );
  const params = (text: string): Record<string, unknown> =>
    (parse(text) as { bootstrap: { dcs: { postgresql: { parameters: Record<string, unknown> } } } }).bootstrap
      .dcs.postgresql.parameters;
  assert.equal(params(String(b.files[0]!.content)).archive_mode, "on");
  assert.equal(params(String(b.files[0]!.content)).archive_command, "");
  const r = patroniRestoreConfig(c, "app-db", "metal", "sh -c 'pgbackrest restore'", {
    command: "pgbackrest --stanza=app-db archive-push %p",
    timeout: "300s",
  })!;
  const doc = parse(r.content) as { bootstrap: { method: string; restore: Record<string, unknown> } };
  assert.equal(doc.bootstrap.method, "restore");
  assert.equal(doc.bootstrap.restore.keep_existing_recovery_conf, true);
  assert.equal(params(r.content).archive_command, "pgbackrest --stanza=app-db archive-push %p");
  const without = find(
    await ctx("seed003-lb-pair.yaml", (p) => p !== "/etc/pgbackrest.conf"),
    "metal",
    "patroni",
  );
  assert.deepEqual(without.launch?.binds, [], "no pgBackRest installed: nothing mounted");
});
