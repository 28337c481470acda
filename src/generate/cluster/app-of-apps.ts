// Argo CD Applications: one per service, each with its pinned charts and its folder of manifests, and
// the root Application that syncs the folder of Applications (the app-of-apps pattern).
import type { Model } from "../../model/model.js";
import type { Component, HelmSource, PodSecurityLevel } from "./component.js";
import { GIT_REVISION, gitRepoUrl } from "./git-repo.js";
import { kubeObject, type KubeObject } from "./manifest.js";
import { BOOTSTRAP_DIR } from "../../artifact/repo-layout.js";

export const ARGOCD_NAMESPACE = "argocd";
export const ROOT_APP = "root";
export const APPS_DIR = "cluster/apps";
export const SERVICES_DIR = "cluster/services";
/** A bootstrapped component's objects of kinds a chart serves: applied once those kinds exist. */
export const customResourcesFile = (name: string): string => `${name}.custom-resources.yaml`;

const IN_CLUSTER = "https://kubernetes.default.svc";

/**
 * Retried with back-off for about an hour and a half: on a fresh cluster an Application may wait for
 * CRDs or a StorageClass that another one installs; each converges once its dependency is there.
 */
const RETRY = { limit: 20, backoff: { duration: "15s", factor: 2, maxDuration: "5m" } };

function helmSource(appName: string, h: HelmSource): Record<string, unknown> {
  return {
    repoURL: h.pin.repo,
    chart: h.pin.chart,
    targetRevision: h.pin.version,
    helm: { releaseName: h.releaseName ?? appName, valuesObject: h.values },
  };
}

function gitSource(
  model: Model,
  c: Component,
  hasManifests: boolean,
  customResources: boolean,
): Record<string, unknown>[] {
  const repoURL = gitRepoUrl(model);
  if (c.bootstrap) {
    // Argo CD's include is a glob; `{a,b}` takes either file (docs/user-guide/directory.md, v3.4.4).
    const include = customResources ? `{${c.name}.yaml,${customResourcesFile(c.name)}}` : `${c.name}.yaml`;
    return [{ repoURL, targetRevision: GIT_REVISION, path: BOOTSTRAP_DIR, directory: { include } }];
  }
  return hasManifests ? [{ repoURL, targetRevision: GIT_REVISION, path: `${SERVICES_DIR}/${c.name}` }] : [];
}

export const podSecurityLabels = (level: PodSecurityLevel): Record<string, string> => ({
  "pod-security.kubernetes.io/enforce": level,
  "pod-security.kubernetes.io/warn": level,
});

/**
 * The Application of one component. Bootstrap components are installed by K3s' Helm controller, so
 * their Application manages the HelmChart object (in Git) rather than a second copy of the chart.
 */
export function application(
  model: Model,
  c: Component,
  hasManifests: boolean,
  namespaceLevel: PodSecurityLevel | undefined,
  customResources = false,
): KubeObject {
  const sources = [
    ...(c.bootstrap ? [] : c.charts.map((h) => helmSource(c.name, h))),
    ...gitSource(model, c, hasManifests, customResources),
  ];
  const source = sources.length === 1 ? { source: sources[0] } : { sources };
  return kubeObject(
    "argoproj.io/v1alpha1",
    "Application",
    {
      name: c.name,
      namespace: ARGOCD_NAMESPACE,
      annotations: { "argocd.argoproj.io/sync-wave": String(c.wave) },
    },
    {
      spec: {
        project: "default",
        ...source,
        destination: { server: IN_CLUSTER, namespace: c.namespace },
        syncPolicy: {
          automated: { prune: true, selfHeal: true },
          // The namespace's owner labels it; a bootstrap file declares its Namespace itself.
          ...(c.bootstrap || !namespaceLevel
            ? {}
            : { managedNamespaceMetadata: { labels: podSecurityLabels(namespaceLevel) } }),
          syncOptions: [
            ...(c.bootstrap ? [] : ["CreateNamespace=true"]),
            "ServerSideApply=true",
            "SkipDryRunOnMissingResource=true",
          ],
          retry: RETRY,
        },
      },
    },
  );
}

/** The root of the app-of-apps: everything under cluster/apps, pruned when a service leaves the spec. */
export function rootApplication(model: Model): KubeObject {
  return kubeObject(
    "argoproj.io/v1alpha1",
    "Application",
    { name: ROOT_APP, namespace: ARGOCD_NAMESPACE },
    {
      spec: {
        project: "default",
        source: {
          repoURL: gitRepoUrl(model),
          targetRevision: GIT_REVISION,
          path: APPS_DIR,
          directory: { recurse: false },
        },
        destination: { server: IN_CLUSTER, namespace: ARGOCD_NAMESPACE },
        syncPolicy: { automated: { prune: true, selfHeal: true }, retry: RETRY },
      },
    },
  );
}
