// From the model to the lab's topology: which network namespaces, switches and veth cables make the
// homelab on one Linux box, which addresses they carry and which daemon runs where. Pure, so the
// whole layout is unit-tested without root; netns.ts and the daemon modules carry it out.
//
// Physical picture: each network is a switch (a bridge in the root namespace, no address, no
// route). Each host is a namespace cabled to the switches by its NICs; a Proxmox host bridges its
// guests behind its NIC the way vmbrN does, so cutting a host NIC cuts its guests, as seed 003's
// failing NIC did. A bare-metal guest is its host's OS and shares its namespace. The lab adds a
// client namespace on every network (the user's laptop: probes run there) and, for each database,
// a router namespace that stands in for the Kubernetes Service in front of the primary.
import { UserError } from "../diagnostic/user-error.js";
import { placeWorkloads } from "../analyze/placement.js";
import type { Database, Guest, Host, Model, Network } from "../model/model.js";
import { clientSides } from "../topology/exposure.js";
import { guestInterface } from "../model/interfaces.js";
import { inCidr, intToIp, ipToInt, inRange } from "../model/ip.js";
import { corosyncQuorum, type CorosyncQuorum } from "../topology/corosync-quorum.js";
import { modelVips, vipFor, vipLabels } from "../topology/vips.js";
import { clampIfName, namespaceName, portName, switchName, type LabId } from "./names.js";

export type NodeKind = "host" | "guest" | "client" | "router";

/** Nodes the lab adds itself; the underscore keeps them apart from spec names (which cannot have one). */
export const CLIENT_NODE = "_client";
export const routerNode = (db: string): string => `_db-${db}`;
/** One client per client segment (public, lan, admin), for the exposure probes. */
export const sideClientNode = (network: string): string => `_c-${network}`;

export interface LabSwitch {
  network: string;
  /** The bridge in the root namespace. */
  bridge: string;
  prefix: number;
}

export interface LabInterface {
  network: string;
  /** The interface that carries the node's address on this network (a bridge on Proxmox hosts). */
  name: string;
  /** `a.b.c.d/nn`, absent when the node has no address on this network. */
  address?: string;
}

export interface LabNode {
  name: string;
  kind: NodeKind;
  namespace: string;
  /** Guests: the host they run on. */
  host?: string;
  /** Bare-metal guests living in this node's namespace. */
  guests: string[];
  ifaces: LabInterface[];
  /** Bridges inside the namespace (Proxmox hosts: one per network, like vmbrN). */
  bridges: { name: string; network: string }[];
}

/** A veth cable: the outer end plugs into a switch or a host bridge, the inner end is a node's NIC. */
export interface LabLink {
  /** Stable id, e.g. `pve-01/eth0/lan` for a host NIC, `k3s-1/lan` for a guest NIC. */
  id: string;
  network: string;
  kind: "host-nic" | "guest-nic" | "lab";
  /** The node whose NIC this is. */
  node: string;
  /** Host NICs: the spec's NIC name (a NIC carrying several networks has one cable per network). */
  nic?: string;
  /** Undefined namespace: the root namespace. */
  outer: { namespace?: string; name: string; master: string };
  inner: { namespace: string; name: string; master?: string };
}

export type DaemonKind =
  | "corosync"
  | "qnetd"
  | "qdevice"
  | "etcd"
  | "keepalived"
  | "haproxy"
  | "kubevip-standin"
  | "ingress-standin"
  | "patroni"
  | "db-router";

export interface LabDaemon {
  node: string;
  kind: DaemonKind;
  /** The database or load balancer it serves, when there can be several. */
  instance?: string;
  /** The spec guest or host whose generated files it runs (a bare-metal guest lives in its host's node). */
  machine?: string;
  /** Stand-ins are labelled as such everywhere they are shown. */
  standin: boolean;
  label: string;
}

/** The lab daemon that moves a VIP; "none" when nothing in the lab can (kube-vip without etcd). */
export type VipMover = "keepalived" | "kubevip-standin" | "db-router" | "none";

