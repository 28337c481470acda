import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { parse, parseAllDocuments } from "yaml";
import type { GeneratedFile } from "../../src/artifact/artifact.js";
import { cronIntervalSeconds } from "../../src/generate/cluster/alert-rules.js";
import { CI_TOOLS, HLAB_CLI } from "../../src/generate/cluster/ci-workflow.js";
import { clusterFiles, clusterGenerator } from "../../src/generate/cluster/cluster.js";
import { ZONE_LABEL } from "../../src/generate/cluster/placement.js";
import { platformComponents } from "../../src/generate/cluster/platform.js";
import { CHARTS } from "../../src/generate/cluster/versions.js";
import type { Model } from "../../src/model/model.js";
import { build as buildRepository } from "../../src/pipeline/build.js";
import { run } from "../../src/process/run.js";
import { tempDir, testIdentity } from "../secrets/test-identity.js";
import { EXAMPLES, exampleModel, exampleName, specModel } from "./fixtures.js";

type Obj = Record<string, unknown>;

const get = (value: unknown, path: string): unknown =>
  path
    .split(".")
    .reduce<unknown>((v, k) => (v !== null && typeof v === "object" ? (v as Obj)[k] : undefined), value);

interface Doc {
  file: string;
  doc: Obj;
}

const docsOf = (files: readonly GeneratedFile[]): Doc[] =>
  files
    .filter((f) => f.path.startsWith("cluster/") && f.path.endsWith(".yaml"))
    .flatMap((f) => parseAllDocuments(f.content).map((d) => ({ file: f.path, doc: d.toJS() as Obj })));

const ofKind = (docs: readonly Doc[], kind: string): Doc[] => docs.filter((d) => d.doc.kind === kind);
const named = (docs: readonly Doc[], kind: string, name: string): Doc | undefined =>
  ofKind(docs, kind).find((d) => get(d.doc, "metadata.name") === name);

/** The Helm values of a component, whether Argo CD (valuesObject) or K3s (valuesContent) installs it. */
function chartValues(docs: readonly Doc[], app: string): Obj[] {
  const application = named(docs, "Application", app);
  assert.ok(application, `an Application ${app}`);
  const sources = (get(application.doc, "spec.sources") ?? [get(application.doc, "spec.source")]) as Obj[];
  const fromArgo = sources.map((s) => get(s, "helm.valuesObject")).filter((v): v is Obj => v !== undefined);
  const fromK3s = ofKind(docs, "HelmChart")
    .filter((d) => d.file === `cluster/bootstrap/${app}.yaml`)
    .map((d) => parse(get(d.doc, "spec.valuesContent") as string) as Obj);
  return [...fromArgo, ...fromK3s];
}

/** Every object in a tree of values (Helm values, pod specs), depth first. */
function* walk(value: unknown): Generator<Obj> {
  if (Array.isArray(value)) for (const v of value) yield* walk(v);
  else if (value !== null && typeof value === "object") {
    yield value as Obj;
    for (const v of Object.values(value)) yield* walk(v);
  }
}

async function build(file: string): Promise<{ model: Model; files: GeneratedFile[]; docs: Doc[] }> {
  const model = await exampleModel(file);
  const files = clusterFiles(model);
  return { model, files, docs: docsOf(files) };
}

const SEED000 = "examples/seed000-single-node.yaml";
const SEED003 = "examples/seed003-lb-pair.yaml";
const SEED004 = "examples/seed004-three-nodes.yaml";

test("seed 004 gets an Application for every service of its table, and the platform they stand on", async () => {
  const { docs } = await build(SEED004);
  const apps = ofKind(docs, "Application").map((d) => get(d.doc, "metadata.name"));
  for (const name of [
    "argocd",
    "gitea",
    "kube-prometheus-stack",
    "loki",
    "vaultwarden",
    "adguard-home",
    "traefik",
    "longhorn",
    "metallb",
    "cert-manager",
    "root",
  ]) {
    assert.ok(apps.includes(name), `Application ${name}`);
  }
  const [kps] = chartValues(docs, "kube-prometheus-stack");
  assert.equal(get(kps, "grafana.enabled"), true, "Grafana is part of kube-prometheus-stack");
  const lokiCharts = (get(named(docs, "Application", "loki")!.doc, "spec.sources") as Obj[])
    .map((s) => s.chart)
    .filter(Boolean);
  assert.deepEqual(lokiCharts, ["loki", "alloy"], "Loki with Alloy");
  assert.ok(named(docs, "ClusterIssuer", "hlab-ca"), "a ClusterIssuer for the Ingress certificates");
  assert.ok(named(docs, "IPAddressPool", "default"), "MetalLB's pool");
  assert.ok(named(docs, "L2Advertisement", "layer2"));
  assert.ok(named(docs, "PrometheusRule", "hlab-plan"), "alert rules from the plan");
});

