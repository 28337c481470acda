// argoproj.io/v1alpha1 Application, from argo-cd manifests/crds/application-crd.yaml (v3.4): spec needs
// destination and project; every source needs repoURL; Helm values as a free-form valuesObject.
import {
  bool,
  closed,
  customResource,
  int,
  str,
  stringMap,
  strings,
  type Schema,
} from "./structural-schema.js";

const helm = closed(
  {
    releaseName: str,
    valuesObject: { type: "object", anyValue: true },
    values: str,
    valueFiles: strings,
    skipCrds: bool,
    namespace: str,
  },
  [],
  [
    "apiVersions",
    "fileParameters",
    "ignoreMissingValueFiles",
    "kubeVersion",
    "parameters",
    "passCredentials",
    "skipSchemaValidation",
    "skipTests",
    "version",
  ],
);

const directory = closed(
  { recurse: bool, include: str, exclude: str },
  [],
  ["jsonnet", "disableExtensionFilter"],
);

const source = closed(
  { repoURL: str, targetRevision: str, chart: str, path: str, helm, directory },
  ["repoURL"],
  ["kustomize", "name", "plugin", "ref", "tagPrefix"],
);

const syncPolicy = closed({
  automated: closed({ prune: bool, selfHeal: bool, allowEmpty: bool, enabled: bool }),
  syncOptions: strings,
  retry: closed({
    limit: int,
    refresh: bool,
    backoff: closed({ duration: str, factor: int, maxDuration: str }),
  }),
  managedNamespaceMetadata: closed({ labels: stringMap, annotations: stringMap }),
});

const spec: Schema = closed(
  {
    project: str,
    destination: closed({ server: str, namespace: str, name: str }),
    source,
    sources: { type: "array", items: source, minItems: 1 },
    syncPolicy,
    revisionHistoryLimit: int,
  },
  ["destination", "project"],
  ["ignoreDifferences", "info", "sourceHydrator"],
);

export const application = customResource("argoproj.io/v1alpha1", "Application", spec, {
  namespaced: true,
  specRequired: true,
});
