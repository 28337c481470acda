// Every floating address of the design, decided once: what it is for, which daemon moves it, the
// guests that may hold it in takeover order, and what it needs besides a live candidate. The plan,
// the generators, the lab and the dashboard all read this list; none of them decides again who
// holds a VIP or how.
import { inCidr } from "../model/ip.js";
import type { Model } from "../model/model.js";

/** What a VIP serves. Labels (see purposeLabel) are the words used in every output and in scenarios. */
export type VipPurpose =
  | { kind: "api" }
  | { kind: "ingress" }
  | { kind: "load-balancer"; name: string }
  | { kind: "database"; name: string };

/**
 * The daemon that moves the address. kube-vip elects its holder through a Lease in the Kubernetes
 * API; keepalived by VRRP among its group; MetalLB's speakers by memberlist; Patroni by its leader
 * key (hlab's Patroni VIP follows the primary).
 */
export type VipMechanism = "kube-vip" | "keepalived" | "metallb" | "patroni";

/**
 * What the holder needs beyond being alive. `kubernetes-api`: kube-vip renews its lease through the
 * API server, which needs etcd quorum, so without quorum the leader drops the VIP once its renew
 * deadline passes and nobody can take it (kube-vip/kube-vip v1.2.3
 * pkg/cluster/clusterLeaderElection.go: client-go leader election; OnStoppedLeading calls
 * cleanupVIPs, and the restarted kube-vip can only take the address back by acquiring the Lease).
 */
export type VipDependency = "kubernetes-api";

export interface Vip {
  address: string;
  network: string;
  purposes: VipPurpose[];
  mechanism: VipMechanism;
  /** Guests that may hold it, the nominal holder first, then in takeover order. */
  candidates: string[];
  needs: VipDependency[];
  /** The load-balancer pair whose keepalived/HAProxy hold it, when one does. */
  loadBalancer?: string;
}

export const purposeLabel = (p: VipPurpose): string =>
  p.kind === "load-balancer" ? `lb:${p.name}` : p.kind === "database" ? `db:${p.name}` : p.kind;

export const vipLabels = (v: Vip): string[] => v.purposes.map(purposeLabel);

/** Every VIP of the model, one entry per address (an address serving two purposes is merged). */
export function modelVips(model: Model): Vip[] {
  const byAddress = new Map<string, Vip>();
  const add = (vip: Omit<Vip, "purposes">, purpose: VipPurpose): void => {
    const known = byAddress.get(vip.address);
    if (known) {
      if (!known.purposes.some((p) => purposeLabel(p) === purposeLabel(purpose)))
        known.purposes.push(purpose);
      return;
    }
    byAddress.set(vip.address, { ...vip, candidates: [...vip.candidates], purposes: [purpose] });
  };
  const k8s = model.kubernetes;
  const k8sNodes = k8s ? [...k8s.servers, ...k8s.agents] : [];
  const pair = (name: string | undefined) => model.loadBalancers.find((lb) => lb.name === name);

  for (const lb of model.loadBalancers)
    add(
      {
        address: lb.vip,
        network: lb.network,
        mechanism: "keepalived",
        candidates: lb.guests,
        needs: [],
        loadBalancer: lb.name,
      },
      { kind: "load-balancer", name: lb.name },
    );
  if (k8s?.api.vip) {
    const api = { kind: "api" } as const;
    const lb = k8s.api.holder === "load-balancer" ? pair(k8s.api.loadBalancer) : undefined;
    if (lb)
      add(
        {
          address: k8s.api.vip,
          network: lb.network,
          mechanism: "keepalived",
          candidates: lb.guests,
          needs: [],
          loadBalancer: lb.name,
        },
        api,
      );
    else if (k8s.api.holder === "keepalived")
      add(
        {
          address: k8s.api.vip,
          network: k8s.api.network,
          mechanism: "keepalived",
          candidates: k8s.servers,
          needs: [],
        },
        api,
      );
    else if (k8s.api.holder === "kube-vip") add(kubeVipEntry(k8s.api.vip, k8s.api.network, k8s.servers), api);
  }
  const ingress = k8s?.ingress;
  if (k8s && ingress?.address && ingress.via !== "node") {
    const purpose = { kind: "ingress" } as const;
    const network = networkOf(model, ingress.address) ?? k8s.api.network;
    const lb = ingress.via === "load-balancer" ? pair(ingress.loadBalancer) : undefined;
    if (lb)
      add(
        {
          address: ingress.address,
          network: lb.network,
          mechanism: "keepalived",
          candidates: lb.guests,
          needs: [],
          loadBalancer: lb.name,
        },
        purpose,
      );
    else if (ingress.via === "kube-vip") add(kubeVipEntry(ingress.address, network, k8s.servers), purpose);
    else if (ingress.via === "metallb")
      add(
        { address: ingress.address, network, mechanism: "metallb", candidates: k8sNodes, needs: [] },
        purpose,
      );
  }
  for (const db of model.databases) {
    if (!db.vip) continue;
    const network = networkOf(model, db.vip) ?? k8s?.api.network ?? "";
    const purpose = { kind: "database", name: db.name } as const;
    if (db.guests.length > 0)
      add({ address: db.vip, network, mechanism: "patroni", candidates: db.guests, needs: [] }, purpose);
    else add({ address: db.vip, network, mechanism: "metallb", candidates: k8sNodes, needs: [] }, purpose);
  }
  return [...byAddress.values()];
}

const kubeVipEntry = (address: string, network: string, servers: string[]): Omit<Vip, "purposes"> => ({
  address,
  network,
  mechanism: "kube-vip",
  candidates: servers,
  needs: ["kubernetes-api"],
});

/** The API VIP when kube-vip holds it (the kube-vip generator, its bootstrap wait and alerts read this). */
export function kubeVipApi(model: Model): Vip | undefined {
  const v = vipFor(modelVips(model), { kind: "api" });
  return v?.mechanism === "kube-vip" ? v : undefined;
}

/** Who moves the address, in words every output uses. */
export function holderText(v: Vip): string {
  if (v.loadBalancer) return `keepalived on the "${v.loadBalancer}" pair (${v.candidates.join(", ")})`;
  return `${v.mechanism} on ${v.candidates.join(", ")}`;
}

/** The VIP serving a purpose, if the design has one. */
export function vipFor(vips: readonly Vip[], purpose: VipPurpose): Vip | undefined {
  const label = purposeLabel(purpose);
  return vips.find((v) => v.purposes.some((p) => purposeLabel(p) === label));
}

/**
 * Who holds the VIP when some guests are down and the dependencies are as given: the first live
 * candidate in takeover order, or nobody when a dependency is lost (kube-vip without the API).
 */
export function holderAfter(
  vip: Vip,
  guestDown: (guest: string) => boolean,
  dependencyUp: (d: VipDependency) => boolean,
): string | undefined {
  if (!vip.needs.every(dependencyUp)) return undefined;
  return vip.candidates.find((c) => !guestDown(c));
}

function networkOf(model: Model, address: string): string | undefined {
  return model.networks.find((n) => inCidr(address, n.cidr))?.name;
}