test("bootstrap: HelmCharts for what must run before GitOps, then the root app-of-apps on the lab's Git server", async () => {
  const { docs } = await build(SEED004);
  const bootstrap = ofKind(docs, "HelmChart").map(
    (d) => `${d.file} ${String(get(d.doc, "spec.chart"))}@${String(get(d.doc, "spec.version"))}`,
  );
  assert.deepEqual(bootstrap.sort(), [
    `cluster/bootstrap/argocd.yaml argo-cd@${CHARTS["argo-cd"].version}`,
    `cluster/bootstrap/gitea.yaml gitea@${CHARTS.gitea.version}`,
    `cluster/bootstrap/longhorn.yaml longhorn@${CHARTS.longhorn.version}`,
    `cluster/bootstrap/metallb.yaml metallb@${CHARTS.metallb.version}`,
    `cluster/bootstrap/prometheus-operator-crds.yaml prometheus-operator-crds@${CHARTS["prometheus-operator-crds"].version}`,
  ]);
  const root = named(docs, "Application", "root")!;
  assert.equal(root.file, "cluster/bootstrap/root.yaml");
  assert.equal(
    get(root.doc, "spec.source.repoURL"),
    "http://gitea-http.gitea.svc.cluster.local:3000/hlab/homelab.git",
  );
  assert.equal(get(root.doc, "spec.source.path"), "cluster/apps");
  // Argo CD then manages each bootstrap file from Git: one owner per Helm release.
  const argocd = named(docs, "Application", "argocd")!;
  assert.deepEqual(get(argocd.doc, "spec.source.directory"), { include: "argocd.yaml" });
});

test("every chart comes from the one versions table", async () => {
  for (const file of EXAMPLES) {
    const { docs } = await build(file);
    const pins = new Set(Object.values(CHARTS).map((c) => `${c.chart}@${c.version}`));
    for (const a of ofKind(docs, "Application")) {
      const sources = (get(a.doc, "spec.sources") ?? [get(a.doc, "spec.source")]) as Obj[];
      for (const s of sources.filter((x) => x.chart))
        assert.ok(
          pins.has(`${String(s.chart)}@${String(s.targetRevision)}`),
          `${a.file}: ${String(s.chart)}`,
        );
    }
    for (const h of ofKind(docs, "HelmChart")) {
      const chart = String(get(h.doc, "spec.chart")).split("/").pop();
      assert.ok(pins.has(`${chart}@${String(get(h.doc, "spec.version"))}`), `${h.file}: ${chart}`);
    }
  }
});

/**
 * Spreading that keeps replicas on different physical hosts: a hard zone spread constraint, or a
 * zone anti-affinity term (charts without spread constraints), selecting the workload.
 */
const spreadsOverZones = (tree: unknown, selector: Obj): boolean =>
  [...walk(tree)].some(
    (o) =>
      o.topologyKey === ZONE_LABEL &&
      (o.whenUnsatisfiable === "DoNotSchedule" || o.whenUnsatisfiable === undefined) &&
      JSON.stringify(get(o, "labelSelector.matchLabels")) === JSON.stringify(selector),
  );

const MANY_REPLICAS = `
version: 1
name: many
networks: { lan: { cidr: 10.0.0.0/24, gateway: 10.0.0.1 } }
hosts:
  a: { kind: proxmox, cpu: 8, memory: 32GiB, address: { lan: 10.0.0.11 } }
  b: { kind: proxmox, cpu: 8, memory: 32GiB, address: { lan: 10.0.0.12 } }
  c: { kind: proxmox, cpu: 8, memory: 32GiB, address: { lan: 10.0.0.13 } }
guests:
  s1: { host: a, role: k3s-server, address: { lan: 10.0.0.21 } }
  s2: { host: b, role: k3s-server, address: { lan: 10.0.0.22 } }
  s3: { host: c, role: k3s-server, address: { lan: 10.0.0.23 } }
kubernetes: { api: { vip: 10.0.0.50 }, ingress: { via: metallb } }
metallb: { pools: { default: { addresses: [10.0.0.60-10.0.0.69] } } }
storage: { class: longhorn }
databases: { pg: { engine: cloudnative-pg, instances: 3, synchronous: true, backups: { schedule: "0 2 * * *", destination: "s3://bucket/pg" } } }
services:
  traefik: { replicas: 3 }
  cert-manager: { replicas: 2 }
  argocd: {}
  grafana: { replicas: 2 }
  prometheus: { replicas: 2 }
  vaultwarden: { replicas: 2, database: pg }
  adguard-home: { replicas: 3 }
  shop: { image: "registry.example/shop:1.0", replicas: 3, persistence: 1GiB }
`;

