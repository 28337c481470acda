// Walks every example's bootstrap playbooks as an API server would see them: a fresh K3s serves its
// built-in kinds; a chart's kinds are served once its HelmChart is applied, its helm-install Job has
// completed (wait_chart), its CRDs are Established and, for webhook-validated kinds, the webhook's
// workload has rolled out. Every object applied, and every kind a HelmChart's chart renders for its
// values, must be served at that point; every wait must be for something that will happen.
import assert from "node:assert/strict";
import { test } from "node:test";
import { parse, parseAllDocuments } from "yaml";
import {
  chartKinds,
  K3S_KINDS,
  K3S_TRAEFIK_KINDS,
  kindOf,
  type ApiKind,
} from "../../src/generate/cluster/api-kinds.js";
import { objectRef, type KubeObject } from "../../src/generate/cluster/manifest.js";
import { renderRepository } from "../../src/pipeline/build.js";
import { EXAMPLES, exampleModel, exampleName, fixedContext } from "./fixtures.js";

interface Release {
  chart: string;
  namespace: string;
  values: Record<string, unknown>;
}

/** The state of the cluster while the scripts run, and what went wrong. */
class Cluster {
  readonly problems: string[] = [];
  private readonly charts = new Map<string, Release>();
  private readonly installed = new Set<string>();
  private readonly established = new Set<string>();
  private readonly rolledOut = new Set<string>();

  constructor(private readonly files: Map<string, string>) {}

  served(kind: ApiKind): boolean {
    if (K3S_KINDS.has(kind)) return true;
    for (const release of this.installed) {
      const r = this.charts.get(release)!;
      const facts = chartKinds(r.chart);
      const crd = facts?.crds[kind];
      if (!crd || !this.established.has(crd)) continue;
      const webhook = facts.webhook?.(release);
      return !webhook || this.rolledOut.has(`${r.namespace}/${webhook}`);
    }
    return false;
  }

  apply(script: string, file: string): void {
    const text = this.files.get(file);
    if (text === undefined) {
      this.problems.push(`${script} applies ${file}, which is not generated`);
      return;
    }
    for (const doc of parseAllDocuments(text)) {
      const o = doc.toJS() as KubeObject | null;
      if (!o) continue;
      const kind = kindOf(o);
      if (!this.served(kind))
        this.problems.push(`${script}: ${file} applies ${objectRef(o)} before ${kind} is served`);
      if (kind === "helm.cattle.io/HelmChart") this.helmChart(script, file, o);
    }
  }

  /** The Helm controller starts the install at once: whatever the chart renders must be served now. */
  private helmChart(script: string, file: string, o: KubeObject): void {
    const spec = o["spec"] as { chart: string; targetNamespace: string; valuesContent: string };
    const chart = spec.chart.split("/").pop()!;
    const values = (parseAllDocuments(spec.valuesContent)[0]?.toJS() ?? {}) as Record<string, unknown>;
    const facts = chartKinds(chart);
    for (const kind of facts?.renders(values) ?? [])
      if (!(kind in facts!.crds) && !this.served(kind))
        this.problems.push(
          `${script}: ${file} installs chart ${chart}, which renders ${kind} before it is served`,
        );
    this.charts.set(o.metadata.name, { chart, namespace: spec.targetNamespace, values });
  }

  waitChart(script: string, release: string): void {
    if (!this.charts.has(release))
      this.problems.push(`${script} waits for HelmChart ${release}, never applied`);
    else this.installed.add(release);
  }

  waitCrds(script: string, crds: string[]): void {
    for (const crd of crds) {
      const owner = [...this.installed].some((r) =>
        Object.values(chartKinds(this.charts.get(r)!.chart)?.crds ?? {}).includes(crd),
      );
      if (!owner) this.problems.push(`${script} waits for crd/${crd}, which no installed chart brings`);
      else this.established.add(crd);
    }
  }

  rollout(namespace: string, workload: string): void {
    this.rolledOut.add(`${namespace}/${workload}`);
  }
}

type Task = { name: string; [module: string]: unknown };
type K8sArgs = { src?: string; definition?: unknown; kind?: string; name?: string; namespace?: string };

const REPO_PREFIX = "{{ playbook_dir }}/../";

/** Walks a playbook's tasks in order, as the API server sees them; returns the files applied. */
function walk(cluster: Cluster, path: string, playbook: string): string[] {
  const applied: string[] = [];
  const plays = parse(playbook) as { tasks: Task[] }[];
  for (const task of plays.flatMap((p) => p.tasks)) {
    const apply = task["kubernetes.core.k8s"] as K8sArgs | undefined;
    const info = task["kubernetes.core.k8s_info"] as K8sArgs | undefined;
    if (apply?.src) {
      applied.push(apply.src.replace(REPO_PREFIX, ""));
      cluster.apply(path, applied.at(-1)!);
    } else if (apply) assert.ok(apply.definition, `${path}: ${task.name}: neither a file nor a definition`);
    else if (info?.kind === "Job") cluster.waitChart(path, info.name!.replace(/^helm-install-/, ""));
    else if (info?.kind === "CustomResourceDefinition") cluster.waitCrds(path, [info.name!]);
    else if (info) cluster.rollout(info.namespace!, `${info.kind!.toLowerCase()}/${info.name!}`);
    else
      assert.ok(
        !Object.keys(task).some((k) => k.startsWith("kubernetes.core.")),
        `${path}: a task the walk does not know: ${task.name}`,
      );
  }
  return applied;
}

