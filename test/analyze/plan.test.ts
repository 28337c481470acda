import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { compare } from "../../src/analyze/compare.js";
import { planModel } from "../../src/analyze/plan.js";
import type { PlanReport } from "../../src/analyze/plan-report.js";
import { Prng } from "../../src/analyze/prng.js";
import { whatIf } from "../../src/analyze/what-if.js";
import type { Model } from "../../src/model/model.js";
import { loadSpecFile, loadSpecText } from "../../src/spec/load.js";

async function model(file: string): Promise<Model> {
  const r = await loadSpecFile(file);
  assert.deepEqual(
    r.diagnostics.filter((d) => d.severity === "error"),
    [],
    `${file} loads`,
  );
  return r.model!;
}

const lineOf = (file: string, needle: string): number =>
  readFileSync(file, "utf8")
    .split("\n")
    .findIndex((l) => l.includes(needle)) + 1;
const service = (r: PlanReport, name: string) => r.availability.services.find((s) => s.name === name)!;
const apps = (r: PlanReport) => r.availability.services.filter((s) => s.kind === "service");

const SEED004 = "examples/seed004-three-nodes.yaml";
const VARIANT = "test/fixtures/plan/seed004-two-servers-one-host.yaml";
const REPO = "test/fixtures/plan/seed003-repo-one-host.yaml";
const BEFORE = "examples/seed003-before.yaml";
const AFTER = "examples/seed003-lb-pair.yaml";
const FLAKY_AFTER = "test/fixtures/plan/seed003-after-flaky-nic.yaml";

test("seed 004: every service survives the loss of any one Proxmox host, and the report says so", async () => {
  const m = await model(SEED004);
  const r = planModel(m);
  for (const s of r.availability.services) assert.ok(s.survivesAnyOneHost, `${s.name} survives any one host`);
  assert.ok(r.summary.survivesAnyOneHost);
  assert.equal(
    r.summary.verdict,
    "Sound: every service survives the loss of any one host, and no finding is an error.",
  );
  assert.deepEqual(r.summary.hostLosses, []);
  assert.equal(r.summary.errors, 0);
  assert.ok(r.summary.sound);
  for (const h of m.proxmox!.nodes) {
    const w = whatIf(m, [`host:${h}`]);
    assert.deepEqual(
      w.services.filter((s) => s.status === "down"),
      [],
      `nothing goes down with ${h}`,
    );
  }
});

test("two of three K3s servers on one host: the API is lost with it, pointing at the placement line", async () => {
  const r = planModel(await model(VARIANT));
  const hl100 = r.findings.filter((d) => d.code === "HL100");
  assert.equal(hl100.length, 1);
  const d = hl100[0]!;
  assert.equal(d.severity, "error");
  assert.equal(d.path, "guests.k3s-2.host");
  assert.equal(d.line, lineOf(VARIANT, "k3s-2: { host: pve-01"));
  assert.match(d.message, /pve-01/);
  assert.match(d.message, /Kubernetes API/);
  assert.match(d.hint, /host: pve-0[23]/);
  const api = service(r, "kubernetes-api");
  assert.equal(api.survivesAnyOneHost, false);
  assert.ok(api.hostFailures.some((o) => o.failed.includes("host:pve-01") && o.status === "down"));
  assert.ok(r.summary.lines.includes("The Kubernetes API does not survive the loss of some one host."));
  assert.equal(r.summary.sound, false);
  // What breaks, host by host, then the errors. Without etcd quorum kube-vip cannot renew its
  // lease, so the ingress VIP goes with the API and every service behind it (as the lab measures).
  assert.equal(
    r.summary.verdict,
    "Not sound: losing pve-01 takes down every service; 1 finding is an error.",
  );
  const [loss] = r.summary.hostLosses;
  assert.equal(r.summary.hostLosses.length, 1);
  assert.equal(loss!.host, "pve-01");
  assert.equal(loss!.everyService, true);
  assert.ok(loss!.kubernetesApi);
  assert.ok(loss!.down.includes("gitea") && loss!.down.includes("traefik"), loss!.down.join(","));
});

