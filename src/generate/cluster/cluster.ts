// The GitOps tree for Argo CD, from the same model as the rest of the build:
//   cluster/bootstrap/  what must run before GitOps can (MetalLB and its pools, Longhorn, the monitoring
//                       CRDs, Argo CD, the Git server Argo CD reads, the root app), installed by K3s'
//                       Helm controller from HelmChart objects the bootstrap scripts apply
//   cluster/apps/       one Argo CD Application per service (the root app syncs this folder)
//   cluster/services/   each service's own manifests, one file per concern
// plus the repository's CI workflow and a copy of the spec. The hardening every service shares (its
// namespace's NetworkPolicies, disruption budgets, Ingress with TLS) is added here, once.
import type { Model } from "../../model/model.js";
import type { GeneratedFile, Generator } from "../../artifact/artifact.js";
import { BOOTSTRAP_DIR } from "../../artifact/repo-layout.js";
import {
  application,
  customResourcesFile,
  APPS_DIR,
  podSecurityLabels,
  rootApplication,
  SERVICES_DIR,
} from "./app-of-apps.js";
import { ciWorkflow } from "./ci-workflow.js";
import type { Component, HelmSource, PodSecurityLevel } from "./component.js";
import { K3S_KINDS, kindOf } from "./api-kinds.js";
import { podDisruptionBudget } from "./hardening.js";
import { helmChart } from "./helmchart-bootstrap.js";
import { ingress } from "./ingress.js";
import { kubeObject, manifestFile, type KubeObject } from "./manifest.js";
import { fromIngressController, namespaceBaseline, networkPolicy } from "./network-policy.js";
import { platformComponents, platformSecrets } from "./platform.js";
import { clusterReadme } from "./readme.js";
import { monitoringEnabled } from "./service-facts.js";
import { specCopy } from "./spec-copy.js";

const LEVELS: PodSecurityLevel[] = ["restricted", "baseline", "privileged"];

/** A namespace shared by several services gets the most permissive level any of them needs. */
function namespaceLevels(components: readonly Component[]): Map<string, PodSecurityLevel> {
  const levels = new Map<string, PodSecurityLevel>();
  for (const c of components) {
    const prev = levels.get(c.namespace);
    if (!prev || LEVELS.indexOf(c.podSecurity) > LEVELS.indexOf(prev)) levels.set(c.namespace, c.podSecurity);
  }
  return levels;
}

/** The manifests a component gets from the shared hardening, by concern. */
function hardening(model: Model, c: Component, ownsNamespace: boolean): Record<string, KubeObject[]> {
  const out: Record<string, KubeObject[]> = {};
  const webPorts = c.web.map((w) => w.podPort);
  const rules = [...(webPorts.length ? [fromIngressController(model, webPorts)] : []), ...c.network];
  const policies = [
    ...(ownsNamespace ? namespaceBaseline(c.namespace, monitoringEnabled(model)) : []),
    ...(rules.length ? [networkPolicy(`allow-${c.name}`, c.namespace, rules)] : []),
  ];
  if (policies.length) out["network-policies"] = policies;
  const budgets = c.workloads
    .map((w) => podDisruptionBudget(c.namespace, w))
    .filter((p): p is KubeObject => p !== undefined);
  if (budgets.length) out["disruption-budgets"] = budgets;
  if (c.web.length) out["ingress"] = c.web.map((w) => ingress(model, c.namespace, w));
  return out;
}

const byConcern = (manifests: Record<string, KubeObject[]>): [string, KubeObject[]][] =>
  Object.entries(manifests)
    .filter(([, objects]) => objects.length > 0)
    .sort(([a], [b]) => a.localeCompare(b));

/**
 * What one bootstrapped component applies, in two files: `<name>.yaml` (its namespace when it owns it,
 * its HelmCharts, every manifest of a kind K3s serves) and, when there are any, the objects of kinds a
 * chart serves in `<name>.custom-resources.yaml`, applied once those kinds exist (deploy-order.ts).
 */