for (const file of EXAMPLES) {
  test(`${exampleName(file)}: the bootstrap applies no object before its kind is served`, async () => {
    const model = await exampleModel(file);
    const files = new Map(renderRepository(model, fixedContext(model)).map((f) => [f.path, f.content]));
    const cluster = new Cluster(files);
    const applied = ["ansible/4-storage-network.yml", "ansible/5-gitops.yml"].flatMap((path) =>
      files.has(path) ? walk(cluster, path, files.get(path)!) : [],
    );
    assert.deepEqual(cluster.problems, []);
    // Every bootstrap file is applied: none is left for an Argo CD that reads Git from what it holds.
    for (const p of files.keys()) if (p.startsWith("cluster/bootstrap/")) assert.ok(applied.includes(p), p);
  });
}

for (const file of EXAMPLES) {
  test(`${exampleName(file)}: Argo CD judges child Applications' health, so their sync waves order them`, async () => {
    const model = await exampleModel(file);
    const files = renderRepository(model, fixedContext(model));
    const waves = files.filter(
      (f) => f.path.startsWith("cluster/apps/") && f.content.includes("argocd.argoproj.io/sync-wave"),
    );
    if (!waves.length) return;
    const chart = parseAllDocuments(files.find((f) => f.path === "cluster/bootstrap/argocd.yaml")!.content)
      .map((d) => d.toJS() as KubeObject)
      .find((o) => o.kind === "HelmChart")!;
    const values = parseAllDocuments(
      (chart["spec"] as { valuesContent: string }).valuesContent,
    )[0]!.toJS() as {
      configs?: { cm?: Record<string, string> };
    };
    const lua = values.configs?.cm?.["resource.customizations.health.argoproj.io_Application"];
    assert.ok(lua, "argocd-cm has a health check for argoproj.io/Application");
    assert.match(lua, /hs\.status = obj\.status\.health\.status/);
  });
}

interface AppSource {
  chart?: string;
  path?: string;
  directory?: { include?: string };
  helm?: { valuesObject?: Record<string, unknown> };
}

// Argo CD syncs by wave and retries; a kind must come from K3s, the bootstrap (before every wave), or
// the chart of an Application of a lower wave (its own chart syncs its CRDs first).
for (const file of EXAMPLES) {
  test(`${exampleName(file)}: every Application's kinds are served by K3s, the bootstrap or an Application of a lower wave`, async () => {
    const model = await exampleModel(file);
    const files = renderRepository(model, fixedContext(model));
    const docs = (path: string): KubeObject[] =>
      parseAllDocuments(files.find((f) => f.path === path)?.content ?? "")
        .map((d) => d.toJS() as KubeObject | null)
        .filter((o): o is KubeObject => o !== null);
    const servedAt = new Map<ApiKind, number>();
    const serve = (chart: string, wave: number): void => {
      for (const kind of Object.keys(chartKinds(chart)?.crds ?? {}))
        servedAt.set(kind, Math.min(servedAt.get(kind) ?? Infinity, wave));
    };
    for (const f of files.filter((x) => x.path.startsWith("cluster/bootstrap/")))
      for (const o of docs(f.path))
        if (o.kind === "HelmChart")
          serve((o["spec"] as { chart: string }).chart.split("/").pop()!, -Infinity);
    if (!files.some((f) => f.path === "cluster/apps/traefik.yaml"))
      for (const kind of K3S_TRAEFIK_KINDS) servedAt.set(kind, -Infinity);
    const apps = files
      .filter((f) => f.path.startsWith("cluster/apps/"))
      .map((f) => docs(f.path)[0]!)
      .map((app) => {
        const spec = app["spec"] as { source?: AppSource; sources?: AppSource[] };
        const wave = Number(app.metadata.annotations?.["argocd.argoproj.io/sync-wave"] ?? 0);
        return { name: app.metadata.name, wave, sources: spec.sources ?? (spec.source ? [spec.source] : []) };
      });
    for (const app of apps) for (const s of app.sources) if (s.chart) serve(s.chart, app.wave);
    const problems: string[] = [];
    for (const app of apps) {
      const own = new Set(app.sources.flatMap((s) => Object.keys(chartKinds(s.chart ?? "")?.crds ?? {})));
      const needs: [ApiKind, string][] = [];
      for (const s of app.sources) {
        if (s.chart)
          for (const k of chartKinds(s.chart)?.renders(s.helm?.valuesObject ?? {}) ?? [])
            needs.push([k, `chart ${s.chart} renders it`]);
        if (s.path?.startsWith("cluster/services/"))
          for (const f of files.filter((x) => x.path.startsWith(`${s.path}/`)))
            for (const o of docs(f.path)) needs.push([kindOf(o), `${f.path} holds ${objectRef(o)}`]);
      }
      for (const [kind, why] of needs) {
        if (K3S_KINDS.has(kind) || own.has(kind)) continue;
        const at = servedAt.get(kind);
        if (at === undefined) problems.push(`${app.name}: ${why}, a kind nothing installs: ${kind}`);
        else if (at >= app.wave)
          problems.push(`${app.name} (wave ${app.wave}): ${why}, ${kind} comes at wave ${at}`);
      }
    }
    assert.deepEqual(problems, []);
  });
}
