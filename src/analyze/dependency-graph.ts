// What each service needs, as a structure function over the lab's components (hosts, NICs, gear,
// guests). The rules are those of docs/availability-model.md:
// - a guest runs when it, its host, the host's NICs for its networks and the host's gear run; a
//   Proxmox HA guest on shared storage can instead restart on another node while Corosync is quorate;
// - the control plane is etcd's majority of servers (or the one sqlite server); it is needed only to
//   move things (reschedule pods, promote a database), not to keep running pods serving;
// - a Kubernetes service needs one of its replicas' nodes, or a rescheduled pod; the ingress path
//   (VIP holder or load-balancer pair, then Traefik) when it has a host name; its database.
import type { PathSegment } from "../diagnostic/diagnostic.js";
import { PROXMOX_OVERHEAD } from "../model/catalog.js";
import type { Database, Guest, Host, LoadBalancer, Model, Service } from "../model/model.js";
import { modelComponents, gearId, guestId, hostId, nicId, type Component } from "./components.js";
import { FailoverCosts } from "./failover-costs.js";
import type { ComponentId } from "./plan-report.js";
import { alternativeNodes, byAvailability, placeWorkloads, type Placement } from "./placement.js";
import { ExprBuilder, type Expr } from "./structure.js";
import { holderText, modelVips, vipFor, type Vip, type VipDependency } from "../topology/vips.js";
import { corosyncQuorum } from "../topology/corosync-quorum.js";
import { majority } from "../topology/majority.js";

export interface ServiceGraph {
  name: string;
  kind: "service" | "platform";
  path: PathSegment[];
  root: Expr;
  placement: string[];
  notes: string[];
  target?: number;
}

export interface DependencyGraph {
  builder: ExprBuilder;
  components: Map<ComponentId, Component>;
  services: ServiceGraph[];
  placement: Placement;
  costs: FailoverCosts;
  /** Nodes each Proxmox HA guest can restart on, best first. */
  haTargets: Map<string, string[]>;
  /** What each guest needs to run (its host, NICs, gear; for HA guests, a node and the quorum). */
  guests: Map<string, Expr>;
  /** The Corosync quorum, when there is a Proxmox cluster. */
  corosync?: Expr;
  /** The Kubernetes control plane (etcd quorum or the sqlite server). */
  controlPlane?: Expr;
  /** What each database needs to take writes (its quorum and, for CloudNativePG, its promotion). */
  databases: Map<string, Expr>;
  /** Each VIP with what each candidate and each dependency needs, for "who holds it now". */
  vips: VipExprs[];
  /** The leaders this graph was built from (empty: the first candidates). */
  current: CurrentLeaders;
}

export interface VipExprs {
  vip: Vip;
  candidates: Map<string, Expr>;
  needs: Map<VipDependency, Expr>;
}

/**
 * Who leads each layer right now, when it is known (a running lab, later the real cluster). The
 * design says only who may lead; a failover costs something only when the leader is lost, so a
 * prediction about a running system starts from its actual leaders. Absent: the first candidate
 * in takeover order, as on a fresh start.
 */
export interface CurrentLeaders {
  /** VIP address -> the guest holding it. */
  vips?: Record<string, string | undefined>;
  /** The K3s server whose etcd member leads. */
  etcd?: string;
  /** Database -> the guest of its primary. */
  databases?: Record<string, string | undefined>;
}

/** `names` with `leader` first (when it is one of them), the rest in their order. */
export function leaderFirst(names: readonly string[], leader: string | undefined): string[] {
  if (!leader || !names.includes(leader)) return [...names];
  return [leader, ...names.filter((n) => n !== leader)];
}

export const KUBERNETES_API = "kubernetes-api";
export const PROXMOX_QUORUM = "proxmox-quorum";

/** Alternatives per "any node" choice (see alternativeNodes). */
const NODE_CAP = 4;
const RESCHEDULE_CAP = 3;
const HA_TARGET_CAP = 3;

export function freeMemoryMiB(model: Model, host: Host): number {
  const used = model.guests
    .filter((g) => g.host === host.name && g.kind !== "metal")
    .reduce((s, g) => s + g.memoryMiB, 0);
  return host.memoryMiB - PROXMOX_OVERHEAD.memoryMiB - used;
}

/** Proxmox HA can start a guest elsewhere only when its disk is reachable there. */
export function restartableStorage(model: Model, guest: Guest): boolean {
  const st = model.proxmox?.storage.find((s) => s.name === guest.storage);
  return Boolean(st && (st.shared || st.type === "zfspool"));
}