test("every workload with more than one replica gets a disruption budget and spreads over physical hosts", async () => {
  const models = [...(await Promise.all(EXAMPLES.map(exampleModel))), specModel(MANY_REPLICAS)];
  let checked = 0;
  for (const model of models) {
    const files = clusterFiles(model);
    const docs = docsOf(files);
    for (const c of platformComponents(model)) {
      const own = docs.filter((d) => d.file.includes(`/${c.name}.yaml`) || d.file.includes(`/${c.name}/`));
      for (const w of c.workloads.filter((x) => x.replicas > 1)) {
        const pdb = ofKind(own, "PodDisruptionBudget").find(
          (d) => JSON.stringify(get(d.doc, "spec.selector.matchLabels")) === JSON.stringify(w.selector),
        );
        assert.ok(pdb, `${model.name}/${c.name}: a PodDisruptionBudget for ${w.name}`);
        assert.equal(get(pdb.doc, "spec.maxUnavailable"), 1);
        const perNode =
          c.name === "traefik" && get(chartValues(docs, "traefik")[0], "deployment.kind") === "DaemonSet";
        const prometheusSpread =
          w.name === "prometheus" &&
          get(chartValues(docs, c.name)[0], "prometheus.prometheusSpec.podAntiAffinityTopologyKey") ===
            ZONE_LABEL;
        if (!perNode && !prometheusSpread) {
          const tree = [...chartValues(docs, c.name).flatMap((v) => [v]), ...own.map((d) => d.doc)];
          assert.ok(
            spreadsOverZones(tree, w.selector),
            `${model.name}/${c.name}: ${w.name} spreads over ${ZONE_LABEL}`,
          );
        }
        checked++;
      }
    }
  }
  assert.ok(checked >= 12, `checked ${checked} multi-replica workloads`);
});

test("replicated storage and databases follow the plan: Longhorn replicas per host, CloudNativePG synchronous over hosts", async () => {
  const { docs } = await build(SEED003);
  const [longhorn] = chartValues(docs, "longhorn");
  assert.equal(get(longhorn, "persistence.defaultClass"), true);
  assert.equal(get(longhorn, "persistence.defaultClassReplicaCount"), 3);
  assert.equal(
    get(longhorn, "defaultSettings.nodeDownPodDeletionPolicy"),
    "delete-both-statefulset-and-deployment-pod",
  );
  assert.equal(
    get(longhorn, "defaultSettings.replicaZoneSoftAntiAffinity"),
    "false",
    "three hosts: never two replicas on one",
  );
  assert.ok(named(docs, "RecurringJob", "snapshot"));
  const db = named(docs, "Cluster", "app-db")!;
  assert.equal(
    db.file,
    "cluster/services/blog/database-app-db.yaml",
    "the database lives with the app that uses it",
  );
  assert.deepEqual(get(db.doc, "spec.postgresql.synchronous"), {
    method: "any",
    number: 1,
    dataDurability: "required",
  });
  assert.deepEqual(get(db.doc, "spec.affinity"), {
    enablePodAntiAffinity: true,
    topologyKey: ZONE_LABEL,
    podAntiAffinityType: "required",
  });
  assert.equal(
    get(db.doc, "spec.storage.storageClass"),
    "longhorn-single-replica",
    "PostgreSQL replicates itself: one Longhorn replica",
  );
  assert.ok(named(docs, "StorageClass", "longhorn-single-replica"));

  const many = docsOf(clusterFiles(specModel(MANY_REPLICAS)));
  assert.equal(
    get(named(many, "ScheduledBackup", "pg")!.doc, "spec.schedule"),
    "0 0 2 * * *",
    "CloudNativePG's six-field cron",
  );
  assert.equal(
    get(named(many, "Cluster", "pg")!.doc, "spec.backup.barmanObjectStore.destinationPath"),
    "s3://bucket/pg",
  );
  const rules = JSON.stringify(named(many, "PrometheusRule", "hlab-plan")!.doc);
  assert.match(rules, /DatabaseBackupMissed/);
  assert.match(rules, /> 172800/, "a daily backup is missed after two days");
});

