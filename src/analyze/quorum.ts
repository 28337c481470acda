// Failure domains at every layer: Corosync votes, etcd members, load-balancer pairs, Longhorn
// replicas, database instances and service replicas, each checked against the hosts they sit on.
// A layer that needs k of its members up survives a host failure only if no host holds more than
// n - k of them; the findings say which host breaks which layer and point at the placement line.
import type { Code } from "../diagnostic/codes.js";
import { diagnostic, type Diagnostic, type PathSegment } from "../diagnostic/diagnostic.js";
import type { Guest, Model } from "../model/model.js";
import { corosyncQuorum } from "../topology/corosync-quorum.js";
import { majority } from "../topology/majority.js";
import { haRestartTargets, restartableStorage } from "./dependency-graph.js";
import type { LayerReport } from "./plan-report.js";
import type { Placement } from "./placement.js";

interface Member {
  name: string;
  host: string;
  /** Votes it casts (1 unless said): a corosync lms QDevice holds n - 1. */
  votes?: number;
}

interface Group {
  layer: string;
  title: string;
  members: Member[];
  /** Votes needed (one per member unless members say otherwise). */
  needed: number;
  /** Why `needed` is what it is, when not a plain majority (corosync's two_node). */
  note?: string;
}

export function analyseGroup(g: Group): LayerReport {
  const perHost = new Map<string, number>();
  for (const m of g.members) perHost.set(m.host, (perHost.get(m.host) ?? 0) + (m.votes ?? 1));
  const total = [...perHost.values()].reduce((s, v) => s + v, 0);
  const weighted = g.members.some((m) => (m.votes ?? 1) !== 1);
  const counts = [...perHost.values()].sort((a, b) => b - a);
  let remaining = total;
  let tolerated = 0;
  for (const c of counts) {
    if (remaining - c < g.needed) break;
    remaining -= c;
    tolerated++;
  }
  if (total < g.needed) tolerated = 0;
  const breakingHosts = [...perHost.entries()]
    .filter(([, c]) => total - c < g.needed)
    .map(([h]) => h)
    .sort();
  const counted = weighted ? `${g.members.length} member(s) with ${total} votes` : `${total} member(s)`;
  const needed = `${g.needed} needed${g.note ? ` (${g.note})` : ""}`;
  const summary =
    total < g.needed
      ? `${counted}, ${needed}: never up`
      : `${counted} on ${perHost.size} host(s), ${needed}: ${
          breakingHosts.length
            ? `broken by losing ${breakingHosts.join(" or ")}`
            : `survives any ${tolerated} host failure(s)`
        }`;
  return {
    layer: g.layer,
    title: g.title,
    members: [...g.members]
      .sort((a, b) => a.name.localeCompare(b.name))
      .map((m) => ({ name: m.name, host: m.host, ...(m.votes !== undefined ? { votes: m.votes } : {}) })),
    needed: g.needed,
    distinctHosts: perHost.size,
    toleratedHostFailures: total < g.needed ? 0 : tolerated,
    breakingHosts,
    summary,
  };
}

export interface FailureDomains {
  layers: LayerReport[];
  findings: Diagnostic[];
}