/** How every lab output names what moves a VIP: the design's daemon, and "(stand-in)" when it is one. */
export function vipMoverText(v: { movedBy: VipMover }): string {
  switch (v.movedBy) {
    case "keepalived":
      return "keepalived";
    case "kubevip-standin":
      return "kube-vip (stand-in)";
    case "db-router":
      return "database service (stand-in)";
    case "none":
      return "nothing (not rehearsed)";
  }
}

export interface LabVip {
  address: string;
  network: string;
  movedBy: VipMover;
  /** Moved by a labelled stand-in, not the daemon the design ships. */
  standin: boolean;
  /** Nodes that may hold it. */
  candidates: string[];
  /** What it serves: `api`, `ingress`, `lb:<name>`, `db:<name>`. */
  purposes: string[];
}

export interface LabEtcd {
  members: { node: string; address: string }[];
  heartbeatMs: number;
  electionMs: number;
}

export interface LabKubeVip {
  vip: string;
  network: string;
  /** The interface name per candidate node (what kube-vip's `vip_interface` would be). */
  iface: Record<string, string>;
  leaseMs: number;
  renewMs: number;
  retryMs: number;
}

export interface LabIngress {
  node: string;
  /**
   * Services answered by Host header, with the nodes running their replicas (the plan's placement):
   * a node without a replica passes the request on to one that has it, as Traefik does through the
   * Service, so a service dies with the nodes of all its replicas.
   */
  services: { name: string; hostname: string; replicas: string[] }[];
  /** K3s servers also answer the API port (the stand-in writes to etcd). */
  api: boolean;
}

export interface LabDatabase {
  name: string;
  engine: Database["engine"];
  /** Nodes running PostgreSQL + Patroni, with the address each listens on. */
  members: { node: string; address: string }[];
  /** The address clients use: the spec's VIP, else the router's address. */
  address: string;
  router: string;
  synchronous: boolean;
  /** etcd client URLs Patroni keeps its leader key in. */
  dcs: string[];
}

export interface LabPlan {
  id: LabId;
  model: string;
  switches: LabSwitch[];
  nodes: LabNode[];
  links: LabLink[];
  daemons: LabDaemon[];
  vips: LabVip[];
  etcd?: LabEtcd;
  /** Corosync's quorum as the plan and corosync.conf count it; `lab status` holds the lab to it. */
  corosync?: CorosyncQuorum;
  kubeVip?: LabKubeVip;
  ingress: LabIngress[];
  databases: LabDatabase[];
  /** What the rehearsal leaves out, said once in `lab up` and docs/lab.md. */
  notes: string[];
}

/** K3s runs its embedded etcd with these (k3s pkg/etcd/etcd.go), not etcd's 100/1000 ms defaults. */
export const K3S_ETCD = { heartbeatMs: 500, electionMs: 5000 };

