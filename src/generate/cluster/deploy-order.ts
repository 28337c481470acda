// The order of the bootstrap: every file the bootstrap scripts apply, and the waits between them, so
// that no object reaches the API server before its kind is served. A kind is served by K3s from the
// start, or by a bootstrapped chart once K3s' Helm controller has installed it (its helm-install Job
// completed), its CRD is Established and, for kinds an admission webhook validates, the webhook's
// workload has rolled out. A HelmChart needs every kind its chart renders (Helm refuses a release
// with an unknown kind), so a chart that ships a ServiceMonitor comes after the Prometheus CRDs.
// Everything the bootstrap needs is served by the bootstrap itself: Argo CD reads its repository
// from the bootstrapped Git server, so nothing here may wait for an Application to sync.
import type { Model } from "../../model/model.js";
import { chartKinds, K3S_KINDS, kindOf, type ApiKind } from "./api-kinds.js";
import { ARGOCD_NAMESPACE, ROOT_APP, rootApplication } from "./app-of-apps.js";
import { bootstrapUnits, ROOT_APP_PATH, type BootstrapUnit } from "./cluster.js";

export type Step =
  | { op: "apply"; file: string }
  /** K3s' Helm controller has run the chart's install Job to completion (kube-system/helm-install-<release>). */
  | { op: "wait-chart"; release: string }
  | { op: "wait-crds"; crds: string[] }
  | { op: "wait-rollout"; namespace: string; workload: string };

/** The two bootstrap phases: storage and network (4), then GitOps (5). */
export interface BootstrapOrder {
  storageNetwork: Step[];
  gitops: Step[];
}

/** Components phase 4 installs, with whatever serves the kinds they need. */
const STORAGE_NETWORK = ["metallb", "longhorn"];

interface Provider {
  component: string;
  release: string;
  namespace: string;
  crd: string;
  webhook?: string;
}

interface Apply {
  component: string;
  file: string;
  needs: ApiKind[];
  /** The component's file with its HelmCharts: once applied, its charts' kinds can be waited for. */
  charts: boolean;
}

/** Who serves each chart-provided kind among the bootstrapped charts. */
function providers(units: readonly BootstrapUnit[]): Map<ApiKind, Provider> {
  const out = new Map<ApiKind, Provider>();
  for (const u of units)
    for (const h of u.charts) {
      const facts = chartKinds(h.source.pin.chart);
      if (!facts) continue;
      const release = h.object.metadata.name;
      for (const [kind, crd] of Object.entries(facts.crds))
        out.set(kind, {
          component: u.component.name,
          release,
          namespace: u.component.namespace,
          crd,
          ...(facts.webhook ? { webhook: facts.webhook(release) } : {}),
        });
    }
  return out;
}

/** The kinds a bootstrap unit's charts render beyond their own CRDs. */
function renderedNeeds(u: BootstrapUnit): ApiKind[] {
  return u.charts.flatMap((h) => {
    const facts = chartKinds(h.source.pin.chart);
    return facts ? facts.renders(h.source.values).filter((k) => !(k in facts.crds)) : [];
  });
}

const objectNeeds = (objects: readonly { apiVersion: string; kind: string }[]): ApiKind[] =>
  objects.map(kindOf).filter((k) => !K3S_KINDS.has(k));

function applies(units: readonly BootstrapUnit[]): Apply[] {
  const out: Apply[] = [];
  for (const u of units) {
    const name = u.component.name;
    out.push({
      component: name,
      file: u.main.path,
      needs: [...renderedNeeds(u), ...objectNeeds(u.main.objects)],
      charts: true,
    });
    if (u.customResources)
      out.push({
        component: name,
        file: u.customResources.path,
        needs: objectNeeds(u.customResources.objects),
        charts: false,
      });
  }
  return out;
}

/** Phase 4's components and, transitively, the components that serve what they need. */
function storageNetworkClosure(all: readonly Apply[], serve: Map<ApiKind, Provider>): Set<string> {
  const set = new Set(STORAGE_NETWORK.filter((n) => all.some((a) => a.component === n)));
  for (let grew = true; grew;) {
    grew = false;
    for (const a of all)
      if (set.has(a.component))
        for (const k of a.needs) {
          const p = serve.get(k);
          if (p && !set.has(p.component)) {
            set.add(p.component);
            grew = true;
          }
        }
  }
  return set;
}