test("Traefik follows the spec's ingress: host ports behind a VIP, or a MetalLB address", async () => {
  const { docs } = await build(SEED004);
  const [nodeMode] = chartValues(docs, "traefik");
  assert.equal(get(nodeMode, "deployment.kind"), "DaemonSet");
  assert.equal(get(nodeMode, "ports.websecure.hostPort"), 443);
  const [lbMode] = chartValues(docsOf(clusterFiles(specModel(MANY_REPLICAS))), "traefik");
  assert.equal(get(lbMode, "service.spec.type"), "LoadBalancer");
  assert.equal(get(lbMode, "service.annotations")?.constructor, Object);
  assert.deepEqual(get(lbMode, "service.annotations"), { "metallb.io/loadBalancerIPs": "10.0.0.60" });
  assert.equal(get(lbMode, "deployment.replicas"), 3);
});

test("every namespace denies by default and every web UI has an Ingress with TLS", async () => {
  for (const file of EXAMPLES) {
    const { docs } = await build(file);
    const namespaces = new Set(
      ofKind(docs, "Application")
        .filter((a) => get(a.doc, "metadata.name") !== "root")
        .map((a) => get(a.doc, "spec.destination.namespace")),
    );
    const denied = new Set(
      ofKind(docs, "NetworkPolicy")
        .filter((d) => get(d.doc, "metadata.name") === "default-deny")
        .map((d) => get(d.doc, "metadata.namespace")),
    );
    assert.deepEqual(
      [...namespaces].filter((n) => !denied.has(n)),
      [],
      `${exampleName(file)}: namespaces without default-deny`,
    );
    for (const ing of ofKind(docs, "Ingress")) {
      assert.equal(get(ing.doc, "metadata.annotations")?.constructor, Object);
      assert.equal(
        (get(ing.doc, "metadata.annotations") as Obj)["cert-manager.io/cluster-issuer"],
        "hlab-ca",
      );
      assert.ok((get(ing.doc, "spec.tls") as unknown[]).length === 1, `${ing.file}: TLS`);
    }
  }
});

test("AdGuard Home rewrites every service host name to the ingress VIP", async () => {
  const { docs } = await build(SEED004);
  const data = get(named(docs, "ConfigMap", "adguard-home-config")!.doc, "data") as Record<string, string>;
  const config = parse(data["AdGuardHome.yaml"]!) as Obj;
  const rewrites = get(config, "filtering.rewrites") as { domain: string; answer: string }[];
  const hosts = ofKind(docs, "Ingress").flatMap((i) =>
    (get(i.doc, "spec.rules") as Obj[]).map((r) => r.host as string),
  );
  assert.equal(hosts.length, 7, "argocd, git, grafana, prometheus, vault, adguard, longhorn");
  for (const h of hosts)
    assert.deepEqual(
      rewrites.find((r) => r.domain === h),
      { domain: h, answer: "192.168.1.50", enabled: true },
      h,
    );
  assert.deepEqual(
    rewrites.find((r) => r.domain === "k8s.home.arpa"),
    { domain: "k8s.home.arpa", answer: "192.168.1.50", enabled: true },
  );
  const dns = named(docs, "Service", "adguard-home-dns")!;
  assert.equal(get(dns.doc, "spec.type"), "LoadBalancer");
});