export function labPlan(model: Model, id: LabId): LabPlan {
  const notes: string[] = [];
  const k8s = model.kubernetes;
  const placement = placeWorkloads(model);
  const guestNode = (g: Guest): string => (g.kind === "metal" ? g.host : g.name);
  const nodeOf = (guestName: string): string => {
    const g = model.guests.find((x) => x.name === guestName);
    return g ? guestNode(g) : guestName;
  };

  const switches: LabSwitch[] = model.networks.map((n, i) => ({
    network: n.name,
    bridge: switchName(id, i),
    prefix: n.cidr.prefix,
  }));
  const switchOf = (net: string): string => switches.find((s) => s.network === net)!.bridge;
  const prefixOf = (net: string): number => model.networks.find((n) => n.name === net)!.cidr.prefix;
  const withPrefix = (ip: string, net: string): string => `${ip}/${prefixOf(net)}`;

  const nodes: LabNode[] = [];
  const links: LabLink[] = [];
  let port = 0;

  for (const host of model.hosts) {
    const ns = namespaceName(id, host.name);
    const metal = model.guests.filter((g) => g.host === host.name && g.kind === "metal");
    const vms = model.guests.filter((g) => g.host === host.name && g.kind !== "metal");
    const bridged = host.kind === "proxmox";
    const node: LabNode = {
      name: host.name,
      kind: "host",
      namespace: ns,
      guests: metal.map((g) => g.name),
      ifaces: [],
      bridges: [],
    };
    const nicIfaces = hostNicInterfaces(model, host);
    const bridgeFor = proxmoxBridges(model, host, vms);
    if (bridged) node.bridges = [...bridgeFor.entries()].map(([network, name]) => ({ network, name }));
    for (const { nic, network, iface } of nicIfaces) {
      links.push({
        id: `${host.name}/${nic}/${network}`,
        network,
        kind: "host-nic",
        node: host.name,
        nic,
        outer: { name: portName(id, port++), master: switchOf(network) },
        inner: { namespace: ns, name: iface, master: bridged ? bridgeFor.get(network) : undefined },
      });
    }
    for (const [network, address] of Object.entries(host.address)) {
      const name = bridged ? bridgeFor.get(network)! : nicIfaces.find((x) => x.network === network)?.iface;
      if (name) node.ifaces.push({ network, name, address: withPrefix(address, network) });
    }
    nodes.push(node);

    for (const g of vms) {
      const gns = namespaceName(id, g.name);
      const gnode: LabNode = {
        name: g.name,
        kind: "guest",
        namespace: gns,
        host: host.name,
        guests: [],
        ifaces: [],
        bridges: [],
      };
      Object.keys(g.address).forEach((network, i) => {
        const iface = guestInterface(model, g, network);
        const tap = `${g.kind === "lxc" ? "veth" : "tap"}${g.vmid}i${i}`;
        links.push({
          id: `${g.name}/${network}`,
          network,
          kind: "guest-nic",
          node: g.name,
          outer: { namespace: ns, name: tap, master: bridgeFor.get(network)! },
          inner: { namespace: gns, name: iface },
        });
        gnode.ifaces.push({ network, name: iface, address: withPrefix(g.address[network]!, network) });
      });
      nodes.push(gnode);
    }
  }

  // The lab's own nodes take addresses nobody in the spec uses, from the top of each network down.
  const taken = usedAddresses(model);
  const freeAddress = (net: Network): string => {
    for (let n = net.cidr.base + 2 ** (32 - net.cidr.prefix) - 2; n > net.cidr.base; n--) {
      if (!taken.has(n) && !net.dhcp.some((r) => inRange(n, r))) {
        taken.add(n);
        return intToIp(n);
      }
    }
    throw new UserError(
      `no free address left in ${net.cidr.text} for the lab's client`,
      `free one address in network ${net.name}: the lab's client needs one beside the spec's hosts and guests`,
      "no-free-address",
    );
  };
  const labNode = (name: string, kind: NodeKind, nets: { network: Network; address?: string }[]): LabNode => {
    const ns = namespaceName(id, name);
    const n: LabNode = { name, kind, namespace: ns, guests: [], ifaces: [], bridges: [] };
    for (const { network, address } of nets) {
      const iface = clampIfName(network.name);
      links.push({
        id: `${name}/${network.name}`,
        network: network.name,
        kind: "lab",
        node: name,
        outer: { name: portName(id, port++), master: switchOf(network.name) },
        inner: { namespace: ns, name: iface },
      });
      n.ifaces.push({
        network: network.name,
        name: iface,
        address: withPrefix(address ?? freeAddress(network), network.name),
      });
    }
    nodes.push(n);
    return n;
  };
  labNode(
    CLIENT_NODE,
    "client",
    model.networks.map((network) => ({ network })),
  );
  const daemons: LabDaemon[] = [];
  const vips: LabVip[] = [];
  const designVips = modelVips(model);
  const addVip = (
    address: string,
    network: string,
    movedBy: VipMover,
    candidates: string[],
    purpose: string,
  ): void => {
    const existing = vips.find((v) => v.address === address);
    if (existing) {
      if (!existing.purposes.includes(purpose)) existing.purposes.push(purpose);
      return;
    }
    const standin = movedBy === "kubevip-standin" || movedBy === "db-router";
    vips.push({ address, network, movedBy, standin, candidates, purposes: [purpose] });
  };
  const addressOn = (node: string, network: string): string | undefined =>
    nodes
      .find((n) => n.name === node)
      ?.ifaces.find((i) => i.network === network)
      ?.address?.split("/")[0];

  // Proxmox cluster: Corosync on every node of the cluster.
  const corosync = corosyncQuorum(model);
  for (const h of corosync ? corosync.voters.map((v) => v.name) : [])
    daemons.push({
      node: h,
      kind: "corosync",
      machine: h,
      standin: false,
      label: "corosync (Proxmox VE quorum)",
    });
  // The QDevice: qnetd on the spec's machine, a qdevice beside each node's corosync.
  const device = corosync?.device;
  if (corosync && device) {
    daemons.push({
      node: nodeOf(device.machine),
      kind: "qnetd",
      machine: device.machine,
      standin: false,
      label: `corosync-qnetd (QDevice, ${device.algorithm})`,
    });
    for (const v of corosync.voters)
      daemons.push({
        node: v.name,
        kind: "qdevice",
        machine: v.name,
        standin: false,
        label: "corosync-qdevice (the QDevice's vote, from qnetd)",
      });
  }

  // Load-balancer pairs: keepalived + haproxy exactly as generated.
  for (const lb of model.loadBalancers) {
    for (const g of lb.guests) {
      const node = nodeOf(g);
      daemons.push({
        node,
        kind: "keepalived",
        instance: lb.name,
        machine: g,
        standin: false,
        label: `keepalived (VRRP for ${lb.name})`,
      });
      daemons.push({
        node,
        kind: "haproxy",
        instance: lb.name,
        machine: g,
        standin: false,
        label: `haproxy (${lb.name})`,
      });
    }
  }

  let etcd: LabEtcd | undefined;
  let kubeVip: LabKubeVip | undefined;
  const ingress: LabIngress[] = [];
  if (k8s) {
    const servers = k8s.servers.map(nodeOf);
    const k8sNodes = [...k8s.servers, ...k8s.agents];
    if (k8s.datastore === "embedded-etcd") {
      etcd = {
        members: servers.map((node) => ({ node, address: addressOn(node, k8s.api.network)! })),
        ...K3S_ETCD,
      };
      for (const node of servers)
        daemons.push({
          node,
          kind: "etcd",
          standin: false,
          label: "etcd (K3s embedded datastore, K3s timings)",
        });
    }
    const apiVip = vipFor(designVips, { kind: "api" });
    if (apiVip?.mechanism === "kube-vip") {
      kubeVip = {
        vip: apiVip.address,
        network: apiVip.network,
        iface: Object.fromEntries(
          apiVip.candidates.map((s) => [
            nodeOf(s),
            guestInterface(
              model,
              model.guests.find((g) => g.name === s)!,
              apiVip.network,
            ),
          ]),
        ),
        leaseMs: k8s.kubeVip.leaseMs,
        renewMs: k8s.kubeVip.renewMs,
        retryMs: k8s.kubeVip.retryMs,
      };
      for (const server of apiVip.candidates)
        daemons.push({
          node: nodeOf(server),
          machine: server,
          kind: "kubevip-standin",
          standin: true,
          label: "kube-vip stand-in (leader lease in etcd)",
        });
      if (!etcd)
        notes.push(
          "kube-vip needs the Kubernetes API: without embedded etcd the stand-in has no lease store and is not started",
        );
    } else if (apiVip?.mechanism === "keepalived" && apiVip.loadBalancer === undefined) {
      // One keepalived per machine: a server that is also a load balancer already runs one.
      for (const s of apiVip.candidates) {
        if (daemons.some((x) => x.kind === "keepalived" && x.node === nodeOf(s))) continue;
        daemons.push({
          node: nodeOf(s),
          kind: "keepalived",
          instance: "api",
          machine: s,
          standin: false,
          label: "keepalived (API VIP)",
        });
      }
    }
    const hostnames = model.services
      .filter((s) => s.on.length === 0 && s.hostname)
      .map((s) => ({
        name: s.name,
        hostname: s.hostname!,
        replicas: [...new Set((placement.services.get(s.name) ?? []).map(nodeOf))],
      }));
    for (const g of k8sNodes) {
      const node = nodeOf(g);
      ingress.push({ node, services: hostnames, api: k8s.servers.includes(g) });
      daemons.push({
        node,
        kind: "ingress-standin",
        standin: true,
        label: "ingress stand-in (Traefik; API stand-in on servers)",
      });
    }
    if (k8s.ingress.via === "metallb")
      notes.push(
        "MetalLB is not rehearsed: the ingress is probed on the first K3s node instead of a MetalLB address",
      );
  }

  // The design's VIPs as the topology decides them, each moved here by the daemon that ships
  // (keepalived) or by the labelled stand-in (kube-vip); database addresses follow below.
  for (const v of designVips) {
    if (v.purposes.every((p) => p.kind === "database")) continue;
    const movedBy: VipMover | undefined =
      v.mechanism === "keepalived"
        ? "keepalived"
        : v.mechanism === "kube-vip"
          ? etcd
            ? "kubevip-standin"
            : "none"
          : undefined;
    if (movedBy)
      for (const p of vipLabels(v)) addVip(v.address, v.network, movedBy, v.candidates.map(nodeOf), p);
  }

  const databases: LabDatabase[] = [];
  for (const db of model.databases) {
    // CloudNativePG instances go where the plan places them; one PostgreSQL per node in the lab.
    const members = [
      ...new Set(
        db.engine === "patroni"
          ? db.guests.map(nodeOf)
          : (placement.databases.get(db.name) ?? []).map(nodeOf),
      ),
    ];
    const wanted = db.engine === "patroni" ? db.guests.length : db.instances;
    if (members.length > 0 && members.length < wanted)
      notes.push(
        `database ${db.name}: ${wanted} instances placed on ${members.length} nodes; the lab runs one per node`,
      );
    if (members.length === 0) {
      notes.push(`database ${db.name}: no node to run it on, not rehearsed`);
      continue;
    }
    const network = dbNetwork(model, db, members, nodes);
    const net = model.networks.find((n) => n.name === network)!;
    const router = labNode(routerNode(db.name), "router", [{ network: net, address: db.vip }]);
    const address = router.ifaces[0]!.address!.split("/")[0]!;
    const ownEtcd = !etcd;
    const dcsMembers = etcd
      ? etcd.members
      : members.map((node) => ({ node, address: addressOn(node, network)! }));
    if (ownEtcd) {
      etcd = { members: dcsMembers, ...K3S_ETCD };
      for (const m of dcsMembers)
        daemons.push({ node: m.node, kind: "etcd", standin: false, label: "etcd (Patroni's store)" });
    }
    databases.push({
      name: db.name,
      engine: db.engine,
      members: members.map((node) => ({ node, address: addressOn(node, network)! })),
      address,
      router: router.name,
      synchronous: db.synchronous,
      dcs: dcsMembers.map((m) => `${m.address}:2379`),
    });
    const standin = db.engine === "cloudnative-pg";
    for (const node of members) {
      daemons.push({
        node,
        kind: "patroni",
        instance: db.name,
        standin,
        label: standin
          ? `PostgreSQL + Patroni (stand-in for CloudNativePG ${db.name})`
          : `PostgreSQL + Patroni (${db.name})`,
      });
    }
    daemons.push({
      node: router.name,
      kind: "db-router",
      instance: db.name,
      standin: true,
      label: `haproxy to the primary through Patroni's REST check (stand-in for the ${db.name}-rw Service)`,
    });
    addVip(address, network, "db-router", [router.name], `db:${db.name}`);
  }

  // The lab's client sits on every network (it observes the lab: etcd, Patroni, HAProxy); these sit
  // on one segment each, as a user's device does, so what they reach is measured, not assumed.
  for (const side of clientSides(model))
    if (side.network)
      labNode(sideClientNode(side.network), "client", [
        { network: model.networks.find((n) => n.name === side.network)! },
      ]);

  return {
    id,
    model: model.name,
    switches,
    nodes,
    links,
    daemons,
    vips,
    etcd,
    corosync,
    kubeVip,
    ingress,
    databases,
    notes,
  };
}

