// Where pods can land: the K3s nodes and the physical host each one runs on. The K3s configs label every
// node topology.kubernetes.io/zone=<physical host>, so "spread over zones" means "spread over machines
// that fail independently" — two VMs on one Proxmox host are one zone.
import type { Guest, Model } from "../../model/model.js";

export const ZONE_LABEL = "topology.kubernetes.io/zone";
export const HOSTNAME_LABEL = "kubernetes.io/hostname";

export function kubernetesNodes(model: Model): Guest[] {
  const k = model.kubernetes;
  if (!k) return [];
  const names = new Set([...k.servers, ...k.agents]);
  return model.guests.filter((g) => names.has(g.name)).sort((a, b) => a.name.localeCompare(b.name));
}

/** The distinct physical hosts that carry K3s nodes, sorted. */
export function zones(model: Model): string[] {
  return [...new Set(kubernetesNodes(model).map((g) => g.host))].sort();
}

/** The address each node is reached at on the API network (where kubelets, webhooks and the API meet). */
export function nodeAddresses(model: Model): string[] {
  const net = model.kubernetes?.api.network;
  const addrs = kubernetesNodes(model).map((g) => (net && g.address[net]) ?? Object.values(g.address)[0]);
  return [...new Set(addrs.filter((a): a is string => a !== undefined))].sort();
}

/** Hard anti-affinity only where every replica can get its own machine; otherwise a preference. */
export const fitsOnePerZone = (model: Model, replicas: number): boolean => replicas <= zones(model).length;
