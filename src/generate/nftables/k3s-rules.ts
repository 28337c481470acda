// A K3s node in a segmented design: the API from management, the load balancers and its peers; etcd
// between servers; kubelet and the flannel backend between nodes; the load balancers' backend ports;
// anything from pods and services. Forwarded traffic (NodePorts, LoadBalancer IPs, pod-to-pod) goes
// through kube-proxy's DNAT and the forward hook, which this table leaves alone.
import type { Guest, Model } from "../../model/model.js";
import { fromSources, set, type Line, type Ruleset } from "./ruleset.js";
import { addressesOf, guestsNamed, managementSources, unique } from "./segmentation.js";

function flannelRules(model: Model, peers: string[]): Line[] {
  const backend = model.kubernetes?.flannelBackend;
  if (backend === "vxlan") return fromSources(peers, "udp dport 8472 accept");
  if (backend === "wireguard-native") return fromSources(peers, "udp dport { 51820, 51821 } accept");
  return [];
}

/** Where HAProxy's connections come from: the load balancers' own non-public addresses. */
function loadBalancerSources(model: Model, guests: string[]): string[] {
  const publicNets = new Set(model.networks.filter((n) => n.role === "public").map((n) => n.name));
  return guestsNamed(model, guests).flatMap((g) =>
    Object.entries(g.address)
      .filter(([n]) => !publicNets.has(n))
      .map(([, a]) => a),
  );
}

export function k3sRuleset(model: Model, guest: Guest): Ruleset {
  const k = model.kubernetes!;
  const server = k.servers.includes(guest.name);
  const nodes = addressesOf(guestsNamed(model, [...k.servers, ...k.agents]));
  const servers = addressesOf(guestsNamed(model, k.servers));
  const mySets = new Set<string>(["k3s-nodes", server ? "k3s-servers" : "k3s-agents"]);
  const lbs = model.loadBalancers.filter((lb) => lb.frontends.some((f) => mySets.has(f.backends)));
  const lbSources = unique(lbs.flatMap((lb) => [...loadBalancerSources(model, lb.guests), lb.vip]));
  const backendPorts = unique(
    lbs.flatMap((lb) => lb.frontends.filter((f) => mySets.has(f.backends)).map((f) => f.backendPort)),
  );
  const apiSources = unique([
    ...managementSources(model),
    ...nodes,
    ...(backendPorts.includes(6443) ? lbSources : []),
  ]);
  return {
    intro: [`Firewall of K3s ${server ? "server" : "agent"} ${guest.name}.`],
    input: [
      "# Pods and services reach the node (DNS, metrics, webhooks).",
      `ip saddr { ${k.clusterCidr.text}, ${k.serviceCidr.text} } accept`,
      'iifname { "cni0", "flannel.1", "flannel-wg" } accept',
      ...(server ? fromSources(apiSources, "tcp dport 6443 accept") : []),
      ...(server && k.datastore === "embedded-etcd"
        ? fromSources(servers, "tcp dport 2379-2380 accept")
        : []),
      ...fromSources(nodes, "tcp dport 10250 accept"),
      ...flannelRules(model, nodes),
      ...(model.metallbPools.length
        ? fromSources(nodes, "meta l4proto { tcp, udp } th dport 7946 accept")
        : []),
      ...(backendPorts.length ? ["# The load balancers' health checks and proxied connections."] : []),
      ...(backendPorts.length ? fromSources(lbSources, `tcp dport ${set(backendPorts)} accept`) : []),
      ...fromSources(managementSources(model), "tcp dport 22 accept"),
    ],
  };
}