test("the seed 003 repository (every guest on one host) is flagged with the replication that protects nothing", async () => {
  const r = planModel(await model(REPO));
  const codes = new Set(r.findings.map((d) => d.code));
  for (const c of ["HL120", "HL102", "HL100", "HL104", "HL105"] as const)
    assert.ok(codes.has(c), `${c} reported`);
  const hl120 = r.findings.find((d) => d.code === "HL120")!;
  assert.match(hl120.message, /load-balancer pair edge/);
  assert.match(hl120.message, /3 K3s servers/);
  assert.match(hl120.message, /Longhorn/);
  const hl102 = r.findings.find((d) => d.code === "HL102")!;
  assert.equal(hl102.path, "guests.k3s-lb02.host");
  assert.match(hl102.hint, /p2/);
  assert.equal(r.summary.sound, false);
  for (const s of apps(r)) assert.equal(s.survivesAnyOneHost, false);
});

test("seed 003 before and after: from about 20 % to 98 % and more", async () => {
  const before = planModel(await model(BEFORE));
  const after = planModel(await model(AFTER));
  const flaky = planModel(await model(FLAKY_AFTER));
  for (const s of apps(before))
    assert.ok(s.availability > 0.15 && s.availability < 0.25, `${s.name} before: ${s.availability}`);
  for (const s of apps(after)) assert.ok(s.availability >= 0.98, `${s.name} after: ${s.availability}`);
  // The same failing NIC kept on p1: spreading and the load-balancer pair alone lift it.
  for (const s of apps(flaky))
    assert.ok(s.availability >= 0.98, `${s.name} after, NIC still failing: ${s.availability}`);
  const blog = service(before, "blog");
  assert.equal(blog.largestContributor?.component, "nic:p1/eth0");
  assert.ok(blog.spofs.includes("nic:p1/eth0"));
  assert.ok(before.findings.some((d) => d.code === "HL114" && d.path === "kubernetes.ingress.via"));
  assert.ok(before.findings.some((d) => d.code === "HL100" && d.path === "guests.k3s-srv02.host"));
  assert.ok(before.findings.some((d) => d.code === "HL116" && d.path === "hosts.p1.nics.eth0.reliability"));

  const c = compare(before, after);
  const row = c.rows.find((x) => x.name === "blog")!;
  assert.ok(row.a!.availability < 0.25 && row.b!.availability >= 0.98);
  const why = row.why.join("\n");
  assert.match(why, /A fails with any one of .*nic:p1\/eth0/);
  assert.match(why, /A goes down with one host, B survives any one/);
  assert.match(why, /DNS points at node/);
  assert.match(why, /VIP 192\.168\.1\.8/);
  assert.ok(c.findingsOnlyInA.some((f) => f.code === "HL100"));
});

test("what-if: a host failure fails over through kube-vip and rescheduling, with the timings", async () => {
  const m = await model(SEED004);
  const w = whatIf(m, ["host:pve-01"]);
  assert.deepEqual(w.guestsDown, ["k3s-1"]);
  const api = w.services.find((s) => s.name === "kubernetes-api")!;
  assert.equal(api.status, "fails-over");
  assert.equal(api.outageMs, 15_000);
  assert.deepEqual(
    api.steps.map((s) => s.timing),
    ["kubevip.failover"],
  );
  const single = w.services.find(
    (s) => s.status === "fails-over" && s.steps.some((st) => st.timing === "k8s.podEviction"),
  );
  assert.ok(single, "a single-replica service is rescheduled");
  // Measured figures replace the defaults: with kube-vip down to 2.1 s, etcd's election (7.5 s, the
  // leader was on pve-01 too) becomes what the API waits for.
  const measured = whatIf(m, ["host:pve-01"], {
    measured: { timings: { "kubevip.failover": 2100 }, source: "lab run" },
  });
  const fastApi = measured.services.find((s) => s.name === "kubernetes-api")!;
  assert.equal(fastApi.outageMs, 7500);
  assert.deepEqual(
    fastApi.steps.map((s) => s.timing),
    ["etcd.election"],
  );
  // The ingress VIP is kube-vip's too: its new holder needs the API, so it waits for etcd as well.
  const traefik = measured.services.find((s) => s.name === "traefik")!;
  assert.equal(traefik.outageMs, 7500);
  assert.throws(() => whatIf(m, ["host:nope"]), /unknown host/);
});

test("what-if: the variant loses the API with pve-01; a NIC and gear can be failed too", async () => {
  const w = whatIf(await model(VARIANT), ["host:pve-01"]);
  assert.equal(w.services.find((s) => s.name === "kubernetes-api")!.status, "down");
  const before = await model(BEFORE);
  const nic = whatIf(before, ["nic:p1"]);
  assert.deepEqual(nic.failed, ["nic:p1/eth0"]);
  assert.deepEqual(nic.guestsDown, ["k3s-srv01", "k3s-srv02"]);
  const gear = whatIf(before, ["gear:isp-box"]);
  assert.ok(gear.services.every((s) => s.status === "down"));
});

