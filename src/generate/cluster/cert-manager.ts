// cert-manager and the lab's own certificate authority. Lab host names (home.arpa and the like) are not
// publicly resolvable, so ACME cannot issue for them: a self-signed root signs a CA, and the CA issues
// every Ingress certificate. Import the CA once into browsers (cluster/README.md says how).
import type { Model } from "../../model/model.js";
import { component, type Component, type Workload } from "./component.js";
import { resources, zoneSpread } from "./hardening.js";
import { CLUSTER_ISSUER } from "./ingress.js";
import { kubeObject, type KubeObject } from "./manifest.js";
import { fromApiServer, toApiServer } from "./network-policy.js";
import { findService, monitoringEnabled, resourcesOf } from "./service-facts.js";
import { chartPin } from "./versions.js";

export const CERT_MANAGER_NAMESPACE = "cert-manager";
const RELEASE = "cert-manager";
const WEBHOOK_PORT = 10250;
const SELF_SIGNED = "hlab-selfsigned";
export const ROOT_CA_SECRET = "hlab-root-ca";

const selector = (component: string): Record<string, string> => ({
  "app.kubernetes.io/name": component === "controller" ? "cert-manager" : component,
  "app.kubernetes.io/instance": RELEASE,
  "app.kubernetes.io/component": component,
});

function issuers(model: Model): KubeObject[] {
  const selfSigned = kubeObject(
    "cert-manager.io/v1",
    "ClusterIssuer",
    { name: SELF_SIGNED },
    { spec: { selfSigned: {} } },
  );
  const rootCa = kubeObject(
    "cert-manager.io/v1",
    "Certificate",
    { name: ROOT_CA_SECRET, namespace: CERT_MANAGER_NAMESPACE },
    {
      spec: {
        isCA: true,
        commonName: `${model.name} lab CA`,
        secretName: ROOT_CA_SECRET,
        duration: "87600h",
        renewBefore: "720h",
        privateKey: { algorithm: "ECDSA", size: 256 },
        issuerRef: { name: SELF_SIGNED, kind: "ClusterIssuer", group: "cert-manager.io" },
      },
    },
  );
  const ca = kubeObject(
    "cert-manager.io/v1",
    "ClusterIssuer",
    { name: CLUSTER_ISSUER },
    { spec: { ca: { secretName: ROOT_CA_SECRET } } },
  );
  return [selfSigned, rootCa, ca];
}

export function certManagerComponent(model: Model): Component {
  const svc = findService(model, "cert-manager");
  const replicas = svc?.replicas ?? 1;
  const res = resources(resourcesOf(svc, "cert-manager"));
  const c = component("cert-manager", CERT_MANAGER_NAMESPACE, -2, "baseline");
  const controller: Workload = { name: "cert-manager", selector: selector("controller"), replicas };
  const webhook: Workload = { name: "cert-manager-webhook", selector: selector("webhook"), replicas };
  c.workloads = [controller, webhook];
  c.charts.push({
    pin: chartPin("cert-manager", svc?.version),
    releaseName: RELEASE,
    values: {
      crds: { enabled: true, keep: true },
      replicaCount: replicas,
      resources: res,
      topologySpreadConstraints: zoneSpread(controller.selector),
      webhook: {
        replicaCount: replicas,
        resources: res,
        topologySpreadConstraints: zoneSpread(webhook.selector),
      },
      cainjector: { resources: res },
      prometheus: { enabled: true, servicemonitor: { enabled: monitoringEnabled(model) } },
    },
  });
  c.manifests["issuers"] = issuers(model);
  c.network.push(fromApiServer(model, WEBHOOK_PORT), toApiServer(model));
  return c;
}
