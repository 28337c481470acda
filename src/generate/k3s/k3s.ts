// K3s HA: one config.yaml per node. Exactly one server initialises embedded etcd; every other node
// joins through the API endpoint (the VIP), so no node depends on another one staying up. The
// settings K3s requires to be identical on all servers come from one function, so they cannot drift.
import { stringify } from "yaml";
import type { Kubernetes, Model } from "../../model/model.js";
import { guestInterface } from "../../model/interfaces.js";
import {
  hashHeader,
  nodeFile,
  type GeneratedFile,
  type Generator,
  type SecretRequest,
} from "../../artifact/artifact.js";
import {
  clusterNetwork,
  joinUrl,
  K3S_CONFIG,
  K3S_TOKEN_FILE,
  K3S_TOKEN_SECRET,
  k3sNodes,
  type K3sNode,
} from "../../topology/k3s-nodes.js";

/** Components hlab replaces with its own pinned deployments, so K3s must not run its bundled ones. */
function disabled(model: Model, k8s: Kubernetes): string[] {
  const set = new Set(k8s.disable);
  // MetalLB answers for LoadBalancer services; K3s's klipper would fight it for the same IPs.
  if (model.metallbPools.length) set.add("servicelb");
  // The platform layer installs its own pinned Traefik chart.
  if (model.services.some((s) => s.catalog === "traefik")) set.add("traefik");
  // Longhorn becomes the default StorageClass; K3s's local-path would be a second default.
  if (model.storage.class === "longhorn") set.add("local-storage");
  return [...set].sort();
}

const seconds = (ms: number): number => Math.max(1, Math.round(ms / 1000));

/**
 * The settings K3s's documentation lists as "must be the same on all servers" (cluster-cidr,
 * service-cidr, cluster-domain, flannel-backend, secrets-encryption, disable=servicelb, ...), and
 * the API server arguments, which should not differ between servers either.
 */
export function clusterWideServerSettings(model: Model, k8s: Kubernetes): Record<string, unknown> {
  const evict = seconds(k8s.nodeDownEvictionMs);
  const settings: Record<string, unknown> = {
    "cluster-cidr": k8s.clusterCidr.text,
    "service-cidr": k8s.serviceCidr.text,
    "cluster-domain": k8s.clusterDomain,
    "flannel-backend": k8s.flannelBackend,
    "secrets-encryption": k8s.secretsEncryption,
    "kube-apiserver-arg": [
      `default-not-ready-toleration-seconds=${evict}`,
      `default-unreachable-toleration-seconds=${evict}`,
    ],
  };
  const off = disabled(model, k8s);
  if (off.length) settings.disable = off;
  if (k8s.datastore === "embedded-etcd") {
    settings["etcd-snapshot-schedule-cron"] = k8s.etcdSnapshots.schedule;
    settings["etcd-snapshot-retention"] = k8s.etcdSnapshots.retention;
  }
  return settings;
}

/** Names and addresses the API certificate must be valid for. */
export function tlsSans(k8s: Kubernetes): string[] {
  return [
    ...new Set([k8s.api.vip, k8s.api.endpoint, k8s.api.hostname].filter((s): s is string => Boolean(s))),
  ];
}

function nodeConfig(model: Model, k8s: Kubernetes, node: K3sNode, joins: boolean): Record<string, unknown> {
  const { guest } = node;
  const config: Record<string, unknown> = {};
  if (node.initialises) config["cluster-init"] = true;
  if (joins) config.server = joinUrl(k8s);
  config["token-file"] = K3S_TOKEN_FILE;
  config["node-name"] = guest.name;
  if (node.address) config["node-ip"] = node.address;
  config["flannel-iface"] = guestInterface(model, guest, clusterNetwork(k8s, guest));
  // Spreading replicas by zone spreads them over physical machines, which is what survives a host failure.
  config["node-label"] = [`topology.kubernetes.io/zone=${guest.host}`];
  if (node.role === "server") {
    config["tls-san"] = tlsSans(k8s);
    Object.assign(config, clusterWideServerSettings(model, k8s));
  }
  return config;
}

function describe(model: Model, node: K3sNode, servers: number): string {
  if (node.role === "agent") return `# K3s agent on ${node.guest.host}: joins through the API endpoint.\n`;
  if (servers === 1) return `# The only K3s server of "${model.name}".\n`;
  return node.initialises
    ? `# K3s server that initialises embedded etcd (cluster-init); start it first.\n`
    : `# K3s server that joins the cluster through the API endpoint, never through another server's address.\n`;
}

export const k3sGenerator: Generator = {
  name: "k3s",
  secrets(model: Model): SecretRequest[] {
    if (!model.kubernetes || k3sNodes(model).length === 0) return [];
    return [
      {
        name: K3S_TOKEN_SECRET,
        kind: "token",
        description: "K3s join token, shared by every server and agent",
        installPath: K3S_TOKEN_FILE,
      },
    ];
  },
  generate(model: Model): GeneratedFile[] {
    const k8s = model.kubernetes;
    if (!k8s) return [];
    const nodes = k3sNodes(model);
    const servers = nodes.filter((n) => n.role === "server").length;
    return nodes.map((node) => {
      // With one server there is nobody to join (sqlite, or etcd with one member); agents always join.
      const joins = node.role === "agent" || (servers > 1 && !node.initialises);
      const body = stringify(nodeConfig(model, k8s, node, joins), { lineWidth: 0 });
      return {
        path: nodeFile(node.guest.name, K3S_CONFIG),
        content: hashHeader(model) + describe(model, node, servers) + body,
      };
    });
  },
};