test("measured timings are reported as measured and change the figures", async () => {
  const m = await model(SEED004);
  const base = planModel(m);
  const fast = planModel(m, {
    timings: { measured: { timings: { "k8s.podEviction": 30_000 }, source: "hlab lab 2026-01-01" } },
  });
  const t = fast.availability.timings.find((x) => x.name === "k8s.podEviction")!;
  assert.equal(t.source, "measured");
  assert.equal(t.detail, "hlab lab 2026-01-01");
  assert.ok(service(fast, "gitea").availability > service(base, "gitea").availability);
  const opt = planModel(m, { timings: { option: { "etcd.election": 1000 } } });
  assert.equal(opt.availability.timings.find((x) => x.name === "etcd.election")!.source, "option");
});

test("Proxmox HA: a guest on shared storage restarts elsewhere; capacity and N+1 findings", async () => {
  const m = await model("test/fixtures/plan/ha-capacity.yaml");
  const r = planModel(m);
  const site = service(r, "site");
  assert.ok(site.survivesAnyOneHost);
  const out = site.hostFailures.find((o) => o.failed.includes("host:pve-a"))!;
  assert.equal(out.status, "fails-over");
  assert.equal(out.outageMs, 180_000);
  assert.deepEqual(
    out.steps.map((s) => s.timing),
    ["proxmox.haRecovery"],
  );
  const w = whatIf(m, ["host:pve-a"]);
  assert.deepEqual(w.restarted, [{ guest: "web", to: "pve-b" }]);
  const by = (code: string) => r.findings.filter((d) => d.code === code).map((d) => d.path);
  assert.deepEqual(by("HL109").sort(), ["guests.big.ha", "guests.legacy.ha"]);
  assert.deepEqual(by("HL110").sort(), ["hosts.pve-c.disks", "hosts.pve-c.memory"]);
  assert.deepEqual(by("HL112"), ["hosts.pve-a"]);
  assert.equal(r.capacity.nPlusOne, false);
  assert.equal(service(r, "old").survivesAnyOneHost, false);
});

test("IP plan: every address with its owner, and the free ranges", async () => {
  const r = planModel(await model(SEED004));
  const lan = r.ipPlan.networks.find((n) => n.name === "lan")!;
  const at = (ip: string) => lan.entries.filter((e) => e.address === ip);
  assert.match(at("192.168.1.50")[0]!.owner, /kube-vip/);
  assert.equal(at("192.168.1.50")[0]!.path, "kubernetes.api.vip");
  assert.equal(at("192.168.1.51")[0]!.kind, "guest");
  assert.equal(at("192.168.1.60")[0]!.kind, "metallb");
  assert.equal(at("192.168.1.60")[0]!.size, 20);
  assert.deepEqual(lan.free[0], { first: "192.168.1.2", last: "192.168.1.10", size: 9 });
  assert.equal(lan.usableAddresses, 254);
  const seed002 = planModel(await model("examples/seed002-segmented.yaml"));
  assert.ok(seed002.ipPlan.other.some((e) => /WireGuard tunnel/.test(e.owner)));
  assert.ok(seed002.ipPlan.other.some((e) => /pod CIDR/.test(e.owner)));
});

test("single-host labs say so once instead of flagging every replica, and are not called sound", async () => {
  for (const [file, host] of [
    ["examples/seed000-single-node.yaml", "server"],
    ["examples/seed002-segmented.yaml", "pve"],
  ] as const) {
    const r = planModel(await model(file));
    const codes = r.findings.map((d) => d.code);
    assert.ok(codes.includes("HL121"), `${file}: HL121`);
    for (const c of ["HL100", "HL102", "HL104", "HL106", "HL120"] as const)
      assert.ok(!codes.includes(c), `${file}: no ${c}`);
    assert.equal(r.summary.errors, 0, `${file}: no error finding`);
    assert.equal(r.summary.sound, false, `${file}: one host is a single point of failure`);
    assert.equal(r.summary.verdict, `Not sound: losing ${host} takes down every service.`);
    assert.deepEqual(
      r.summary.hostLosses.map((l) => [l.host, l.everyService]),
      [[host, true]],
    );
  }
});

