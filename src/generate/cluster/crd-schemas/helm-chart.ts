// helm.cattle.io/v1 HelmChart, from k3s-io/helm-controller's API reference (HelmChartSpec).
import {
  anyValue,
  bool,
  closed,
  customResource,
  enumOf,
  int,
  str,
  type Schema,
} from "./structural-schema.js";

const localRef = closed({ name: str });

const spec: Schema = closed({
  targetNamespace: str,
  createNamespace: bool,
  chart: str,
  version: str,
  repo: str,
  repoCA: str,
  repoCAConfigMap: localRef,
  set: { type: "object", additionalProperties: { intOrString: true } },
  values: anyValue,
  valuesContent: str,
  valuesSecrets: {
    type: "array",
    items: closed({ name: str, keys: { type: "array", items: str }, ignoreUpdates: bool }),
  },
  helmVersion: str,
  bootstrap: bool,
  takeOwnership: bool,
  chartContent: str,
  jobImage: str,
  backOffLimit: int,
  timeout: str,
  failurePolicy: enumOf("abort", "reinstall"),
  authSecret: localRef,
  authPassCredentials: bool,
  insecureSkipTLSVerify: bool,
  plainHTTP: bool,
  dockerRegistrySecret: localRef,
  podSecurityContext: anyValue,
  securityContext: anyValue,
  driver: enumOf("secret", "configmap"),
});

export const helmChart = customResource("helm.cattle.io/v1", "HelmChart", spec, {
  namespaced: true,
  specRequired: false,
});
