// NetworkPolicies, written once for every service: each namespace denies everything by default, then
// allows DNS, its own pods, the metrics scraper, and exactly the peers its services declare. Peers are
// named by what they are (the API server, the ingress controller, the internet), and turned into
// selectors and address blocks here, from the model's addresses.
import type { Model } from "../../model/model.js";
import { intToIp } from "../../model/ip.js";
import { kubeObject, type KubeObject, type Labels } from "./manifest.js";
import { nodeAddresses } from "./placement.js";
import { installsTraefik } from "./service-facts.js";

export const MONITORING_NAMESPACE = "monitoring";
export const INGRESS_NAMESPACE = "traefik";

export interface Port {
  port: number;
  protocol?: "TCP" | "UDP";
}

export type Peer = { namespace: string; podLabels?: Labels } | { cidr: string };

export interface NetworkRule {
  direction: "ingress" | "egress";
  /** Empty means any peer. */
  peers: Peer[];
  /** Empty means any port. */
  ports: Port[];
  /** Why the rule exists, written as a comment-like annotation reviewers read. */
  reason: string;
}

const tcp = (...ports: number[]): Port[] => ports.map((port) => ({ port, protocol: "TCP" }));
const host = (address: string): Peer => ({ cidr: `${address}/32` });

/** Traffic from the ingress controller to the pod ports of a service's web endpoints. */
export function fromIngressController(model: Model, ports: number[]): NetworkRule {
  const peer: Peer = installsTraefik(model)
    ? { namespace: INGRESS_NAMESPACE }
    : { namespace: "kube-system", podLabels: { "app.kubernetes.io/name": "traefik" } };
  return {
    direction: "ingress",
    peers: [peer],
    ports: tcp(...[...new Set(ports)].sort((a, b) => a - b)),
    reason: "web traffic from Traefik",
  };
}

export const toNamespace = (namespace: string, ports: number[], reason: string): NetworkRule => ({
  direction: "egress",
  peers: [{ namespace }],
  ports: tcp(...ports),
  reason,
});

export const fromNamespace = (namespace: string, ports: number[], reason: string): NetworkRule => ({
  direction: "ingress",
  peers: [{ namespace }],
  ports: tcp(...ports),
  reason,
});

/** The API server: every node's address (kube-vip or not), the VIP, and the `kubernetes` Service IP. */
export function toApiServer(model: Model): NetworkRule {
  const k = model.kubernetes;
  const addresses = new Set([
    ...nodeAddresses(model),
    ...(k?.api.vip ? [k.api.vip] : []),
    ...(k ? [k.api.endpoint] : []),
  ]);
  const serviceIp = k ? intToIp(k.serviceCidr.base + 1) : undefined;
  return {
    direction: "egress",
    peers: [...[...addresses].sort().map(host), ...(serviceIp ? [host(serviceIp)] : [])],
    ports: tcp(443, 6443),
    reason: "the Kubernetes API",
  };
}

/**
 * Traffic the nodes themselves send to pods: admission webhook calls from the API server, iSCSI from
 * the kernel initiator. A node reaches pods from its own address or, through the overlay, from its
 * address in the pod network.
 */
export function fromNodes(model: Model, ports: number[], reason: string): NetworkRule {
  const k = model.kubernetes;
  return {
    direction: "ingress",
    peers: [...nodeAddresses(model).map(host), ...(k ? [{ cidr: k.clusterCidr.text }] : [])],
    ports: tcp(...ports),
    reason,
  };
}

export const fromApiServer = (model: Model, ...ports: number[]): NetworkRule =>
  fromNodes(model, ports, "admission webhook calls from the API server");

export const toInternet = (ports: Port[], reason: string): NetworkRule => ({
  direction: "egress",
  peers: [{ cidr: "0.0.0.0/0" }],
  ports,
  reason,
});

export const fromAnywhere = (ports: Port[], reason: string): NetworkRule => ({
  direction: "ingress",
  peers: [],
  ports,
  reason,
});

export function toAllPods(model: Model, reason: string): NetworkRule {
  return {
    direction: "egress",
    peers: model.kubernetes ? [{ cidr: model.kubernetes.clusterCidr.text }] : [],
    ports: [],
    reason,
  };
}

/** Machines outside the cluster, by address (the load balancers' metrics). */
export const toAddresses = (addresses: string[], ports: number[], reason: string): NetworkRule => ({
  direction: "egress",
  peers: addresses.map(host),
  ports: tcp(...ports),
  reason,
});

/** Scrapers also read node exporters and kubelets on the nodes themselves. */
export function toNodes(model: Model, ports: number[], reason: string): NetworkRule {
  return { direction: "egress", peers: nodeAddresses(model).map(host), ports: tcp(...ports), reason };
}

function peerSelector(p: Peer): Record<string, unknown> {
  if ("cidr" in p) return { ipBlock: { cidr: p.cidr } };
  const ns = { namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": p.namespace } } };
  return p.podLabels ? { ...ns, podSelector: { matchLabels: p.podLabels } } : ns;
}

function ruleBody(r: NetworkRule): Record<string, unknown> {
  const side = r.direction === "ingress" ? "from" : "to";
  return {
    ...(r.peers.length ? { [side]: r.peers.map(peerSelector) } : {}),
    ...(r.ports.length
      ? { ports: r.ports.map((p) => ({ protocol: p.protocol ?? "TCP", port: p.port })) }
      : {}),
  };
}

/** One NetworkPolicy over every pod of the namespace, allowing what the rules list. */
export function networkPolicy(name: string, namespace: string, rules: readonly NetworkRule[]): KubeObject {
  const ingress = rules.filter((r) => r.direction === "ingress");
  const egress = rules.filter((r) => r.direction === "egress");
  const why = [...new Set(rules.map((r) => r.reason))].join("; ");
  return kubeObject(
    "networking.k8s.io/v1",
    "NetworkPolicy",
    { name, namespace, annotations: { "hlab.dev/allows": why } },
    {
      spec: {
        podSelector: {},
        policyTypes: [...(ingress.length ? ["Ingress"] : []), ...(egress.length ? ["Egress"] : [])],
        ...(ingress.length ? { ingress: ingress.map(ruleBody) } : {}),
        ...(egress.length ? { egress: egress.map(ruleBody) } : {}),
      },
    },
  );
}

/** What every namespace hlab manages starts from: deny all, then DNS, itself and the scraper. */
export function namespaceBaseline(namespace: string, scraped: boolean): KubeObject[] {
  const denyAll = kubeObject(
    "networking.k8s.io/v1",
    "NetworkPolicy",
    { name: "default-deny", namespace },
    {
      spec: { podSelector: {}, policyTypes: ["Ingress", "Egress"] },
    },
  );
  const baseline: NetworkRule[] = [
    {
      direction: "egress",
      peers: [{ namespace: "kube-system", podLabels: { "k8s-app": "kube-dns" } }],
      ports: [
        { port: 53, protocol: "UDP" },
        { port: 53, protocol: "TCP" },
      ],
      reason: "DNS",
    },
    { direction: "ingress", peers: [{ namespace }], ports: [], reason: "pods of the same namespace" },
    { direction: "egress", peers: [{ namespace }], ports: [], reason: "pods of the same namespace" },
    ...(scraped && namespace !== MONITORING_NAMESPACE
      ? [
          {
            direction: "ingress",
            peers: [{ namespace: MONITORING_NAMESPACE }],
            ports: [],
            reason: "metrics scraping",
          } as NetworkRule,
        ]
      : []),
  ];
  return [denyAll, networkPolicy("baseline", namespace, baseline)];
}