test("the report is plain JSON and deterministic", async () => {
  const m = await model(BEFORE);
  const r = planModel(m);
  const text = JSON.stringify(r);
  assert.deepEqual(JSON.parse(text), r);
  assert.equal(JSON.stringify(planModel(m)), text);
});

test("a service too large to enumerate is simulated, and the report says so", async () => {
  const m = await model(SEED004);
  const exact = service(planModel(m), "gitea").availability;
  const r = planModel(m, { stateBudget: 1, simulation: { maxEvents: 300_000 } });
  const s = service(r, "gitea");
  assert.equal(s.method, "monte-carlo");
  assert.ok(s.ci && s.ci[0] <= exact && exact <= s.ci[1], `${exact} in [${s.ci?.[0]}, ${s.ci?.[1]}]`);
  assert.ok(r.availability.monteCarlo);
  assert.ok(
    planModel(m).availability.services.every((x) => x.method === "exact"),
    "the default budget enumerates them all",
  );
});

test("property: through the whole pipeline, a replica on a new host never lowers availability", () => {
  const rng = new Prng(11);
  const pct = (lo: number, span: number): string => `${(100 * (lo + rng.next() * span)).toFixed(3)}%`;
  for (let trial = 0; trial < 25; trial++) {
    const replicas = 1 + Math.floor(rng.next() * 3);
    const shared = rng.next() < 0.5;
    const spec = (count: number): string => {
      const hosts = Array.from(
        { length: count },
        (_, i) =>
          `  h${i}: { kind: proxmox, cpu: 4, memory: 8GiB, address: { lan: 10.0.0.${10 + i} }${shared ? ", dependsOn: [box]" : ""}, reliability: { availability: ${pcts[i]} } }`,
      );
      const guests = Array.from(
        { length: count },
        (_, i) =>
          `  g${i}: { host: h${i}, role: generic, address: { lan: 10.0.0.${50 + i} }, reliability: { availability: ${gpcts[i]} } }`,
      );
      return [
        "version: 1",
        "name: prop",
        "networks: { lan: { cidr: 10.0.0.0/24 } }",
        ...(shared ? ["gear: { box: { kind: switch } }"] : []),
        "hosts:",
        ...hosts,
        "guests:",
        ...guests,
        `services: { app: { image: example/app:1, port: 80, on: [${Array.from({ length: count }, (_, i) => `g${i}`).join(", ")}] } }`,
      ].join("\n");
    };
    const pcts = Array.from({ length: replicas + 1 }, () => pct(0.9, 0.0999));
    const gpcts = Array.from({ length: replicas + 1 }, () => pct(0.95, 0.0499));
    const before = loadSpecText(spec(replicas), "before.yaml");
    const after = loadSpecText(spec(replicas + 1), "after.yaml");
    assert.ok(
      before.model && after.model,
      `trial ${trial} loads: ${JSON.stringify([...before.diagnostics, ...after.diagnostics].slice(0, 2))}`,
    );
    const a0 = service(planModel(before.model), "app");
    const a1 = service(planModel(after.model), "app");
    assert.ok(
      a1.availability >= a0.availability - a0.truncationBound - a1.truncationBound,
      `trial ${trial}: ${a1.availability} < ${a0.availability}`,
    );
  }
});

test("guests on internal networks only have no default route, and the plan says where", async () => {
  // seed 002 without the line that makes the Proxmox host route the admin segment.
  const text = readFileSync("examples/seed002-segmented.yaml", "utf8").replace(
    /^ {4}gateway: 10\.10\.1\.1\n/m,
    "",
  );
  const loaded = loadSpecText(text, "seed002-no-router.yaml");
  assert.ok(loaded.model);
  const r = planModel(loaded.model);
  const hl123 = r.findings.filter((d) => d.code === "HL123");
  assert.deepEqual(hl123.map((d) => d.path).sort(), [
    "guests.k3s-1.address",
    "guests.k3s-2.address",
    "guests.k3s-3.address",
    "guests.manager.address",
  ]);
  assert.equal(hl123[0]!.severity, "warning");
  const line = text.split("\n").findIndex((l) => l.includes("manager: {")) + 1;
  assert.equal(hl123.find((d) => d.path === "guests.manager.address")!.line, line);
  assert.match(hl123[0]!.hint, /gateway/);
  // The example as shipped (the host routes admin) and a flat LAN with a gateway: nothing to say.
  for (const file of ["examples/seed002-segmented.yaml", SEED004])
    assert.ok(!planModel(await model(file)).findings.some((d) => d.code === "HL123"), file);
});