/** One cable per (NIC, network), named as the host's OS names it (the way metal guests' configs say). */
function hostNicInterfaces(model: Model, host: Host): { nic: string; network: string; iface: string }[] {
  const out: { nic: string; network: string; iface: string }[] = [];
  const used = new Set<string>();
  for (const nic of host.nics) {
    nic.networks.forEach((network, i) => {
      const net = model.networks.find((n) => n.name === network);
      let iface =
        nic.networks.length === 1
          ? nic.name
          : net?.vlan !== undefined
            ? clampIfName(`${nic.name}.${net.vlan}`)
            : i === 0
              ? nic.name
              : clampIfName(`${nic.name}n${i}`);
      while (used.has(iface)) iface = clampIfName(`${iface.slice(0, 13)}${out.length}`);
      used.add(iface);
      out.push({ nic: nic.name, network, iface });
    });
  }
  return out;
}

/** The bridges of a Proxmox host: vmbrN per untagged network, vmbr0v<tag> for tagged ones (Proxmox's own naming). */
function proxmoxBridges(model: Model, host: Host, vms: Guest[]): Map<string, string> {
  const nets = new Set<string>([
    ...host.nics.flatMap((n) => n.networks),
    ...Object.keys(host.address),
    ...vms.flatMap((g) => Object.keys(g.address)),
  ]);
  const out = new Map<string, string>();
  for (const net of model.networks) {
    if (!nets.has(net.name)) continue;
    const shared = model.networks.filter((n) => n.bridge === net.bridge).length > 1;
    out.set(
      net.name,
      clampIfName(shared && net.vlan !== undefined ? `${net.bridge}v${net.vlan}` : net.bridge),
    );
  }
  return out;
}

