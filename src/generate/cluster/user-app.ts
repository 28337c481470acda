// A user's own application (a spec service with an image): a Deployment, or a StatefulSet when it keeps
// data (each replica its own volume), with the same spreading, budget, probes and limits as the
// catalogue services, and its database's connection URI from the Secret CloudNativePG writes.
import type { Model, Service } from "../../model/model.js";
import { appSecret } from "./cnpg.js";
import { component, type Component } from "./component.js";
import {
  DEFAULT_RESOURCES,
  nodeDownTolerations,
  probes,
  resources,
  tcpAction,
  zoneSpread,
} from "./hardening.js";
import { kubeObject, type KubeObject } from "./manifest.js";
import { inCluster, serviceNamespace } from "./service-facts.js";

export const userApps = (model: Model): Service[] =>
  model.services.filter((s) => !s.catalog && s.image && inCluster(s));

function podSpec(model: Model, s: Service, labels: Record<string, string>): Record<string, unknown> {
  const db = model.databases.find((d) => d.name === s.database && d.engine === "cloudnative-pg");
  return {
    topologySpreadConstraints: zoneSpread(labels),
    tolerations: nodeDownTolerations(model),
    containers: [
      {
        name: s.name,
        image: s.image,
        ports: [{ name: "http", containerPort: s.port, protocol: "TCP" }],
        ...(db
          ? {
              env: [
                { name: "DATABASE_URL", valueFrom: { secretKeyRef: { name: appSecret(db), key: "uri" } } },
              ],
            }
          : {}),
        resources: resources(DEFAULT_RESOURCES),
        // What any image tolerates: no privilege gain, the runtime's default syscall filter.
        securityContext: { allowPrivilegeEscalation: false, seccompProfile: { type: "RuntimeDefault" } },
        // Only the port is known: a TCP check keeps traffic away from pods that stopped listening.
        ...probes(tcpAction(s.port)),
        ...(s.persistenceGiB > 0 ? { volumeMounts: [{ name: "data", mountPath: "/data" }] } : {}),
      },
    ],
  };
}

function workload(model: Model, s: Service): KubeObject {
  const namespace = serviceNamespace(s);
  const labels = { "app.kubernetes.io/name": s.name };
  const template = { metadata: { labels }, spec: podSpec(model, s, labels) };
  if (s.persistenceGiB === 0) {
    return kubeObject(
      "apps/v1",
      "Deployment",
      { name: s.name, namespace, labels },
      {
        spec: { replicas: s.replicas, selector: { matchLabels: labels }, template },
      },
    );
  }
  return kubeObject(
    "apps/v1",
    "StatefulSet",
    { name: s.name, namespace, labels },
    {
      spec: {
        replicas: s.replicas,
        serviceName: s.name,
        selector: { matchLabels: labels },
        template,
        volumeClaimTemplates: [
          {
            metadata: { name: "data" },
            spec: {
              accessModes: ["ReadWriteOnce"],
              storageClassName: model.storage.class,
              resources: { requests: { storage: `${s.persistenceGiB}Gi` } },
            },
          },
        ],
      },
    },
  );
}

export function userAppComponent(model: Model, s: Service): Component {
  const namespace = serviceNamespace(s);
  const labels = { "app.kubernetes.io/name": s.name };
  const c = component(s.name, namespace, 1, "baseline");
  const service = kubeObject(
    "v1",
    "Service",
    { name: s.name, namespace, labels },
    {
      spec: {
        selector: labels,
        ports: [{ name: "http", port: s.port, targetPort: s.port, protocol: "TCP" }],
      },
    },
  );
  c.manifests["workload"] = [workload(model, s), service];
  c.workloads = [{ name: s.name, selector: labels, replicas: s.replicas }];
  if (s.hostname)
    c.web.push({ name: s.name, host: s.hostname, service: s.name, servicePort: s.port, podPort: s.port });
  return c;
}