export function failureDomains(model: Model, placement: Placement): FailureDomains {
  const layers: LayerReport[] = [];
  const findings: Diagnostic[] = [];
  const src = model.source;
  const guestHost = new Map(model.guests.map((g) => [g.name, g.host]));
  const asMembers = (names: readonly string[]): Member[] =>
    names.map((n) => ({ name: n, host: guestHost.get(n) ?? n }));
  const singleHost = model.hosts.length === 1;
  const add = (code: Code, path: PathSegment[], message: string, hint: string): void => {
    findings.push(diagnostic(src, code, path, message, hint));
  };
  // Where a guest could move to: a host of the right kind holding the fewest of `group`.
  const betterHost = (guest: Guest, group: readonly string[], avoid: string): string | undefined => {
    const kinds = guest.kind === "metal" ? [] : ["proxmox"];
    const load = (h: string): number => group.filter((g) => guestHost.get(g) === h).length;
    return model.hosts
      .filter((h) => h.name !== avoid && kinds.includes(h.kind))
      .map((h) => h.name)
      .sort((a, b) => load(a) - load(b) || a.localeCompare(b))[0];
  };
  const moveHint = (guest: Guest, group: readonly string[], avoid: string, why: string): string => {
    const to = betterHost(guest, group, avoid);
    return to
      ? `place \`${guest.name}\` on \`${to}\` (\`host: ${to}\`), ${why}`
      : `run \`${guest.name}\`'s role on another machine, ${why}`;
  };

  // --- Corosync ---------------------------------------------------------------------------------
  const px = model.proxmox;
  // Without a `proxmox:` section the locator would answer with the document's first line.
  const root = src.locate([]);
  const pxPos = src.locate(["proxmox"]);
  const pxPath: PathSegment[] =
    pxPos.line !== root.line || pxPos.column !== root.column ? ["proxmox"] : ["hosts", px?.nodes[0] ?? ""];
  const cq = corosyncQuorum(model);
  if (px && cq) {
    const members: Member[] = cq.voters.map((v) => ({ name: v.name, host: v.name, votes: v.votes }));
    if (cq.device)
      members.push({ name: `qdevice (${cq.device.machine})`, host: cq.device.host, votes: cq.device.votes });
    const layer = analyseGroup({
      layer: "corosync",
      title: "Proxmox cluster (Corosync votes)",
      members,
      needed: cq.quorumVotes,
      note: cq.mode === "two_node" ? "two_node" : undefined,
    });
    layers.push(layer);
    if (cq.mode === "two_node") {
      add(
        "HL107",
        pxPath,
        "two Proxmox nodes without a QDevice: corosync's two_node keeps the survivor quorate when either node dies, but wait_for_all (implied) means a cold-started cluster has no quorum until both nodes have been seen once, and when the link between them breaks both halves stay quorate and act alone",
        "add a QDevice (corosync-qnetd) on a third machine, e.g. a Raspberry Pi: `proxmox.qdevice.host`; until then do not mark guests `ha: true`, Proxmox HA cannot fence safely on two nodes",
      );
    } else if (!cq.device && px.nodes.length % 2 === 0) {
      add(
        "HL107",
        pxPath,
        `${px.nodes.length} Proxmox nodes: an even number of votes tolerates no more failures than ${px.nodes.length - 1} nodes`,
        "add a QDevice on a machine outside the cluster so one more failure keeps quorum",
      );
    }
    if (cq.device) {
      const qHost = cq.device.host;
      if (px.nodes.includes(qHost)) {
        add(
          "HL108",
          ["proxmox", "qdevice", "host"],
          `the QDevice runs on \`${qHost}\`, a node of the cluster: losing that host takes ${1 + cq.device.votes} votes at once`,
          "run corosync-qnetd on a machine outside the cluster (a Raspberry Pi, a VPS)",
        );
      }
    }
  }

  // --- K3s / etcd -------------------------------------------------------------------------------
  const k8s = model.kubernetes;
  if (k8s && k8s.servers.length) {
    const servers = k8s.servers;
    const etcd = k8s.datastore === "embedded-etcd";
    const layer = analyseGroup({
      layer: "etcd",
      title: etcd ? "K3s control plane (embedded etcd)" : "K3s control plane (sqlite, one server)",
      members: asMembers(etcd ? servers : servers.slice(0, 1)),
      needed: etcd ? majority(servers.length) : 1,
    });
    layers.push(layer);
    if (etcd && servers.length === 2) {
      add(
        "HL101",
        ["guests", servers[1]!, "role"],
        "two etcd members: the quorum is 2, so losing either server stops the Kubernetes API; two servers fail more often than one",
        "run three servers on three hosts (quorum 2 of 3), or a single server",
      );
    } else if (etcd && servers.length % 2 === 0) {
      add(
        "HL101",
        ["guests", servers[servers.length - 1]!, "role"],
        `${servers.length} etcd members tolerate ${Math.floor((servers.length - 1) / 2)} failure(s), no more than ${servers.length - 1} would`,
        "use an odd number of servers (3, 5 or 7)",
      );
    }
    if (etcd && servers.length >= 3 && !singleHost) {
      const spare = servers.length - majority(servers.length);
      // Fewest machines that can hold the servers with no host above the quorum's spare count.
      const machinesNeeded = Math.ceil(servers.length / Math.max(1, spare));
      for (const host of layer.breakingHosts) {
        const onHost = servers.filter((s) => guestHost.get(s) === host);
        const toMove = onHost.slice(spare);
        const culprit = model.guests.find((g) => g.name === toMove[0])!;
        const hint =
          model.hosts.length < machinesNeeded
            ? `${model.hosts.length} machine(s) cannot hold ${servers.length} servers without one holding a majority: add a machine (${machinesNeeded} are needed), or run a single server`
            : toMove.length === 1
              ? moveHint(
                  culprit,
                  servers,
                  host,
                  `so that no host holds a majority (${majority(servers.length)}) of the servers`,
                )
              : `move ${toMove.map((s) => `\`${s}\``).join(" and ")} to other hosts, so that no host holds a majority (${majority(servers.length)}) of the servers`;
        add(
          "HL100",
          ["guests", culprit.name, "host"],
          `host \`${host}\` holds ${onHost.length} of the ${servers.length} etcd members (${onHost.join(", ")}): when it fails, etcd loses its quorum and the Kubernetes API goes down with it`,
          hint,
        );
      }
    }
    if (servers.length > 1 && k8s.api.holder === "none") {
      add(
        "HL115",
        ["kubernetes", "api"],
        `the Kubernetes API has no virtual IP: clients use ${k8s.api.endpoint}, one server's address, and lose the API with that server although the others still run`,
        "set `kubernetes.api.vip` (held by kube-vip), or put the API behind a load-balancer pair (holder: load-balancer)",
      );
    }
    if (k8s.ingress.via === "node") {
      const node = k8s.ingress.node ?? servers[0]!;
      add(
        "HL114",
        ["kubernetes", "ingress", "via"],
        `service host names point at node \`${node}\` itself: when it is unreachable, requests go to a dead address while the pods run elsewhere (seed 003)`,
        "point DNS at a virtual IP: `via: kube-vip`, `via: metallb`, or `via: load-balancer` with an HAProxy + Keepalived pair",
      );
    }
  }

  // --- load balancers ---------------------------------------------------------------------------
  for (const lb of model.loadBalancers) {
    const layer = analyseGroup({
      layer: `load-balancer:${lb.name}`,
      title: `Load balancer ${lb.name} (VIP ${lb.vip})`,
      members: asMembers(lb.guests),
      needed: 1,
    });
    layers.push(layer);
    if (lb.guests.length === 1) {
      add(
        "HL103",
        ["loadBalancers", lb.name, "guests"],
        `load balancer \`${lb.name}\` has one guest: its VIP ${lb.vip} has no second holder and goes down with \`${lb.guests[0]}\``,
        "add a second guest on another host: Keepalived moves the VIP to it",
      );
    } else if (layer.distinctHosts === 1 && !singleHost) {
      const last = model.guests.find((g) => g.name === lb.guests[lb.guests.length - 1])!;
      add(
        "HL102",
        ["guests", last.name, "host"],
        `every guest of load balancer \`${lb.name}\` (${lb.guests.join(", ")}) sits on host \`${last.host}\`: the VRRP pair protects nothing when that host fails`,
        moveHint(last, lb.guests, last.host, "so the VIP survives the loss of either host"),
      );
    }
  }

  // --- Longhorn ---------------------------------------------------------------------------------
  const nodes = placement.nodes;
  const nodeHosts = new Set(nodes.map((n) => guestHost.get(n)!));
  if (model.storage.class === "longhorn" && model.storage.longhorn && nodes.length) {
    const replicas = model.storage.longhorn.replicas;
    const effective = Math.min(replicas, nodeHosts.size);
    layers.push({
      layer: "longhorn",
      title: `Longhorn volumes (${replicas} replica(s))`,
      members: asMembers(nodes).sort((a, b) => a.name.localeCompare(b.name)),
      needed: 1,
      distinctHosts: nodeHosts.size,
      toleratedHostFailures: Math.max(0, effective - 1),
      breakingHosts: effective <= 1 && nodeHosts.size === 1 ? [...nodeHosts] : [],
      summary: `${replicas} replica(s) per volume over ${nodes.length} node(s) on ${nodeHosts.size} host(s): survives any ${Math.max(0, effective - 1)} host failure(s)`,
    });
    if (replicas > nodeHosts.size && !singleHost) {
      add(
        "HL104",
        ["storage", "longhorn", "replicas"],
        `${replicas} replicas per volume, but the Kubernetes nodes sit on ${nodeHosts.size} host(s) (${[...nodeHosts].sort().join(", ")}): ${replicas - nodeHosts.size} replica(s) share a host with another and protect nothing when it fails`,
        nodeHosts.size === 1
          ? "spread the Kubernetes nodes over several hosts"
          : `use ${nodeHosts.size} replicas, or add nodes on other hosts`,
      );
    }
  }

  // --- databases --------------------------------------------------------------------------------
  for (const db of model.databases) {
    const members =
      db.engine === "patroni" ? asMembers(db.guests) : asMembers(placement.databases.get(db.name) ?? []);
    const needed =
      db.engine === "patroni" ? majority(members.length) : db.synchronous && members.length >= 2 ? 2 : 1;
    const layer = analyseGroup({
      layer: `database:${db.name}`,
      title: `Database ${db.name} (${db.engine})`,
      members,
      needed,
    });
    layers.push(layer);
    if (members.length > 1 && layer.breakingHosts.length && !singleHost) {
      const host = layer.breakingHosts[0]!;
      const onHost = members.filter((m) => m.host === host).map((m) => m.name);
      if (layer.distinctHosts < members.length) {
        const path: PathSegment[] =
          db.engine === "patroni"
            ? ["guests", onHost[onHost.length - 1]!, "host"]
            : ["databases", db.name, "instances"];
        add(
          "HL105",
          path,
          `${onHost.length} of the ${members.length} instances of database \`${db.name}\` run on host \`${host}\` (${onHost.join(", ")}): losing it stops the database`,
          db.engine === "patroni"
            ? "give each Patroni guest its own host"
            : "run the Kubernetes nodes on more hosts, or fewer instances",
        );
      } else {
        // Spread, but the quorum has no member to spare.
        add(
          "HL122",
          db.engine === "patroni" ? ["databases", db.name, "guests"] : ["databases", db.name, "instances"],
          `database \`${db.name}\` needs ${needed} of its ${members.length} instances (${
            db.engine === "patroni"
              ? "the DCS wants a majority"
              : "synchronous: writes need the primary and a standby"
          }): losing any one of their hosts stops it`,
          db.engine === "patroni"
            ? "run three Patroni guests on three hosts"
            : "run three instances, or accept asynchronous replication (synchronous: false)",
        );
      }
    }
  }

  // --- service replicas -------------------------------------------------------------------------
  const sharing: { service: string; host: string; last: string }[] = [];
  for (const s of model.services) {
    const on = s.on.length ? s.on : (placement.services.get(s.name) ?? []);
    if (on.length < 2) continue;
    const layer = analyseGroup({
      layer: `service:${s.name}`,
      title: `Service ${s.name} (${on.length} replicas)`,
      members: asMembers(on),
      needed: 1,
    });
    layers.push(layer);
    if (layer.distinctHosts === 1)
      sharing.push({ service: s.name, host: layer.members[0]!.host, last: on[on.length - 1]! });
  }
  if (sharing.length && !singleHost) {
    const { host, last } = sharing[0]!;
    add(
      "HL106",
      ["guests", last, "host"],
      `the replicas of ${sharing.map((s) => `\`${s.service}\``).join(", ")} all run on host \`${host}\`: they survive a pod or VM failure, not the host's`,
      "spread the Kubernetes nodes (or the guests of `on:`) over several hosts so replicas land on different machines",
    );
  }

  // --- every guest on one host ------------------------------------------------------------------
  const guestHosts = new Set(model.guests.map((g) => g.host));
  const pxHosts = model.hosts.filter((h) => h.kind === "proxmox");
  if (model.guests.length > 1 && guestHosts.size === 1 && pxHosts.length > 1) {
    const host = [...guestHosts][0]!;
    const last = model.guests[model.guests.length - 1]!;
    const replicated = [
      ...(k8s && k8s.servers.length > 1 ? [`${k8s.servers.length} K3s servers`] : []),
      ...model.loadBalancers.filter((l) => l.guests.length > 1).map((l) => `load-balancer pair ${l.name}`),
      ...(model.storage.longhorn && model.storage.longhorn.replicas > 1
        ? [`${model.storage.longhorn.replicas} Longhorn replicas`]
        : []),
      ...model.databases.filter((d) => d.instances > 1).map((d) => `${d.instances} instances of ${d.name}`),
    ];
    add(
      "HL120",
      ["guests", last.name, "host"],
      `every guest sits on host \`${host}\` although the lab has ${pxHosts.length} Proxmox hosts: ${replicated.length ? replicated.join(", ") : "the replicas"} protect nothing when \`${host}\` fails`,
      `spread the guests: one K3s server and one load balancer per host (${pxHosts.map((h) => h.name).join(", ")})`,
    );
  }
  if (singleHost && model.guests.length > 0) {
    add(
      "HL121",
      ["hosts", model.hosts[0]!.name],
      `everything runs on \`${model.hosts[0]!.name}\`: replicas and quorums protect against a guest failing, not against the machine`,
      "fine for learning; for real HA add machines (three for etcd and Corosync quorum)",
    );
  }

  // --- Proxmox HA -------------------------------------------------------------------------------
  for (const g of model.guests.filter((x) => x.ha)) {
    if (haRestartTargets(model, g).length) continue;
    const why =
      !px || px.nodes.length < 2
        ? "there is no other Proxmox node to restart it on"
        : g.kind === "metal"
          ? "a bare-metal OS cannot move"
          : !restartableStorage(model, g)
            ? `its disk is on \`${g.storage}\`, storage other nodes cannot reach`
            : "no other node has the memory for it";
    add(
      "HL109",
      ["guests", g.name, "ha"],
      `guest \`${g.name}\` is marked for Proxmox HA, but ${why}: it cannot restart elsewhere`,
      !restartableStorage(model, g) && px && px.nodes.length > 1
        ? "put its disk on shared storage (NFS, Ceph RBD) or on ZFS with replication to the other nodes"
        : "add a node with room for it, or rely on Kubernetes replicas instead",
    );
  }
  return { layers, findings };
}