test("alert rules are derived from the plan", async () => {
  const { docs } = await build(SEED004);
  const groups = get(named(docs, "PrometheusRule", "hlab-plan")!.doc, "spec.groups") as {
    name: string;
    rules: { alert: string; expr: string }[];
  }[];
  const rule = (alert: string): { alert: string; expr: string } | undefined =>
    groups.flatMap((g) => g.rules).find((r) => r.alert === alert);
  assert.match(
    rule("EtcdQuorumAtRisk")!.expr,
    /node=~"k3s-1\|k3s-2\|k3s-3"\}\) <= 2$/,
    "three servers: quorum 2",
  );
  assert.match(rule("EtcdQuorumLost")!.expr, /< 2$/);
  assert.match(rule("LonghornVolumeDegraded")!.expr, /state="degraded"/);
  assert.match(rule("KubeVipMovingTooOften")!.expr, /lease_holder="k3s-3"\}\) or vector\(0\)\) \* 3/);
  assert.ok(rule("CertificateExpiresSoon"));
  const single = docsOf(clusterFiles(await exampleModel(SEED000)));
  const singleAlerts = (
    get(named(single, "PrometheusRule", "hlab-plan")!.doc, "spec.groups") as { name: string }[]
  ).map((g) => g.name);
  assert.deepEqual(
    singleAlerts,
    ["hlab.certificates"],
    "one server: no quorum to watch, no VIP, no Longhorn",
  );
  assert.equal(cronIntervalSeconds("0 */6 * * *"), 6 * 3600);
  assert.equal(cronIntervalSeconds("30 3 * * 0"), 7 * 24 * 3600);
  assert.equal(cronIntervalSeconds("0 3,15 * * *"), 12 * 3600);
});

test("seed 000's migration: local-path becomes Longhorn, budgets and spreading appear, names stay", async () => {
  const before = docsOf(clusterFiles(await exampleModel(SEED000)));
  const after = docsOf(clusterFiles(await exampleModel("test/fixtures/cluster/seed000-three-nodes.yaml")));
  const key = (d: Doc): string =>
    `${String(d.doc.kind)}/${String(get(d.doc, "metadata.namespace") ?? "")}/${String(get(d.doc, "metadata.name"))}`;
  const afterKeys = new Set(after.map(key));
  assert.deepEqual(
    before.map(key).filter((k) => !afterKeys.has(k)),
    [],
    "every object of the single-node tree keeps its name",
  );
  const classes = (docs: Doc[]): Set<unknown> =>
    new Set(
      [
        ...walk([
          ...docs.map((d) => d.doc),
          ...ofKind(docs, "Application").flatMap((a) =>
            chartValues(docs, String(get(a.doc, "metadata.name"))),
          ),
        ]),
      ]
        .flatMap((o) => [o.storageClass, o.storageClassName])
        .filter((c) => c !== undefined),
    );
  assert.deepEqual([...classes(before)], ["local-path"]);
  assert.deepEqual([...classes(after)], ["longhorn"]);
  assert.equal(ofKind(before, "PodDisruptionBudget").length, 0, "one node: nothing to keep through a drain");
  assert.ok(
    ofKind(after, "PodDisruptionBudget").length >= 3,
    "three nodes: Argo CD's replicas keep running through a drain",
  );
  const [argoAfter] = chartValues(after, "argocd");
  assert.equal(get(argoAfter, "server.replicas"), 2);
  assert.ok(
    spreadsOverZones(argoAfter, {
      "app.kubernetes.io/name": "argocd-server",
      "app.kubernetes.io/instance": "argocd",
    }),
  );
  assert.ok(named(after, "Application", "longhorn"), "Longhorn joins the platform");
});

test("no secret value in the tree: every credential is a reference to a Secret from the encrypted store", async () => {
  const CREDENTIAL_KEY = /^(password|adminPassword|token|adminToken|secretKey|accessKey|PASSWD)$/i;
  for (const file of [...EXAMPLES, "test/fixtures/cluster/seed000-three-nodes.yaml"]) {
    const model = await exampleModel(file);
    const files = clusterFiles(model);
    const docs = docsOf(files);
    assert.deepEqual(ofKind(docs, "Secret"), [], "no Secret manifest is generated in the clear");
    const trees = [
      ...docs.map((d) => d.doc),
      ...ofKind(docs, "Application").flatMap((a) => chartValues(docs, String(get(a.doc, "metadata.name")))),
    ];
    for (const o of walk(trees)) {
      for (const [k, v] of Object.entries(o)) {
        if (CREDENTIAL_KEY.test(k) && typeof v === "string")
          assert.fail(`${exampleName(file)}: ${k}: ${v} is an inline credential`);
      }
    }
    // Every requested Kubernetes Secret is named by the manifests that need it.
    const text = files.map((f) => f.content).join("\n");
    for (const req of clusterGenerator.secrets!(model)) {
      assert.ok(req.kubernetes, `${req.name} is a Kubernetes Secret`);
      assert.ok(text.includes(req.kubernetes.name), `${req.kubernetes.name} is referenced`);
    }
  }
});

