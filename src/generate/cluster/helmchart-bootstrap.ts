// What must exist before GitOps can run is installed by K3s itself: HelmChart objects are installed by
// K3s' Helm controller, no Argo CD needed. Argo CD then adopts the same files from Git, so upgrading
// Argo CD, MetalLB or the Git server is a commit like any other.
import type { HelmSource } from "./component.js";
import { kubeObject, toYaml, type KubeObject } from "./manifest.js";

export const HELM_CONTROLLER_NAMESPACE = "kube-system";

/** The HelmChart that installs one chart; its name is the Helm release name. */
export function helmChart(name: string, targetNamespace: string, h: HelmSource): KubeObject {
  // The Helm controller takes an OCI chart as a full oci:// reference, without a repository.
  const source = h.pin.oci
    ? { chart: `oci://${h.pin.repo}/${h.pin.chart}` }
    : { repo: h.pin.repo, chart: h.pin.chart };
  return kubeObject(
    "helm.cattle.io/v1",
    "HelmChart",
    { name: h.releaseName ?? name, namespace: HELM_CONTROLLER_NAMESPACE },
    {
      spec: {
        ...source,
        version: h.pin.version,
        targetNamespace,
        createNamespace: true,
        valuesContent: toYaml(h.values),
      },
    },
  );
}