export function haRestartTargets(model: Model, guest: Guest): string[] {
  const px = model.proxmox;
  if (!px || !guest.ha || guest.kind === "metal" || !restartableStorage(model, guest)) return [];
  const group = px.haGroups.find((g) => g.name === guest.haGroup);
  const pool = group
    ? [...group.nodes, ...(group.restricted ? [] : px.nodes.filter((n) => !group.nodes.includes(n)))]
    : px.nodes;
  const hosts = new Map(model.hosts.map((h) => [h.name, h]));
  return pool
    .filter((n, i) => n !== guest.host && pool.indexOf(n) === i)
    .filter((n) => {
      const h = hosts.get(n);
      return h !== undefined && freeMemoryMiB(model, h) >= guest.memoryMiB;
    })
    .sort(
      (a, b) =>
        hosts.get(b)!.reliability.availability - hosts.get(a)!.reliability.availability ||
        (group ? 0 : a.localeCompare(b)),
    )
    .slice(0, HA_TARGET_CAP);
}

export function buildDependencyGraph(
  model: Model,
  costs: FailoverCosts = new FailoverCosts(model),
  current: CurrentLeaders = {},
): DependencyGraph {
  const b = new ExprBuilder();
  const components = modelComponents(model);
  const hosts = new Map(model.hosts.map((h) => [h.name, h]));
  const guests = new Map(model.guests.map((g) => [g.name, g]));
  const placement = placeWorkloads(model);
  const haTargets = new Map<string, string[]>();
  const k8s = model.kubernetes;

  const hostPath = (name: string, nets: readonly string[]): Expr => {
    const h = hosts.get(name);
    if (!h) return b.TRUE;
    const parts: Expr[] = [b.comp(hostId(name)), ...h.dependsOn.map((g) => b.comp(gearId(g)))];
    for (const net of [...nets].sort()) {
      const carriers = h.nics.filter((n) => n.networks.includes(net));
      // A network no NIC carries is a bridge inside the host (seed 002's admin and apps).
      if (carriers.length)
        parts.push(
          b.any(
            carriers.map((n) => ({ expr: b.comp(nicId(n.id)), switchMs: 0 })),
            "bonded NIC",
          ),
        );
    }
    return b.all(parts);
  };

  // Corosync's votes as src/topology/corosync-quorum.ts counts them (what corosync.conf says).
  const corosync = ((): Expr | undefined => {
    const px = model.proxmox;
    if (!px || px.nodes.length === 0) return undefined;
    const nodeUp = (n: string): Expr => {
      const h = hosts.get(n);
      if (!h) return b.FALSE;
      const links = h.nics.filter((nic) => nic.networks.some((net) => px.links.includes(net)));
      const link = links.length
        ? b.any(
            links.map((l) => ({ expr: b.comp(nicId(l.id)), switchMs: 0 })),
            "Corosync redundant link",
          )
        : b.TRUE;
      return b.all([b.comp(hostId(n)), ...h.dependsOn.map((g) => b.comp(gearId(g))), link]);
    };
    const q = corosyncQuorum(model);
    // One node: no cluster, its own vote is the quorum.
    if (!q) return b.kofn(1, px.nodes.map(nodeUp), 0, "Corosync quorum", "corosync.token");
    const nodes = q.voters.map((v) => nodeUp(v.name));
    const byNodes = b.kofn(q.quorumVotes, nodes, 0, "Corosync quorum", "corosync.token");
    if (!q.device) return byNodes;
    const m = q.device.machine;
    const g = guests.get(m);
    const device = g ? plainGuest(g) : hostPath(m, Object.keys(hosts.get(m)?.address ?? {}));
    // The QDevice's votes count only with a partition of nodes to give them to.
    const withDevice = b.all([
      device,
      b.kofn(Math.max(1, q.quorumVotes - q.device.votes), nodes, 0, "Corosync quorum", "corosync.token"),
    ]);
    return b.any(
      [
        { expr: byNodes, switchMs: 0 },
        { expr: withDevice, switchMs: 0 },
      ],
      `QDevice vote (${q.device.algorithm})`,
      "corosync.token",
    );
  })();

  function plainGuest(g: Guest): Expr {
    return b.all([b.comp(guestId(g.name)), hostPath(g.host, Object.keys(g.address))]);
  }

  const guestMemo = new Map<string, Expr>();
  const guestPath = (name: string): Expr => {
    const hit = guestMemo.get(name);
    if (hit) return hit;
    const g = guests.get(name);
    let e: Expr = b.FALSE;
    if (g) {
      const targets = haRestartTargets(model, g);
      if (g.ha) haTargets.set(name, targets);
      if (targets.length && corosync) {
        const nets = Object.keys(g.address);
        const where = b.any(
          [
            { expr: hostPath(g.host, nets), switchMs: 0 },
            ...targets.map((t) => ({ expr: hostPath(t, nets), switchMs: costs.haRestart() })),
          ],
          "Proxmox HA restart on another node",
          "proxmox.haRecovery",
        );
        // A node with HA guests that loses quorum fences itself: they need the quorum to run.
        e = b.all([b.comp(guestId(name)), corosync, where]);
      } else e = plainGuest(g);
    }
    guestMemo.set(name, e);
    return e;
  };

  const servers = k8s ? leaderFirst(byAvailability(model, k8s.servers), current.etcd) : [];
  const quorum = (electionMs: number): Expr | undefined => {
    if (!k8s || servers.length === 0) return undefined;
    if (k8s.datastore === "sqlite") return guestPath(k8s.servers[0]!);
    return b.kofn(
      majority(servers.length),
      servers.map(guestPath),
      electionMs,
      "etcd leader election",
      "etcd.election",
    );
  };
  const controlPlane = quorum(costs.ms("etcd.election"));
  // kube-vip keeps its VIP while it can renew within renewDeadline: an etcd election shorter than
  // that costs the API its writes but leaves the VIP (and the ingress behind it) where it is.
  const leaseRenewal = k8s
    ? quorum(costs.ms("etcd.election") < k8s.kubeVip.renewMs ? 0 : costs.ms("etcd.election"))
    : undefined;

  const lbFront = (lb: LoadBalancer, backends: readonly string[]): Expr =>
    b.all([
      b.any(
        leaderFirst(lb.guests, current.vips?.[lb.vip]).map((g) => ({
          expr: guestPath(g),
          switchMs: costs.vrrpTakeover(lb),
        })),
        `VRRP takeover (${lb.name})`,
        "vrrp.failover",
      ),
      b.any(
        backends.map((n) => ({ expr: guestPath(n), switchMs: costs.haproxyDetect(lb) })),
        `HAProxy health check (${lb.name})`,
        "haproxy.detect",
      ),
    ]);

  const vips = modelVips(model);
  // kube-vip renews its Lease through the API server, which needs etcd quorum: without it the
  // leader drops the VIP and no candidate can take it, so the address needs the control plane too.
  // The holder keeps the VIP through an etcd election shorter than its renew deadline; a new
  // holder must write the Lease, so it waits for the election as well.
  const needsExpr = (d: VipDependency, holding = true): Expr =>
    d === "kubernetes-api" ? ((holding ? leaseRenewal : controlPlane) ?? b.FALSE) : b.TRUE;
  const kubeVipFront = (vip: Vip): Expr =>
    b.any(
      leaderFirst(byAvailability(model, vip.candidates), current.vips?.[vip.address]).map((s, i) => ({
        expr: b.all([guestPath(s), ...vip.needs.map((d) => needsExpr(d, i === 0))]),
        switchMs: costs.kubeVip(),
      })),
      "kube-vip lease takeover",
      "kubevip.failover",
    );
  const keepalivedFront = (vip: Vip, backends: readonly string[]): Expr => {
    const lb = model.loadBalancers.find((l) => l.name === vip.loadBalancer);
    if (lb) return lbFront(lb, backends);
    return b.any(
      leaderFirst(byAvailability(model, vip.candidates), current.vips?.[vip.address]).map((s) => ({
        expr: guestPath(s),
        switchMs: costs.ms("vrrp.failover"),
      })),
      "VRRP takeover (keepalived on the servers)",
      "vrrp.failover",
    );
  };

  const byAddress = (address: string): Expr | undefined => {
    const g = model.guests.find((x) => Object.values(x.address).includes(address));
    if (g) return guestPath(g.name);
    const h = model.hosts.find((x) => Object.values(x.address).includes(address));
    return h ? hostPath(h.name, Object.keys(h.address)) : undefined;
  };

  const apiFront = ((): Expr | undefined => {
    if (!k8s || servers.length === 0) return undefined;
    const vip = vipFor(vips, { kind: "api" });
    if (vip?.mechanism === "kube-vip") return kubeVipFront(vip);
    if (vip?.mechanism === "keepalived") return keepalivedFront(vip, servers);
    return byAddress(k8s.api.endpoint) ?? guestPath(k8s.servers[0]!);
  })();

  const nodesFor = (set: "k3s-servers" | "k3s-nodes" | "k3s-agents"): string[] => {
    if (!k8s) return [];
    const pool = set === "k3s-servers" ? k8s.servers : set === "k3s-agents" ? k8s.agents : placement.nodes;
    return placement.nodes.filter((n) => pool.includes(n));
  };

  const ingressFront = ((): { expr: Expr; note: string } | undefined => {
    if (!k8s) return undefined;
    const ing = k8s.ingress;
    switch (ing.via) {
      case "kube-vip": {
        const vip = vipFor(vips, { kind: "ingress" });
        return servers.length && vip
          ? {
              expr: kubeVipFront(vip),
              note: "ingress: the kube-vip VIP on a server (needs the API for its lease)",
            }
          : undefined;
      }
      case "metallb": {
        const speakers = alternativeNodes(model, placement, [], NODE_CAP);
        return {
          expr: b.any(
            speakers.map((n) => ({ expr: guestPath(n), switchMs: costs.ms("metallb.failover") })),
            "MetalLB L2 re-announce",
            "metallb.failover",
          ),
          note: "ingress: a MetalLB address announced by one node",
        };
      }
      case "load-balancer": {
        const vip = vipFor(vips, { kind: "ingress" });
        const lb = model.loadBalancers.find((l) => l.name === vip?.loadBalancer);
        if (!lb) return undefined;
        const web = lb.frontends.find((f) => f.port === 443) ?? lb.frontends.find((f) => f.port === 80);
        const backends = nodesFor(web?.backends ?? "k3s-nodes");
        const shown = alternativeNodes(model, placement, [], NODE_CAP, backends);
        return {
          expr: lbFront(lb, shown),
          note: `ingress: the ${lb.name} pair's VIP ${lb.vip}, HAProxy to the nodes`,
        };
      }
      case "node": {
        const node = ing.node ?? k8s.servers[0]!;
        return { expr: guestPath(node), note: `ingress: DNS points at node ${node} itself (no failover)` };
      }
    }
  })();

  const longhorn = model.storage.class === "longhorn" ? model.storage.longhorn : undefined;
  const podsExpr = (replicas: readonly string[], persistent: boolean, notes: string[]): Expr => {
    const stuck = persistent && (!longhorn || longhorn.nodeDownPodDeletion === "do-nothing");
    const alternatives = replicas.map((n) => ({ expr: guestPath(n), switchMs: 0 }));
    if (stuck) {
      notes.push(
        longhorn
          ? "its Longhorn volume stays attached to a lost node (nodeDownPodDeletion: do-nothing): the pod waits for the node"
          : "its data is on the node (local-path): the pod cannot move, it waits for the node",
      );
    } else {
      const targets = alternativeNodes(model, placement, replicas, RESCHEDULE_CAP);
      const onLonghorn = persistent && longhorn !== undefined;
      const volume = onLonghorn
        ? b.any(
            [
              ...replicas.slice(0, 1),
              ...alternativeNodes(model, placement, replicas.slice(0, 1), longhorn.replicas - 1),
            ]
              .slice(0, longhorn.replicas)
              .map((n) => ({ expr: guestPath(n), switchMs: 0 })),
            "Longhorn replica",
          )
        : b.TRUE;
      if (targets.length && controlPlane) {
        alternatives.push({
          expr: b.all([
            controlPlane,
            b.any(
              targets.map((t) => ({ expr: guestPath(t), switchMs: 0 })),
              "schedulable node",
            ),
            volume,
          ]),
          switchMs: costs.reschedule(onLonghorn),
        });
        if (replicas.length === 1)
          notes.push(
            `one replica: after losing its node it runs again elsewhere (eviction${onLonghorn ? " and Longhorn reattach" : ""})`,
          );
      }
    }
    return b.any(alternatives, "pod rescheduled after node loss", "k8s.podEviction");
  };

  const traefikSvc = model.services.find((s) => s.catalog === "traefik" && s.on.length === 0);
  const traefikPods = ((): Expr => {
    if (traefikSvc) return podsExpr(placement.services.get(traefikSvc.name) ?? [], false, []);
    if (placement.bundledTraefik.length) return podsExpr(placement.bundledTraefik, false, []);
    return b.TRUE;
  })();

  const databaseExpr = (db: Database, notes: string[]): Expr => {
    if (db.engine === "patroni") {
      const members = leaderFirst(byAvailability(model, db.guests), current.databases?.[db.name]);
      const k = majority(members.length);
      notes.push(`database ${db.name}: Patroni on ${members.length} guest(s), its DCS needs ${k}`);
      return b.kofn(
        k,
        members.map(guestPath),
        costs.ms("patroni.failover"),
        `Patroni failover (${db.name})`,
        "patroni.failover",
      );
    }
    const nodes = leaderFirst(
      byAvailability(model, placement.databases.get(db.name) ?? []),
      current.databases?.[db.name],
    );
    if (nodes.length === 0) return b.FALSE;
    const k = db.synchronous && nodes.length >= 2 ? 2 : 1;
    notes.push(
      `database ${db.name}: CloudNativePG, ${nodes.length} instance(s)${k === 2 ? ", synchronous: writes need the primary and a standby" : ""}`,
    );
    const quorum = b.kofn(
      k,
      nodes.map(guestPath),
      costs.ms("cnpg.failover"),
      `CloudNativePG failover (${db.name})`,
      "cnpg.failover",
    );
    // Promoting a standby is the operator's job, through the API.
    const promote = b.any(
      [
        { expr: guestPath(nodes[0]!), switchMs: 0 },
        ...(controlPlane ? [{ expr: controlPlane, switchMs: 0 }] : []),
      ],
      "CloudNativePG promotion",
    );
    return b.all([quorum, promote]);
  };

  const serviceGraph = (s: Service): ServiceGraph => {
    const notes: string[] = [];
    const parts: Expr[] = [];
    let nodes: string[] = [];
    if (s.on.length) {
      parts.push(
        b.any(
          s.on.map((g) => ({ expr: guestPath(g), switchMs: 0 })),
          "clients use another instance",
        ),
      );
      notes.push(`runs on ${s.on.join(", ")} directly`);
    } else {
      nodes = placement.services.get(s.name) ?? [];
      parts.push(podsExpr(nodes, s.persistenceGiB > 0, notes));
      const isTraefik = s === traefikSvc;
      if ((s.hostname || isTraefik) && ingressFront) {
        parts.push(ingressFront.expr);
        notes.push(ingressFront.note);
        if (!isTraefik) parts.push(traefikPods);
      }
    }
    const db = s.database ? model.databases.find((d) => d.name === s.database) : undefined;
    if (db) parts.push(databaseExpr(db, notes));
    return {
      name: s.name,
      kind: "service",
      path: ["services", s.name],
      root: b.all(parts),
      placement: nodes,
      notes,
      target: s.target,
    };
  };

  const services: ServiceGraph[] = [];
  if (k8s && controlPlane && apiFront) {
    services.push({
      name: KUBERNETES_API,
      kind: "platform",
      path: ["kubernetes"],
      root: b.all([controlPlane, apiFront]),
      placement: k8s.servers,
      notes: [
        k8s.datastore === "sqlite"
          ? `control plane: one server with sqlite (${k8s.servers[0]})`
          : `control plane: etcd on ${servers.length} servers, quorum ${majority(servers.length)}`,
        apiEndpointNote(k8s.api.endpoint, vipFor(vips, { kind: "api" })),
      ],
    });
  }
  const cq = corosyncQuorum(model);
  if (corosync && cq) {
    const d = cq.device;
    services.push({
      name: PROXMOX_QUORUM,
      kind: "platform",
      path: ["proxmox"],
      root: corosync,
      placement: cq.voters.map((v) => v.name),
      notes: [
        `Corosync: ${cq.voters.length} node vote(s)${d ? ` + QDevice on ${d.machine} (${d.algorithm}, ${d.votes} vote${d.votes > 1 ? "s" : ""})` : ""}, quorum ${cq.quorumVotes} of ${cq.expectedVotes}`,
        ...(cq.mode === "two_node"
          ? [
              "two_node: either node alone keeps quorum; wait_for_all: after both were down, quorum returns only once both are seen (not in these figures)",
            ]
          : []),
      ],
    });
  }
  for (const s of model.services) services.push(serviceGraph(s));
  const guestExprs = new Map(model.guests.map((g) => [g.name, guestPath(g.name)]));
  return {
    builder: b,
    components,
    services,
    placement,
    costs,
    haTargets,
    guests: guestExprs,
    databases: new Map(model.databases.map((db) => [db.name, databaseExpr(db, [])])),
    corosync,
    controlPlane,
    vips: vips.map((vip) => ({
      vip,
      candidates: new Map(vip.candidates.map((c) => [c, guestPath(c)])),
      needs: new Map(vip.needs.map((d) => [d, needsExpr(d)])),
    })),
    current,
  };
}

function apiEndpointNote(endpoint: string, vip: Vip | undefined): string {
  return vip
    ? `API endpoint: ${endpoint} held by ${holderText(vip)}`
    : `API endpoint: ${endpoint} (one server, no VIP)`;
}