/** A spec that names the hlab its CI installs (gitops.hlab). */
const HLAB_SOURCE =
  "gitops:\n  hlab:\n    git: https://git.example.org/hlab/hlab.git\n    commit: 0123456789abcdef0123456789abcdef01234567\n";
const withHlab = (file: string): string => `${readFileSync(file, "utf8")}${HLAB_SOURCE}`;

test("the generated repository checks itself: its workflow installs the pinned hlab and runs `hlab check` on the spec copy, and that passes", async () => {
  for (const [file, workflow] of [
    [SEED000, ".forgejo/workflows/hlab.yaml"],
    [SEED004, ".gitea/workflows/hlab.yaml"],
  ] as const) {
    const text = withHlab(file);
    const files = clusterFiles(specModel(text));
    const flow = files.find((f) => f.path === workflow);
    assert.ok(flow, `${workflow} for ${exampleName(file)}`);
    const steps = get(parse(flow.content), "jobs.check.steps") as { run?: string; uses?: string }[];
    assert.ok(steps.some((s) => s.run === `${HLAB_CLI} check homelab.yaml`));
    assert.ok(
      steps.some((s) => s.run?.includes("checkout --quiet 0123456789abcdef0123456789abcdef01234567")),
      "hlab is installed at the spec's commit",
    );
    assert.ok(!flow.content.includes("npx"), "no unpublished package");
    assert.ok(steps.some((s) => s.run?.includes(`ansible-lint==${CI_TOOLS.ansibleLint}`)));
    const copy = files.find((f) => f.path === "homelab.yaml");
    assert.equal(copy?.content, text, "the spec travels with the tree, byte for byte");
    const dir = mkdtempSync(join(tmpdir(), "hlab-repo-"));
    try {
      writeFileSync(join(dir, "homelab.yaml"), copy.content);
      const r = await run(
        process.execPath,
        [join(process.cwd(), "dist/src/cli/bin.js"), "check", "homelab.yaml"],
        { cwd: dir, timeoutMs: 60_000 },
      );
      assert.equal(r.code, 0, r.stdout + r.stderr);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  // Without gitops.hlab the workflow runs the tool checks alone, and says so.
  const { files } = await build(SEED004);
  const flow = files.find((f) => f.path === ".gitea/workflows/hlab.yaml")!;
  assert.ok(!flow.content.includes(HLAB_CLI));
  assert.match(flow.content, /gitops\.hlab is not set/);
});

/** The workflow's hlab steps (check, rebuild, compare), run with this checkout's CLI as $HLAB. */
const HLAB_STEPS = [
  "Check the spec",
  "Rebuild in place from the spec",
  "The committed tree is what the spec builds",
];
function workflowSteps(content: string): string[] {
  const steps = get(parse(content), "jobs.check.steps") as { name?: string; run?: string }[];
  return HLAB_STEPS.map((n) => steps.find((s) => s.name === n)!.run!);
}

test("the workflow's steps pass on a freshly built repository, and fail once a generated file is edited by hand", async () => {
  const id = await testIdentity();
  const dir = await tempDir("hlab-ci-");
  try {
    const model = specModel(withHlab(SEED004));
    const built = await buildRepository(model, {
      outDir: dir,
      recipients: [id.recipient],
      now: new Date("2026-01-01T00:00:00Z"),
    });
    assert.equal(built.written, true, built.diagnostics.map((d) => d.message).join("; "));
    const git = async (...args: string[]): Promise<void> => {
      const r = await run("git", ["-c", "user.email=ci@example.org", "-c", "user.name=ci", ...args], {
        cwd: dir,
        timeoutMs: 60_000,
      });
      assert.equal(r.code, 0, r.stderr);
    };
    await git("init", "-q", "-b", "main");
    await git("add", "-A");
    await git("commit", "-qm", "hlab build");
    const steps = workflowSteps(readFileSync(join(dir, ".gitea/workflows/hlab.yaml"), "utf8"));
    assert.equal(steps.length, 3, "check, rebuild, compare");
    // The runner has no age key: every step must pass without one.
    const env = {
      ...process.env,
      SOPS_AGE_KEY_FILE: "/nonexistent",
      HLAB: join(process.cwd(), "dist/src/cli/bin.js"),
    };
    for (const step of steps) {
      const r = await run("sh", ["-c", step], { cwd: dir, env, timeoutMs: 120_000 });
      assert.equal(r.code, 0, `${step}\n${r.stdout}${r.stderr}`);
    }
    // Someone edits a generated file and pushes it: the rebuild puts it back, and the comparison fails.
    writeFileSync(join(dir, "cluster/apps/traefik.yaml"), "# edited by hand\n", { flag: "a" });
    await git("commit", "-qam", "a hand edit");
    const rebuild = await run("sh", ["-c", steps[1]!], { cwd: dir, env, timeoutMs: 120_000 });
    const compare = await run("sh", ["-c", steps[2]!], { cwd: dir, env, timeoutMs: 60_000 });
    assert.ok(
      rebuild.code !== 0 || compare.code !== 0,
      `a committed hand edit fails the check\n${rebuild.stdout}${rebuild.stderr}`,
    );
    assert.match(rebuild.stdout + rebuild.stderr + compare.stdout, /cluster\/apps\/traefik.yaml/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("a spec without Kubernetes gets no GitOps tree; the tree is the same on every build", async () => {
  const bare = specModel(
    "version: 1\nname: bare\nnetworks: { lan: { cidr: 10.0.0.0/24 } }\nhosts: { h: { kind: proxmox, cpu: 2, memory: 4GiB, address: { lan: 10.0.0.2 } } }\n",
  );
  assert.deepEqual(clusterFiles(bare), []);
  for (const file of EXAMPLES)
    assert.deepEqual(clusterFiles(await exampleModel(file)), clusterFiles(await exampleModel(file)));
});

test("the load-balancer pair outside the cluster is scraped, and alerts when it loses its spare", async () => {
  const text = readFileSync(SEED003, "utf8").replace("services:\n", "services:\n  prometheus: {}\n");
  const model = specModel(text);
  const docs = docsOf(clusterFiles(model));
  const values = chartValues(docs, "kube-prometheus-stack")[0]!;
  const scrape = get(values, "prometheus.prometheusSpec.additionalScrapeConfigs") as Obj[];
  assert.deepEqual(
    (get(scrape[0], "static_configs") as Obj[]).map((s) => [get(s, "targets"), get(s, "labels.guest")]),
    [
      [["192.168.1.6:8404"], "k3s-lb01"],
      [["192.168.1.7:8404"], "k3s-lb02"],
    ],
    "each guest's own stats endpoint, never the VIP",
  );
  const rules = (
    get(named(docs, "PrometheusRule", "hlab-plan")!.doc, "spec.groups") as {
      name: string;
      rules: { alert: string; expr: string; labels: { severity: string } }[];
    }[]
  ).find((g) => g.name === "hlab.loadbalancers")!.rules;
  const down = rules.find((r) => r.alert === "LoadBalancerDown")!;
  assert.equal(down.expr, 'up{job="hlab-haproxy",load_balancer="edge"} == 0');
  assert.equal(down.labels.severity, "warning", "a pair that lost one guest still serves: no page");
  assert.match(
    rules.find((r) => r.alert === "LoadBalancerBackendDegraded")!.expr,
    /proxy="edge_6443"\} < 3/,
    "three K3s servers behind the API frontend",
  );
  const egress = JSON.stringify(ofKind(docs, "NetworkPolicy").map((d) => d.doc));
  assert.ok(
    egress.includes("192.168.1.6/32") && egress.includes("192.168.1.7/32"),
    "Prometheus may reach them",
  );
});

test("gitops.repository: Argo CD reads the repository where the spec says, and the README says so", async () => {
  const url = "git@github.com:someone/homelab.git";
  const text = readFileSync(SEED004, "utf8").replace(
    /^services:/m,
    `gitops:\n  repository: ${url}\nservices:`,
  );
  const files = clusterFiles(specModel(text));
  const docs = docsOf(files);
  const root = ofKind(docs, "Application").map((d) => JSON.stringify(d.doc));
  assert.ok(root.some((t) => t.includes(`"repoURL":"${url}"`)));
  // The Git server's own URL may appear (its SLO probe), never as a repository Argo CD reads.
  assert.ok(!root.some((t) => /"repoURL":"[^"]*git\.home\.arpa/.test(t)), "no guessed URL left");
  assert.match(
    files.find((f) => f.path === "cluster/README.md")!.content,
    /Push this tree to the `main` branch of git@github/,
  );
});
