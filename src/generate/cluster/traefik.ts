// Traefik, the one ingress controller. How traffic reaches it follows the spec's ingress:
// - via metallb: a Deployment behind a LoadBalancer Service holding the ingress address;
// - via the HAProxy pair, kube-vip or a node: a DaemonSet on host ports 80/443 of every node, so
//   whichever node holds the VIP (or every backend HAProxy checks) answers.
import type { Model } from "../../model/model.js";
import { component, type Component } from "./component.js";
import { nodeDownTolerations, resources, zoneSpread } from "./hardening.js";
import { SECURITY_HEADERS } from "./ingress.js";
import { kubeObject } from "./manifest.js";
import { fromAnywhere, INGRESS_NAMESPACE, toAllPods, toApiServer } from "./network-policy.js";
import { kubernetesNodes } from "./placement.js";
import { findService, monitoringEnabled, resourcesOf } from "./service-facts.js";
import { chartPin } from "./versions.js";

const RELEASE = "traefik";
const WEB_PORT = 8000;
const WEBSECURE_PORT = 8443;
const SELECTOR = { "app.kubernetes.io/name": "traefik", "app.kubernetes.io/instance": RELEASE };

export const behindLoadBalancerService = (model: Model): boolean =>
  model.kubernetes?.ingress.via === "metallb";

function exposure(model: Model, replicas: number): Record<string, unknown> {
  const address = model.kubernetes?.ingress.address;
  if (behindLoadBalancerService(model)) {
    return {
      deployment: { kind: "Deployment", replicas },
      topologySpreadConstraints: zoneSpread(SELECTOR),
      service: {
        annotations: address ? { "metallb.io/loadBalancerIPs": address } : {},
        // Keeps the client address, and MetalLB announces only from nodes that run a Traefik pod.
        spec: { type: "LoadBalancer", externalTrafficPolicy: "Local" },
      },
      ports: { web: { http: redirectToHttps }, websecure: {} },
    };
  }
  return {
    deployment: { kind: "DaemonSet" },
    service: { spec: { type: "ClusterIP" } },
    ports: { web: { hostPort: 80, http: redirectToHttps }, websecure: { hostPort: 443 } },
  };
}

const redirectToHttps = {
  redirections: { entryPoint: { to: "websecure", scheme: "https", permanent: true } },
};

export function traefikComponent(model: Model): Component {
  const svc = findService(model, "traefik");
  const hostPorts = !behindLoadBalancerService(model);
  // Host ports are outside the baseline Pod Security level.
  const c = component("traefik", INGRESS_NAMESPACE, -1, hostPorts ? "privileged" : "baseline");
  const replicas = hostPorts ? kubernetesNodes(model).length : (svc?.replicas ?? 2);
  c.workloads = [{ name: "traefik", selector: SELECTOR, replicas }];
  c.charts.push({
    pin: chartPin("traefik", svc?.version),
    releaseName: RELEASE,
    values: {
      instanceLabelOverride: RELEASE,
      ingressClass: { enabled: true, isDefaultClass: true, name: "traefik" },
      resources: resources(resourcesOf(svc, "traefik")),
      tolerations: nodeDownTolerations(model),
      metrics: { prometheus: { serviceMonitor: { enabled: monitoringEnabled(model) } } },
      ...exposure(model, replicas),
    },
  });
  c.manifests["middlewares"] = [
    kubeObject(
      "traefik.io/v1alpha1",
      "Middleware",
      { name: SECURITY_HEADERS, namespace: INGRESS_NAMESPACE },
      {
        spec: {
          headers: {
            stsSeconds: 31536000,
            contentTypeNosniff: true,
            frameDeny: true,
            referrerPolicy: "same-origin",
          },
        },
      },
    ),
  ];
  c.network.push(
    fromAnywhere(
      [WEB_PORT, WEBSECURE_PORT].map((port) => ({ port, protocol: "TCP" as const })),
      "clients of the web entry points",
    ),
    toAllPods(model, "the services it routes to"),
    toApiServer(model),
  );
  return c;
}