export interface BootstrapUnit {
  component: Component;
  /** The HelmChart objects and their sources, by release name. */
  charts: { object: KubeObject; source: HelmSource }[];
  main: { path: string; objects: KubeObject[] };
  customResources?: { path: string; objects: KubeObject[] };
}

export const ROOT_APP_PATH = `${BOOTSTRAP_DIR}/root.yaml`;

function bootstrapUnit(
  c: Component,
  manifests: Record<string, KubeObject[]>,
  level: PodSecurityLevel | undefined,
): BootstrapUnit {
  const namespace = level
    ? [kubeObject("v1", "Namespace", { name: c.namespace, labels: podSecurityLabels(level) }, {})]
    : [];
  const charts = c.charts.map((h) => ({ object: helmChart(c.name, c.namespace, h), source: h }));
  const objects = byConcern(manifests).flatMap(([, o]) => o);
  const builtIn = objects.filter((o) => K3S_KINDS.has(kindOf(o)));
  const custom = objects.filter((o) => !K3S_KINDS.has(kindOf(o)));
  return {
    component: c,
    charts,
    main: {
      path: `${BOOTSTRAP_DIR}/${c.name}.yaml`,
      objects: [...namespace, ...charts.map((h) => h.object), ...builtIn],
    },
    ...(custom.length
      ? { customResources: { path: `${BOOTSTRAP_DIR}/${customResourcesFile(c.name)}`, objects: custom } }
      : {}),
  };
}

interface Placed {
  component: Component;
  manifests: Record<string, KubeObject[]>;
  level: PodSecurityLevel | undefined;
}

function placeComponents(model: Model): Placed[] {
  const components = platformComponents(model);
  const levels = namespaceLevels(components);
  const owners = new Set<string>();
  return components.map((c) => {
    const owns = !owners.has(c.namespace);
    owners.add(c.namespace);
    // Only the namespace's first component labels it: two Applications must not both manage one Namespace.
    const level = owns ? (levels.get(c.namespace) ?? c.podSecurity) : undefined;
    return { component: c, manifests: { ...c.manifests, ...hardening(model, c, owns) }, level };
  });
}

/** Every bootstrapped component's files, in platform order. */
export const bootstrapUnits = (model: Model): BootstrapUnit[] =>
  placeComponents(model)
    .filter((p) => p.component.bootstrap)
    .map((p) => bootstrapUnit(p.component, p.manifests, p.level));

export function clusterFiles(model: Model): GeneratedFile[] {
  const placed = placeComponents(model);
  if (placed.length === 0) return [];
  const files: GeneratedFile[] = [];
  for (const { component: c, manifests, level } of placed) {
    const concerns = byConcern(manifests);
    let customResources = false;
    if (c.bootstrap) {
      const unit = bootstrapUnit(c, manifests, level);
      files.push(manifestFile(model, unit.main.path, unit.main.objects));
      if (unit.customResources) {
        customResources = true;
        files.push(manifestFile(model, unit.customResources.path, unit.customResources.objects));
      }
    } else
      for (const [concern, objects] of concerns)
        files.push(manifestFile(model, `${SERVICES_DIR}/${c.name}/${concern}.yaml`, objects));
    files.push(
      manifestFile(model, `${APPS_DIR}/${c.name}.yaml`, [
        application(model, c, concerns.length > 0, level, customResources),
      ]),
    );
  }
  files.push(manifestFile(model, ROOT_APP_PATH, [rootApplication(model)]));
  files.push(
    clusterReadme(
      model,
      placed.map((p) => p.component),
    ),
    ...ciWorkflow(model),
    ...specCopy(model),
  );
  return files;
}

export const clusterGenerator: Generator = {
  name: "cluster",
  secrets: platformSecrets,
  generate: (model) => clusterFiles(model),
};
