// Logs: Loki as a single binary on a replicated volume (a lab writes far less than object storage would
// be worth), fed by Alloy on every node reading pod logs through the Kubernetes API.
import type { Model } from "../../model/model.js";
import { component, type Component } from "./component.js";
import { resources } from "./hardening.js";
import { MONITORING_NAMESPACE, toApiServer } from "./network-policy.js";
import { findService, resourcesOf } from "./service-facts.js";
import { chartPin } from "./versions.js";

const RELEASE = "loki";
export const LOKI_URL = `http://${RELEASE}.${MONITORING_NAMESPACE}.svc:3100`;

/** Alloy's pipeline: this node's pods, labelled by namespace, pod and container, pushed to Loki. */
const ALLOY_CONFIG = `discovery.kubernetes "pods" {
  role = "pod"
  selectors {
    role  = "pod"
    field = "spec.nodeName=" + coalesce(sys.env("HOSTNAME"), "")
  }
}

discovery.relabel "pods" {
  targets = discovery.kubernetes.pods.targets
  rule {
    source_labels = ["__meta_kubernetes_namespace"]
    target_label  = "namespace"
  }
  rule {
    source_labels = ["__meta_kubernetes_pod_name"]
    target_label  = "pod"
  }
  rule {
    source_labels = ["__meta_kubernetes_pod_container_name"]
    target_label  = "container"
  }
  rule {
    source_labels = ["__meta_kubernetes_pod_node_name"]
    target_label  = "node"
  }
}

loki.source.kubernetes "pods" {
  targets    = discovery.relabel.pods.output
  forward_to = [loki.write.default.receiver]
}

loki.write "default" {
  endpoint {
    url = "${LOKI_URL}/loki/api/v1/push"
  }
}
`;

export function lokiComponent(model: Model): Component | undefined {
  const svc = findService(model, "loki");
  if (!svc) return undefined;
  const c = component("loki", MONITORING_NAMESPACE, 0, "baseline");
  c.charts.push(
    {
      pin: chartPin("loki", svc.version),
      releaseName: RELEASE,
      values: {
        deploymentMode: "Monolithic",
        loki: {
          auth_enabled: false,
          commonConfig: { replication_factor: 1 },
          storage: { type: "filesystem" },
          schemaConfig: {
            configs: [
              {
                from: "2025-01-01",
                store: "tsdb",
                object_store: "filesystem",
                schema: "v13",
                index: { prefix: "index_", period: "24h" },
              },
            ],
          },
        },
        singleBinary: {
          replicas: 1,
          persistence: {
            enabled: true,
            size: `${Math.max(1, svc.persistenceGiB)}Gi`,
            storageClass: model.storage.class,
          },
          resources: resources(resourcesOf(svc, "loki")),
        },
        read: { replicas: 0 },
        write: { replicas: 0 },
        backend: { replicas: 0 },
        gateway: { enabled: false },
        chunksCache: { enabled: false },
        resultsCache: { enabled: false },
        lokiCanary: { enabled: false },
        test: { enabled: false },
      },
    },
    {
      pin: chartPin("alloy"),
      releaseName: "alloy",
      values: {
        controller: { type: "daemonset" },
        alloy: {
          configMap: { create: true, content: ALLOY_CONFIG },
          resources: resources({ cpuMillis: 50, memoryMiB: 128 }),
        },
      },
    },
  );
  c.network.push(toApiServer(model));
  return c;
}
