// The floating addresses of a lab and the guests that may hold them, in takeover order. The topology
// draws a badge at each candidate (solid at the holder) and the live view moves the solid one to
// whoever the lab reports, so both need the same list.
import { inCidr } from "../model/ip.js";
import type { Model } from "../model/model.js";

export interface VipInfo {
  address: string;
  network: string;
  /** What the address is for, e.g. "k8s API", "ingress", "edge", "db app-db". */
  purposes: string[];
  /** The daemon that moves it: kube-vip, keepalived, metallb or patroni. */
  mechanism: string;
  /** Guests that may hold it, the nominal holder first. */
  candidates: string[];
}

/** Every VIP of the model, one entry per address (an address used for two purposes is merged). */
export function modelVips(model: Model): VipInfo[] {
  const byAddress = new Map<string, VipInfo>();
  const add = (
    address: string,
    network: string,
    purpose: string,
    mechanism: string,
    candidates: string[],
  ): void => {
    const known = byAddress.get(address);
    if (known) {
      if (!known.purposes.includes(purpose)) known.purposes.push(purpose);
      return;
    }
    byAddress.set(address, { address, network, purposes: [purpose], mechanism, candidates: [...candidates] });
  };
  const k8s = model.kubernetes;
  const k8sNodes = k8s ? [...k8s.servers, ...k8s.agents] : [];
  const lbGuests = (name: string | undefined): string[] =>
    model.loadBalancers.find((lb) => lb.name === name)?.guests ?? [];

  for (const lb of model.loadBalancers) add(lb.vip, lb.network, lb.name, "keepalived", lb.guests);
  if (k8s?.api.vip) {
    const via = k8s.api.holder;
    const candidates = via === "load-balancer" ? lbGuests(k8s.api.loadBalancer) : k8s.servers;
    add(k8s.api.vip, k8s.api.network, "k8s API", via === "load-balancer" ? "keepalived" : via, candidates);
  }
  const ingress = k8s?.ingress;
  if (k8s && ingress?.address && ingress.via !== "node") {
    const network = networkOf(model, ingress.address) ?? k8s.api.network;
    if (ingress.via === "load-balancer")
      add(ingress.address, network, "ingress", "keepalived", lbGuests(ingress.loadBalancer));
    else if (ingress.via === "kube-vip") add(ingress.address, network, "ingress", "kube-vip", k8s.servers);
    else add(ingress.address, network, "ingress", "metallb", k8sNodes);
  }
  for (const db of model.databases) {
    if (!db.vip) continue;
    const network = networkOf(model, db.vip) ?? k8s?.api.network ?? "";
    if (db.guests.length > 0) add(db.vip, network, `db ${db.name}`, "patroni", db.guests);
    else add(db.vip, network, `db ${db.name}`, "metallb", k8sNodes);
  }
  return [...byAddress.values()];
}

function networkOf(model: Model, address: string): string | undefined {
  return model.networks.find((n) => inCidr(address, n.cidr))?.name;
}