function usedAddresses(model: Model): Set<number> {
  const used = new Set<number>();
  const add = (ip: string | undefined): void => {
    if (ip && /^\d+\.\d+\.\d+\.\d+$/.test(ip)) used.add(ipToInt(ip));
  };
  for (const n of model.networks) add(n.gateway);
  for (const h of model.hosts) Object.values(h.address).forEach(add);
  for (const g of model.guests) Object.values(g.address).forEach(add);
  for (const lb of model.loadBalancers) add(lb.vip);
  add(model.kubernetes?.api.vip);
  add(model.kubernetes?.ingress.address);
  for (const db of model.databases) add(db.vip);
  for (const r of model.dns.records) add(r.address);
  for (const p of model.metallbPools)
    for (const r of p.ranges) for (let n = r.first; n <= r.last && n - r.first < 4096; n++) used.add(n);
  return used;
}

function dbNetwork(model: Model, db: Database, members: string[], nodes: LabNode[]): string {
  if (db.vip) {
    const net = model.networks.find((n) => inCidr(db.vip!, n.cidr));
    if (net) return net.name;
  }
  const first = nodes.find((n) => n.name === members[0]);
  const preferred = model.kubernetes?.api.network;
  if (preferred && first?.ifaces.some((i) => i.network === preferred && i.address)) return preferred;
  return first?.ifaces.find((i) => i.address)?.network ?? model.networks[0]!.name;
}

/** The lab nodes a fault on `target` (a host or a guest) takes down with it. */
export function nodesOn(plan: LabPlan, target: string): string[] {
  const node = plan.nodes.find((n) => n.name === target || n.guests.includes(target));
  if (!node) return [];
  if (node.kind === "host")
    return [node.name, ...plan.nodes.filter((n) => n.host === node.name).map((n) => n.name)];
  return [node.name];
}

/** The lab node a spec host or guest lives in (bare-metal guests live in their host's). */
export function nodeFor(plan: LabPlan, name: string): LabNode | undefined {
  return plan.nodes.find((n) => n.name === name || n.guests.includes(name));
}

/** The lab node that runs corosync-qnetd: the one holding the spec's QDevice machine. */
export function qnetdNode(plan: LabPlan): string | undefined {
  const machine = plan.corosync?.device?.machine;
  return machine === undefined ? undefined : nodeFor(plan, machine)?.name;
}
