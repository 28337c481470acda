// Every web UI is published the same way: one Ingress per service on Traefik's websecure entry point,
// with a certificate from the lab's own CA (cert-manager) and the shared security-headers middleware.
import type { Model, Service } from "../../model/model.js";
import type { WebEndpoint } from "./component.js";
import { kubeObject, type KubeObject } from "./manifest.js";
import { INGRESS_NAMESPACE } from "./network-policy.js";
import { installsTraefik } from "./service-facts.js";

/** The ClusterIssuer backed by the lab's CA (see cert-manager.ts). */
export const CLUSTER_ISSUER = "hlab-ca";
export const INGRESS_CLASS = "traefik";
export const SECURITY_HEADERS = "security-headers";

/**
 * The URL users open for a service: in the cluster, its host name on the ingress' websecure entry point
 * (TLS, the Ingress below); on a guest, its host name and port over plain HTTP. None without a name.
 */
export function serviceUrl(model: Model, s: Service): string | undefined {
  if (!s.hostname) return undefined;
  return s.on.length === 0 && model.kubernetes ? `https://${s.hostname}/` : `http://${s.hostname}:${s.port}/`;
}

export function ingress(model: Model, namespace: string, web: WebEndpoint): KubeObject {
  const name = web.name;
  // The middleware exists only in hlab's own Traefik (K3s' bundled one does not have it).
  const headers: Record<string, string> = installsTraefik(model)
    ? {
        "traefik.ingress.kubernetes.io/router.middlewares": `${INGRESS_NAMESPACE}-${SECURITY_HEADERS}@kubernetescrd`,
      }
    : {};
  return kubeObject(
    "networking.k8s.io/v1",
    "Ingress",
    {
      name,
      namespace,
      annotations: {
        "cert-manager.io/cluster-issuer": CLUSTER_ISSUER,
        "traefik.ingress.kubernetes.io/router.entrypoints": "websecure",
        ...headers,
        "traefik.ingress.kubernetes.io/router.tls": "true",
      },
    },
    {
      spec: {
        ingressClassName: INGRESS_CLASS,
        tls: [{ hosts: [web.host], secretName: `${name}-tls` }],
        rules: [
          {
            host: web.host,
            http: {
              paths: [
                {
                  path: "/",
                  pathType: "Prefix",
                  backend: { service: { name: web.service, port: { number: web.servicePort } } },
                },
              ],
            },
          },
        ],
      },
    },
  );
}