/** Emits the applies of one phase, each after the waits its kinds need, charts as early as they can go. */
class Sequencer {
  private readonly applied = new Set<string>();
  private readonly waited = new Set<string>();

  constructor(private readonly serve: Map<ApiKind, Provider>) {}

  private providerOf(a: Apply, kind: ApiKind): Provider {
    const p = this.serve.get(kind);
    if (!p) throw new Error(`${a.file} needs ${kind}, which no bootstrapped chart serves`);
    return p;
  }

  private waitsFor(a: Apply): Step[] {
    const steps: Step[] = [];
    const crds: string[] = [];
    const rollouts: Step[] = [];
    const seen = new Set(this.waited);
    for (const kind of a.needs) {
      const p = this.providerOf(a, kind);
      const chartKey = `chart:${p.release}`;
      if (!seen.has(chartKey)) {
        seen.add(chartKey);
        steps.push({ op: "wait-chart", release: p.release });
      }
      if (!seen.has(`crd:${p.crd}`)) {
        seen.add(`crd:${p.crd}`);
        crds.push(p.crd);
      }
      if (p.webhook && !seen.has(`rollout:${p.webhook}`)) {
        seen.add(`rollout:${p.webhook}`);
        rollouts.push({ op: "wait-rollout", namespace: p.namespace, workload: p.webhook });
      }
    }
    if (crds.length) steps.push({ op: "wait-crds", crds: crds.sort() });
    return [...steps, ...rollouts];
  }

  private ready(a: Apply): boolean {
    return a.needs.every((k) => this.applied.has(this.providerOf(a, k).component));
  }

  private record(steps: readonly Step[]): void {
    for (const s of steps) {
      if (s.op === "wait-chart") this.waited.add(`chart:${s.release}`);
      if (s.op === "wait-crds") for (const c of s.crds) this.waited.add(`crd:${c}`);
      if (s.op === "wait-rollout") this.waited.add(`rollout:${s.workload}`);
    }
  }

  phase(pending: Apply[], phaseName: string): Step[] {
    const out: Step[] = [];
    const left = [...pending];
    while (left.length) {
      const ready = left.filter((a) => this.ready(a));
      // Charts that need no wait go first, so the Helm controller installs them side by side.
      const pick =
        ready.find((a) => this.waitsFor(a).length === 0) ?? ready.find((a) => a.charts) ?? ready[0];
      if (!pick) {
        const stuck = left.map((a) => `${a.file} (needs ${a.needs.join(", ")})`).join("; ");
        throw new Error(`the ${phaseName} phase cannot order its files: ${stuck}`);
      }
      const waits = this.waitsFor(pick);
      this.record(waits);
      out.push(...waits, { op: "apply", file: pick.file });
      if (pick.charts) this.applied.add(pick.component);
      left.splice(left.indexOf(pick), 1);
    }
    return out;
  }
}

/** The bootstrap of a model, phase by phase. Empty phases when there is no Kubernetes. */
export function bootstrapOrder(model: Model): BootstrapOrder {
  if (!model.kubernetes) return { storageNetwork: [], gitops: [] };
  const units = bootstrapUnits(model);
  const serve = providers(units);
  const all = applies(units);
  const phase4 = storageNetworkClosure(all, serve);
  const root: Apply = {
    component: ROOT_APP,
    file: ROOT_APP_PATH,
    needs: objectNeeds([rootApplication(model)]),
    charts: false,
  };
  const seq = new Sequencer(serve);
  const storageNetwork = seq.phase(
    all.filter((a) => phase4.has(a.component)),
    "storage and network",
  );
  const gitops = seq.phase([...all.filter((a) => !phase4.has(a.component)), root], "GitOps");
  return { storageNetwork, gitops };
}

/** Argo CD's API server, rolled out: the end of the bootstrap. */
export const ARGOCD_SERVER = { namespace: ARGOCD_NAMESPACE, workload: "deployment/argocd-server" };
