// `hlab plan CURRENT --to NEXT`: the ordered steps from one design to the next, each an action on
// one machine, with the state during and after it. The order is what keeps quorum: machines are
// added before anything depends on them, every new member joins before an old one leaves, clients
// switch to a new endpoint before the old one goes, and only one machine is out of service at a
// time. Every intermediate state is a Model, analysed by the plan itself (change-state.ts).
//
// Upstream facts the order rests on:
// - k3s-io/k3s pkg/etcd/etcd.go (join): a joining server is added with MemberAddAsLearner and
//   promoted once caught up, so a server joining does not change the voting quorum until it is a
//   full member; pkg/etcd/member_controller.go (onRemove): deleting a server's Node removes its etcd
//   member (RemovePeer), which is how a server leaves while still running.
// - proxmox/pve-docs pvecm.adoc, "Adding/Deleting Nodes After QDevice Setup": to add or remove a
//   node of a cluster with a QDevice, remove the QDevice first, set it up again once the node count
//   is even.
import type { Database, Guest, Host, Kubernetes, LoadBalancer, Model, Service } from "../../model/model.js";
import type { ChangeActionKind, ChangePlan, ChangeStep, ServiceDuringStep } from "./change-report.js";
import { copyMs, migrationMs, STEP_DURATION } from "./change-durations.js";
import { layerStates, planOf, servicesDuring } from "./change-state.js";
import { commandsFor } from "./change-commands.js";
import { canonical, residualDifferences } from "./change-residual.js";

export interface StepDraft {
  kind: ChangeActionKind;
  machine: string;
  title: string;
  why?: string;
  durationMs: number;
  /** The state after the step; unchanged when absent. */
  mutate?: (m: Model) => Model;
  /** Out of service while the step runs (host:NAME, guest:NAME). */
  out?: string[];
  /**
   * before: the machine is out while still a member (restart, reboot, migration); drained: the same,
   * its K3s nodes drained first (pod moves take the drain, not the eviction timeout); leave: it leaves
   * its memberships while running (drained first), so quorum is counted without it; services: only
   * the named services are down for the step (a volume copied).
   */
  mode?: "before" | "drained" | "leave" | { services: string[] };
  /** The K3s release an upgrade step installs. */
  version?: string;
  /** Why an outage cannot be avoided, when the builder knows it will be one. */
  outageReason?: string;
}

export interface PlanFiles {
  from: string;
  to: string;
}

/** Accumulates steps, each evaluated on the state the previous one left. */
export class StepList {
  readonly steps: ChangeStep[] = [];
  constructor(public state: Model) {}

  emit(d: StepDraft): void {
    const before = this.state;
    const after = d.mutate ? d.mutate(before) : before;
    const out = d.out ?? [];
    const mode = d.mode ?? "before";
    let layers;
    let services: ServiceDuringStep[];
    if (mode === "before" || mode === "drained") {
      layers = layerStates(planOf(before), out);
      services = servicesDuring(before, out, d.durationMs);
      // Drained first: pods are rescheduled by the drain, not after the node-loss eviction timeout.
      if (mode === "drained")
        services = services.map((x) =>
          x.status === "fails-over" ? { ...x, outageMs: Math.min(x.outageMs, STEP_DURATION.drain) } : x,
        );
    } else if (mode === "leave") {
      layers = layerStates(planOf(after), []);
      services = leaving(before, after, out, d.durationMs);
    } else {
      layers = layerStates(planOf(before), []);
      services = servicesDuring(before, [], d.durationMs).map((s) =>
        mode.services.includes(s.name) ? { ...s, status: "down" as const, outageMs: d.durationMs } : s,
      );
    }
    const afterPlan = planOf(after);
    const step: ChangeStep = {
      index: this.steps.length + 1,
      kind: d.kind,
      machine: d.machine,
      title: d.title,
      ...(d.why ? { why: d.why } : {}),
      durationMs: d.durationMs,
      outOfService: out,
      during: { layers, services },
      after: {
        layers: layerStates(afterPlan, []),
        furtherFailure: afterPlan.summary.hostLosses,
        verdict: afterPlan.summary.verdict,
      },
      commands: commandsFor(d, before, after),
    };
    const down = services.filter((s) => s.status === "down");
    const lost = layers.filter((l) => l.quorum && !l.quorate);
    if (down.length || lost.length) {
      const why =
        d.outageReason ??
        (lost.length
          ? lost.map((l) => `${l.title} keeps ${l.up} of the ${l.needed} it needs`).join("; ")
          : `${down.map((s) => s.name).join(", ")} run${down.length === 1 ? "s" : ""} only on what this step takes out`);
      step.outage = {
        reason: why,
        services: down.map((s) => s.name),
        ms: Math.max(0, ...down.map((s) => s.outageMs)),
      };
    }
    this.steps.push(step);
    this.state = after;
  }
}

/**
 * A machine leaving while it still runs: drained, then removed from its memberships. A service it
 * alone carried goes down only if the state after the step cannot carry it; a VIP it held fails
 * over (the what-if of losing it, capped by the step).
 */
function leaving(before: Model, after: Model, out: readonly string[], ms: number): ServiceDuringStep[] {
  const lost = servicesDuring(before, out, ms);
  const afterStatus = new Set(planOf(after).availability.services.map((s) => s.name));
  // Drained: its pods were rescheduled before the machine left, so no wait for an eviction.
  const drained = Math.min(ms, STEP_DURATION.drain);
  return lost.map((s) => {
    if (s.status === "up" || !afterStatus.has(s.name)) return s;
    return { ...s, status: "fails-over" as const, outageMs: Math.min(s.outageMs, drained) };
  });
}

// --- model edits -------------------------------------------------------------------------------------

const byName = <T extends { name: string }>(xs: readonly T[]): Map<string, T> =>
  new Map(xs.map((x) => [x.name, x]));

const upsert = <T extends { name: string }>(xs: readonly T[], x: T): T[] =>
  xs.some((y) => y.name === x.name) ? xs.map((y) => (y.name === x.name ? x : y)) : [...xs, x];

const without = <T extends { name: string }>(xs: readonly T[], name: string): T[] =>
  xs.filter((x) => x.name !== name);

function withK8s(m: Model, p: Partial<Kubernetes>): Model {
  return m.kubernetes ? { ...m, kubernetes: { ...m.kubernetes, ...p } } : m;
}

/** The cluster with these nodes; corosync's token timeout follows the node count (normalise). */
function withNodes(m: Model, nodes: string[], next: Model): Model {
  if (!m.proxmox) return m;
  const final = next.proxmox && nodes.length === next.proxmox.nodes.length;
  return { ...m, proxmox: { ...m.proxmox, nodes, ...(final ? { tokenMs: next.proxmox!.tokenMs } : {}) } };
}

// --- the planner -------------------------------------------------------------------------------------

/** Which kept guests cannot simply move: another kind, another role, another address, a metal host. */
function replaced(c: Guest, n: Guest): boolean {
  return (
    c.kind !== n.kind ||
    c.role !== n.role ||
    (c.kind === "metal" && c.host !== n.host) ||
    JSON.stringify(c.address) !== JSON.stringify(n.address)
  );
}

const isK3s = (k8s: Kubernetes | undefined, name: string): "server" | "agent" | undefined =>
  k8s?.servers.includes(name) ? "server" : k8s?.agents.includes(name) ? "agent" : undefined;

export function planChange(current: Model, next: Model, files: PlanFiles): ChangePlan {
  const list = new StepList(current);
  const emit = (d: StepDraft): void => list.emit(d);
  const cHosts = byName(current.hosts);
  const nHosts = byName(next.hosts);
  const cGuests = byName(current.guests);
  const nGuests = byName(next.guests);
  const ck = current.kubernetes;
  const nk = next.kubernetes;

  const addedGuests = next.guests.filter((g) => !cGuests.has(g.name));
  const removedGuests = current.guests.filter((g) => !nGuests.has(g.name));
  const replacedGuests = next.guests.filter((g) => cGuests.has(g.name) && replaced(cGuests.get(g.name)!, g));
  const movedGuests = next.guests.filter(
    (g) => cGuests.has(g.name) && !replaced(cGuests.get(g.name)!, g) && cGuests.get(g.name)!.host !== g.host,
  );

  // --- 1. New machines, and the Proxmox cluster they join ---------------------------------------
  for (const h of next.hosts.filter((x) => !cHosts.has(x.name)))
    emit({
      kind: "add-host",
      machine: h.name,
      title: `install ${h.kind === "proxmox" ? "Proxmox VE" : "the OS"} on new host ${h.name}${h.model ? ` (${h.model})` : ""}`,
      why: "a new machine carries nothing yet: installing it disturbs nothing",
      durationMs: STEP_DURATION.installHost,
      mutate: (m) => ({ ...m, hosts: [...m.hosts, h] }),
    });
  proxmoxMembership(list, current, next, "grow");

  // --- 2. New guests that are not K3s nodes (load balancers, VPN, databases, ...) ---------------
  for (const g of addedGuests.filter((x) => !isK3s(nk, x.name)))
    emit({
      kind: "add-guest",
      machine: g.name,
      title: `create ${g.kind === "metal" ? "" : `${g.kind.toUpperCase()} `}${g.name} (${g.role}) on ${g.host}`,
      durationMs: STEP_DURATION.createGuest,
      mutate: (m) => ({ ...m, guests: [...m.guests, g] }),
    });
  for (const lb of next.loadBalancers.filter((x) => !current.loadBalancers.some((y) => y.name === x.name)))
    emit({
      kind: "add-load-balancer",
      machine: lb.guests[0] ?? lb.name,
      title: `start HAProxy + Keepalived of pair "${lb.name}" on ${lb.guests.join(", ")} (VIP ${lb.vip})`,
      why: "the pair starts beside the current endpoints: nothing uses its VIP yet",
      durationMs: STEP_DURATION.reload,
      mutate: (m) => ({ ...m, loadBalancers: [...m.loadBalancers, lb] }),
    });

  // --- 3. K3s: existing servers reconfigured, the API endpoint switched, new nodes joined -------
  if (ck && nk) {
    kubernetesGrow(list, current, next, replacedGuests);
  }

  // --- 4. Guests moving to another host, one at a time ------------------------------------------
  for (const g of movedGuests) {
    const from = cGuests.get(g.name)!.host;
    const lxc = g.kind === "lxc";
    emit({
      kind: "move-guest",
      machine: g.name,
      title: `migrate ${g.name} from ${from} to ${g.host}${lxc ? " (restart mode)" : " (online, with its local disk)"}`,
      why: lxc
        ? "a container cannot migrate live: it is stopped, copied and started on the target"
        : "a live migration keeps the guest running; only the last memory copy pauses it (well under a second)",
      durationMs: migrationMs(g),
      out: lxc ? [`guest:${g.name}`] : [],
      mutate: (m) => ({
        ...m,
        guests: m.guests.map((x) => (x.name === g.name ? { ...x, host: g.host, storage: g.storage } : x)),
      }),
    });
  }
  // --- 5. Storage, databases and services ---------------------------------------------------------
  servicesGrow(list, current, next);

  // --- 6. Front doors: ingress and load-balancer settings -----------------------------------------
  if (ck && nk && JSON.stringify(list.state.kubernetes?.ingress) !== JSON.stringify(nk.ingress))
    emit({
      kind: "change-ingress",
      machine: ingressMachine(next),
      title: `point ingress at ${ingressText(nk)}`,
      why: "the new path is up before the DNS record moves; the old one keeps answering until then",
      durationMs: STEP_DURATION.reload,
      mutate: (m) => withK8s(m, { ingress: nk.ingress }),
    });
  for (const lb of next.loadBalancers) {
    const was = list.state.loadBalancers.find((x) => x.name === lb.name);
    if (!was || JSON.stringify(lbSettings(was)) === JSON.stringify(lbSettings(lb))) continue;
    // Backups first: the holder reloads last, so the VIP moves at most once.
    const order = [...lb.guests].reverse();
    order.forEach((g, i) =>
      emit({
        kind: "change-load-balancer",
        machine: g,
        title: `reload HAProxy + Keepalived on ${g} with pair "${lb.name}"'s new settings (${lbChangeText(was, lb)})`,
        why:
          i === order.length - 1
            ? "the nominal holder reloads last: the VIP moves to an updated backup at most once"
            : "a backup reloads first: the holder keeps the VIP meanwhile",
        durationMs: STEP_DURATION.reload,
        out: [`guest:${g}`],
        mutate:
          i === order.length - 1 ? (m) => ({ ...m, loadBalancers: upsert(m.loadBalancers, lb) }) : undefined,
      }),
    );
  }

  // Resizes reboot the guest: after the front doors moved, so a node that carried ingress alone does not.
  for (const g of next.guests) {
    const was = list.state.guests.find((x) => x.name === g.name);
    if (!was || replacedGuests.includes(g)) continue;
    if (was.cpu !== g.cpu || was.memoryMiB !== g.memoryMiB || was.diskGiB !== g.diskGiB)
      emit({
        kind: "resize-guest",
        machine: g.name,
        title: `resize ${g.name} to ${g.cpu} vCPU, ${g.memoryMiB} MiB, ${g.diskGiB} GiB and reboot it`,
        durationMs: STEP_DURATION.guestReboot,
        out: [`guest:${g.name}`],
        mutate: (m) => ({
          ...m,
          guests: m.guests.map((x) => (x.name === g.name ? { ...x, ...sizeOf(g) } : x)),
        }),
      });
  }

  // --- 7. What goes: replaced and removed members leave once their successors serve --------------
  if (ck && nk) kubernetesShrink(list, current, next, replacedGuests);
  for (const lb of current.loadBalancers.filter((x) => !next.loadBalancers.some((y) => y.name === x.name)))
    emit({
      kind: "remove-load-balancer",
      machine: lb.guests[0] ?? lb.name,
      title: `stop pair "${lb.name}" (VIP ${lb.vip}): nothing points at it any more`,
      durationMs: STEP_DURATION.reload,
      mode: "leave",
      mutate: (m) => ({ ...m, loadBalancers: without(m.loadBalancers, lb.name) }),
    });
  for (const g of removedGuests.filter((x) => !isK3s(ck, x.name)))
    emit({
      kind: "remove-guest",
      machine: g.name,
      title: `stop and destroy ${g.name} (${g.role}) on ${g.host}`,
      durationMs: STEP_DURATION.destroyGuest,
      out: [`guest:${g.name}`],
      mode: "leave",
      mutate: (m) => ({ ...m, guests: without(m.guests, g.name) }),
    });
  servicesShrink(list, next);
  proxmoxMembership(list, current, next, "shrink");
  for (const h of current.hosts.filter((x) => !nHosts.has(x.name)))
    emit({
      kind: "remove-host",
      machine: h.name,
      title: `retire host ${h.name}: nothing runs on it any more`,
      durationMs: STEP_DURATION.reload,
      out: [`host:${h.name}`],
      mode: "leave",
      mutate: (m) => ({ ...m, hosts: without(m.hosts, h.name) }),
    });

  // Backups: where copies go and when. Nothing restarts for it; it comes before the hardware work so
  // that a host powered off for a new part is already backed up under the new policy.
  const snapshotsOf = (m: Model): unknown => m.kubernetes?.etcdSnapshots;
  if (
    canonical(list.state.backups) !== canonical(next.backups) ||
    (list.state.kubernetes &&
      next.kubernetes &&
      canonical(snapshotsOf(list.state)) !== canonical(snapshotsOf(next)))
  )
    emit({
      kind: "reconfigure",
      machine: "(repository)",
      title: "set up the backup destinations, targets and K3s snapshot settings with `hlab build`",
      why: "K3s reads its snapshot settings when it starts: they apply from each server's next restart",
      durationMs: STEP_DURATION.reload,
      mutate: (m) => ({
        ...m,
        backups: next.backups,
        kubernetes:
          m.kubernetes && next.kubernetes
            ? { ...m.kubernetes, etcdSnapshots: next.kubernetes.etcdSnapshots }
            : m.kubernetes,
      }),
    });

  // Hardware work on a kept host (a new NIC, more memory): last, once the final layout carries its loss.
  for (const h of next.hosts) {
    const was = list.state.hosts.find((x) => x.name === h.name);
    if (!was || was.kind !== h.kind) continue;
    const changed = hardwareChanges(was, h);
    if (!changed.length) continue;
    list.emit({
      kind: "reboot-host",
      machine: h.name,
      title: `power off ${h.name} for its hardware change (${changed.join(", ")}), then boot it`,
      why: "last: by now the design spreads every layer so that losing this host keeps each one quorate",
      durationMs: STEP_DURATION.hostReboot + STEP_DURATION.hardware,
      out: [`host:${h.name}`],
      mutate: (m) => ({ ...m, hosts: upsert(m.hosts, h) }),
    });
  }
  // --- 8. Whatever is left differs in ways no step above carries: one rebuild -------------------
  list.state = adoptOrder(list.state, next);
  const residual = residualDifferences(list.state, next);
  if (residual.length)
    emit({
      kind: "reconfigure",
      machine: "(repository)",
      title: `apply the remaining differences with \`hlab build\` and \`tofu apply\`: ${residual.join(", ")}`,
      why: "settings no step above changes: they are regenerated in place",
      durationMs: STEP_DURATION.reload,
      mutate: () => next,
    });
  return summarisePlan(
    `${current.name} (${files.from}) -> ${next.name} (${files.to})`,
    current,
    next,
    files,
    list.steps,
    residual,
  );
}

function hardwareChanges(a: Host, b: Host): string[] {
  const parts: string[] = [];
  const nic = (h: Host): string =>
    JSON.stringify(h.nics.map((n) => [n.name, n.networks, n.mac, n.reliability]));
  if (nic(a) !== nic(b)) parts.push("network cards");
  if (a.cpu !== b.cpu) parts.push(`CPU ${a.cpu} -> ${b.cpu}`);
  if (a.memoryMiB !== b.memoryMiB) parts.push(`memory ${a.memoryMiB} -> ${b.memoryMiB} MiB`);
  if (JSON.stringify(a.disks) !== JSON.stringify(b.disks)) parts.push("disks");
  if (a.model !== b.model && !parts.length) parts.push(`model ${b.model ?? ""}`.trim());
  if (JSON.stringify(a.reliability) !== JSON.stringify(b.reliability) && !parts.length)
    parts.push("reliability");
  return parts;
}

const sameSet = (a: readonly string[], b: readonly string[]): boolean =>
  [...a].sort().join() === [...b].sort().join();

/**
 * The order of members and the address tofu reaches Proxmox at are not changes to any machine: once
 * the sets match, the state takes the next design's order.
 */
function adoptOrder(state: Model, next: Model): Model {
  let m = state;
  const k = m.kubernetes;
  const nk = next.kubernetes;
  if (k && nk && sameSet(k.servers, nk.servers) && sameSet(k.agents, nk.agents))
    m = { ...m, kubernetes: { ...k, servers: nk.servers, agents: nk.agents } };
  const px = m.proxmox;
  const npx = next.proxmox;
  if (px && npx && sameSet(px.nodes, npx.nodes))
    m = { ...m, proxmox: { ...px, nodes: npx.nodes, api: npx.api } };
  return m;
}

const sizeOf = (g: Guest): Pick<Guest, "cpu" | "memoryMiB" | "diskGiB"> => ({
  cpu: g.cpu,
  memoryMiB: g.memoryMiB,
  diskGiB: g.diskGiB,
});

const lbSettings = (lb: LoadBalancer): unknown => ({
  guests: lb.guests,
  profile: lb.profile,
  vrrp: lb.vrrp,
  healthCheck: lb.healthCheck,
  frontends: lb.frontends,
  vip: lb.vip,
});

function lbChangeText(a: LoadBalancer, b: LoadBalancer): string {
  const parts: string[] = [];
  if (a.profile !== b.profile) parts.push(`profile ${a.profile} -> ${b.profile}`);
  if (a.vip !== b.vip) parts.push(`VIP ${a.vip} -> ${b.vip}`);
  if (a.guests.join() !== b.guests.join())
    parts.push(`members ${a.guests.join(", ")} -> ${b.guests.join(", ")}`);
  if (JSON.stringify(a.frontends) !== JSON.stringify(b.frontends)) parts.push("frontends");
  return parts.length ? parts.join("; ") : "timings";
}

function ingressText(k: Kubernetes): string {
  const i = k.ingress;
  if (i.via === "node") return `node ${i.node ?? k.servers[0] ?? ""}`;
  if (i.via === "load-balancer") return `the "${i.loadBalancer ?? ""}" pair's VIP ${i.address ?? ""}`.trim();
  return `${i.via} VIP ${i.address ?? ""}`.trim();
}

function ingressMachine(next: Model): string {
  const i = next.kubernetes!.ingress;
  if (i.via === "node") return i.node ?? next.kubernetes!.servers[0] ?? "(dns)";
  if (i.via === "load-balancer")
    return next.loadBalancers.find((l) => l.name === i.loadBalancer)?.guests[0] ?? "(dns)";
  return next.kubernetes!.servers[0] ?? "(dns)";
}

// --- Proxmox --------------------------------------------------------------------------------------

function proxmoxMembership(list: StepList, current: Model, next: Model, phase: "grow" | "shrink"): void {
  const npx = next.proxmox;
  const cNodes = current.proxmox?.nodes ?? [];
  const nNodes = npx?.nodes ?? [];
  const adds = nNodes.filter((n) => !cNodes.includes(n));
  const removes = cNodes.filter((n) => !nNodes.includes(n));
  const work = phase === "grow" ? adds : removes;
  const qdNext = npx?.qdevice?.host;
  const qdNow = (): string | undefined => list.state.proxmox?.qdevice?.host;
  const removeQdevice = (why: string): void => {
    const host = qdNow()!;
    list.emit({
      kind: "remove-qdevice",
      machine: host,
      title: `remove the QDevice on ${host} (\`pvecm qdevice remove\`)`,
      why,
      durationMs: STEP_DURATION.qdevice,
      mutate: (m) => (m.proxmox ? { ...m, proxmox: { ...m.proxmox, qdevice: undefined } } : m),
    });
  };
  if (work.length && qdNow())
    removeQdevice("Proxmox wants the QDevice removed before a node is added or removed");
  if (phase === "grow" && !work.length && qdNow() && qdNow() !== qdNext)
    removeQdevice(qdNext ? `the QDevice moves to ${qdNext}` : "the next design has no QDevice");

  for (const name of work) {
    const st = list.state;
    if (phase === "grow") {
      const nodes = st.proxmox?.nodes ?? [];
      if (!st.proxmox || nodes.length === 0) {
        list.emit({
          kind: "create-proxmox-cluster",
          machine: name,
          title: `create Proxmox cluster "${npx!.cluster}" on ${name} (\`pvecm create\`)`,
          why: "a one-node cluster has no quorum to lose: the first node forms it alone",
          durationMs: STEP_DURATION.proxmoxJoin,
          mutate: (m) => ({ ...m, proxmox: { ...npx!, nodes: [name], qdevice: undefined } }),
        });
        continue;
      }
      const count = nodes.length + 1;
      list.emit({
        kind: "add-proxmox-node",
        machine: name,
        title: `join ${name} to Proxmox cluster "${npx!.cluster}" (\`pvecm add\`, ${nodes.length} -> ${count} nodes${count === 2 ? ", two_node" : ""})`,
        why:
          count === 2
            ? "two nodes run with corosync's two_node until a QDevice or a third node breaks ties"
            : "the joining node brings its vote with it: the majority it raises is met as soon as it joins",
        durationMs: STEP_DURATION.proxmoxJoin,
        mutate: (m) => withNodes(m, [...nodes, name], next),
      });
    } else {
      const nodes = st.proxmox?.nodes ?? [];
      list.emit({
        kind: "remove-proxmox-node",
        machine: name,
        title: `power off ${name} and remove it from the Proxmox cluster (\`pvecm delnode ${name}\` on a remaining node, ${nodes.length} -> ${nodes.length - 1} nodes)`,
        why: "its guests have left: the remaining nodes keep their own majority",
        durationMs: STEP_DURATION.proxmoxLeave,
        out: [`host:${name}`],
        mode: "leave",
        mutate: (m) =>
          withNodes(
            m,
            nodes.filter((n) => n !== name),
            next,
          ),
      });
    }
  }
  const wantQdevice = qdNext && !qdNow() && (phase === "shrink" || !removes.length);
  if (wantQdevice) {
    const count = list.state.proxmox?.nodes.length ?? 0;
    if (count >= 2)
      list.emit({
        kind: "add-qdevice",
        machine: qdNext,
        title: `set up the QDevice on ${qdNext} (\`pvecm qdevice setup\`, ${count} nodes + 1 ${count % 2 === 0 ? "ffsplit" : "lms"} device)`,
        why: "qnetd adds a vote the cluster does not need to stay quorate: setting it up risks nothing",
        durationMs: STEP_DURATION.qdevice,
        mutate: (m) => (m.proxmox ? { ...m, proxmox: { ...m.proxmox, qdevice: npx!.qdevice } } : m),
      });
  }
}

// --- K3s ------------------------------------------------------------------------------------------

function apiChanged(c: Kubernetes, n: Kubernetes): boolean {
  return (
    c.api.vip !== n.api.vip ||
    c.api.holder !== n.api.holder ||
    c.api.endpoint !== n.api.endpoint ||
    c.api.loadBalancer !== n.api.loadBalancer
  );
}

function kubernetesGrow(list: StepList, current: Model, next: Model, replacedGuests: readonly Guest[]): void {
  const ck = current.kubernetes!;
  const nk = next.kubernetes!;
  const nGuests = byName(next.guests);
  // Every running server restarts with the new settings, also one that leaves later: it serves
  // (and seeds etcd) until its successors have joined.
  // The server clients dial by its own address (no VIP yet) restarts last.
  const dialled = (s: string): boolean =>
    Object.values(current.guests.find((g) => g.name === s)?.address ?? {}).includes(ck.api.endpoint) ||
    (current.guests.find((g) => g.name === s)?.kind === "metal" &&
      Object.values(
        current.hosts.find((h) => h.name === current.guests.find((g) => g.name === s)?.host)?.address ?? {},
      ).includes(ck.api.endpoint));
  const kept = ck.servers
    .filter((s) => !replacedGuests.some((g) => g.name === s))
    .sort((a, b) => Number(dialled(a)) - Number(dialled(b)));
  const datastore = ck.datastore !== nk.datastore;
  const sans = apiChanged(ck, nk) && (nk.api.vip !== undefined || nk.api.hostname !== ck.api.hostname);
  if (datastore || sans) {
    kept.forEach((s, i) => {
      const only = list.state.kubernetes!.servers.length === 1;
      const what = [
        ...(datastore && i === 0 ? [`${ck.datastore} -> ${nk.datastore} (\`cluster-init\`)`] : []),
        ...(sans ? [`tls-san ${[nk.api.vip, nk.api.hostname].filter(Boolean).join(", ")}`] : []),
      ];
      list.emit({
        kind: "reconfigure-k3s-server",
        machine: s,
        title: `restart K3s on ${s} with its new config: ${what.join("; ")}`,
        why: only
          ? "a single server cannot restart without its API going down; the change is made first, while there is nothing else to disturb"
          : "one server at a time: the others keep etcd's majority",
        durationMs: STEP_DURATION.k3sRestart,
        out: [`guest:${s}`],
        outageReason: only
          ? `${s} is the only K3s server: the API (and what needs it) is down while it restarts`
          : dialled(s) && !ck.api.vip
            ? `clients reach the API at ${s}'s own address (${ck.api.endpoint}, no VIP yet), and a VIP cannot serve before every server's certificate names it: the API is unreachable while ${s} restarts`
            : undefined,
        mutate: datastore && i === 0 ? (m) => withK8s(m, { datastore: nk.datastore }) : undefined,
      });
    });
  }
  if (apiChanged(ck, nk) && apiHolderReady(list.state, nk)) switchApi(list, nk);

  // New servers, one at a time, in the next design's order; then agents.
  for (const s of nk.servers.filter((x) => !ck.servers.includes(x))) addNode(list, nGuests.get(s)!, "server");
  if (apiChanged(list.state.kubernetes!, nk) && apiHolderReady(list.state, nk)) switchApi(list, nk);
  for (const a of nk.agents.filter((x) => !ck.agents.includes(x))) addNode(list, nGuests.get(a)!, "agent");
  if (ck.version !== nk.version)
    list.emit({
      kind: "reconfigure",
      machine: nk.servers[0] ?? "(cluster)",
      title: `K3s ${ck.version} -> ${nk.version}: plan it on its own with \`hlab plan NEXT --upgrade-k3s ${nk.version}\``,
      why: "an upgrade goes one minor version at a time, servers one by one: it is its own plan",
      durationMs: 0,
      mutate: (m) => withK8s(m, { version: nk.version }),
    });
}

function apiHolderReady(m: Model, nk: Kubernetes): boolean {
  if (nk.api.holder === "load-balancer") return m.loadBalancers.some((l) => l.name === nk.api.loadBalancer);
  if (nk.api.holder === "kube-vip" || nk.api.holder === "keepalived")
    return (m.kubernetes?.servers.length ?? 0) > 0;
  // No VIP: the endpoint is a server's own address, which must be a server already.
  return (
    m.guests.some((g) => Object.values(g.address).includes(nk.api.endpoint)) ||
    m.hosts.some((h) => Object.values(h.address).includes(nk.api.endpoint))
  );
}

function switchApi(list: StepList, nk: Kubernetes): void {
  const by =
    nk.api.holder === "load-balancer"
      ? `the "${nk.api.loadBalancer}" pair`
      : nk.api.holder === "none"
        ? "no VIP"
        : nk.api.holder;
  const machine =
    nk.api.holder === "load-balancer"
      ? (list.state.loadBalancers.find((l) => l.name === nk.api.loadBalancer)?.guests[0] ?? "(api)")
      : (list.state.kubernetes?.servers[0] ?? "(api)");
  list.emit({
    kind: "switch-api-endpoint",
    machine,
    title: `${nk.api.holder === "kube-vip" ? "deploy kube-vip and " : ""}switch the Kubernetes API endpoint to ${nk.api.endpoint} (${by})`,
    why: "the servers already answer on the new address; agents and kubeconfigs move to it before any server they used goes",
    durationMs: STEP_DURATION.reload,
    mutate: (m) => withK8s(m, { api: nk.api, kubeVip: nk.kubeVip }),
  });
}

function addNode(list: StepList, g: Guest, role: "server" | "agent"): void {
  const k = list.state.kubernetes!;
  const servers = k.servers.length;
  const etcd = role === "server" && k.datastore === "embedded-etcd";
  const exists = list.state.guests.some((x) => x.name === g.name);
  list.emit({
    kind: role === "server" ? "add-k3s-server" : "add-k3s-agent",
    machine: g.name,
    title:
      `${exists ? "" : `create ${g.kind === "metal" ? "" : `${g.kind.toUpperCase()} `}${g.name} on ${g.host} and `}join it as a K3s ${role}` +
      (etcd ? ` (etcd ${servers} -> ${servers + 1} members)` : ""),
    why: etcd
      ? `it joins as an etcd learner and votes only once caught up: the ${servers} running member(s) keep the quorum throughout${servers + 1 === 2 ? "; two members are a step on the way, not a place to stop" : ""}`
      : "an agent adds capacity; nothing waits on it",
    durationMs: (exists ? 0 : STEP_DURATION.createGuest) + STEP_DURATION.k3sJoin,
    mutate: (m) => {
      const guests = exists ? m.guests : [...m.guests, g];
      const k8s = m.kubernetes!;
      return {
        ...m,
        guests,
        kubernetes:
          role === "server"
            ? { ...k8s, servers: [...k8s.servers, g.name] }
            : { ...k8s, agents: [...k8s.agents, g.name] },
      };
    },
  });
}

function removeNode(
  list: StepList,
  name: string,
  role: "server" | "agent",
  destroy: boolean,
  replacement?: string,
): void {
  const k = list.state.kubernetes!;
  const n = k.servers.length;
  const etcd = role === "server" && k.datastore === "embedded-etcd";
  const g = list.state.guests.find((x) => x.name === name);
  list.emit({
    kind: role === "server" ? "remove-k3s-server" : "remove-k3s-agent",
    machine: name,
    title:
      `drain ${name}, remove it from the cluster${etcd ? ` (etcd ${n} -> ${n - 1} members)` : ""}` +
      (destroy ? `, then stop and destroy it${g ? ` on ${g.host}` : ""}` : ""),
    why:
      (etcd
        ? "its member leaves while it still runs (the Node's deletion removes it from etcd), so the majority is counted among the members that stay"
        : "drained first: its pods move before it stops") + (replacement ? `; ${replacement}` : ""),
    durationMs: STEP_DURATION.drain + (destroy ? STEP_DURATION.destroyGuest : 0),
    out: [`guest:${name}`],
    mode: "leave",
    outageReason:
      role === "server" && n === 1
        ? `${name} is the only K3s server: removing it ends the cluster`
        : undefined,
    mutate: (m) => {
      const k8s = m.kubernetes!;
      const rest = k8s.servers.filter((s) => s !== name);
      const ingress =
        k8s.ingress.via === "node" && k8s.ingress.node === name
          ? { ...k8s.ingress, node: rest[0] }
          : k8s.ingress;
      return {
        ...m,
        guests: destroy ? without(m.guests, name) : m.guests,
        kubernetes: { ...k8s, servers: rest, agents: k8s.agents.filter((a) => a !== name), ingress },
        services: m.services.map((s) =>
          s.on.includes(name) ? { ...s, on: s.on.filter((x) => x !== name) } : s,
        ),
      };
    },
  });
}

function kubernetesShrink(
  list: StepList,
  current: Model,
  next: Model,
  replacedGuests: readonly Guest[],
): void {
  const ck = current.kubernetes!;
  const nk = next.kubernetes!;
  // A replacement with the same name leaves first (the name and address are taken), then joins again.
  for (const g of replacedGuests) {
    const was = isK3s(ck, g.name);
    const will = isK3s(nk, g.name);
    if (was)
      removeNode(
        list,
        g.name,
        was,
        true,
        `${g.name} keeps its name and address in the next design, so it must leave before its successor can join: for this step and the next the layer runs without a spare`,
      );
    else
      list.emit({
        kind: "remove-guest",
        machine: g.name,
        title: `stop and destroy ${g.name} on ${current.guests.find((x) => x.name === g.name)!.host} (replaced)`,
        durationMs: STEP_DURATION.destroyGuest,
        out: [`guest:${g.name}`],
        mode: "leave",
        mutate: (m) => ({ ...m, guests: without(m.guests, g.name) }),
      });
    if (will) addNode(list, g, will);
    else
      list.emit({
        kind: "add-guest",
        machine: g.name,
        title: `create ${g.name} (${g.role}) on ${g.host}`,
        durationMs: STEP_DURATION.createGuest,
        mutate: (m) => ({ ...m, guests: [...m.guests, g] }),
      });
  }
  if (apiChanged(list.state.kubernetes!, nk) && apiHolderReady(list.state, nk)) switchApi(list, nk);
  for (const a of ck.agents.filter(
    (x) => !nk.agents.includes(x) && !replacedGuests.some((g) => g.name === x),
  ))
    removeNode(list, a, "agent", !next.guests.some((g) => g.name === a));
  for (const s of ck.servers.filter(
    (x) => !nk.servers.includes(x) && !replacedGuests.some((g) => g.name === x),
  ))
    removeNode(list, s, "server", !next.guests.some((g) => g.name === s));
}

// --- storage, databases, services ------------------------------------------------------------------

function servicesGrow(list: StepList, current: Model, next: Model): void {
  const firstServer = (): string => list.state.kubernetes?.servers[0] ?? "(cluster)";
  const nServices = byName(next.services);
  // Charts the others need (Longhorn, CloudNativePG, cert-manager) come first.
  const added = next.services.filter((s) => !current.services.some((c) => c.name === s.name));
  const platform = added.filter((s) => s.catalog && !s.database);
  const apps = added.filter((s) => !platform.includes(s));
  const addService = (s: Service): void =>
    list.emit({
      kind: "add-service",
      machine: firstServer(),
      title: `deploy ${s.name}${s.replicas > 1 ? ` (${s.replicas} replicas)` : ""} through Argo CD`,
      durationMs: STEP_DURATION.chart,
      mutate: (m) => ({ ...m, services: [...m.services, s] }),
    });
  platform.forEach(addService);

  const cs = current.storage;
  const ns = next.storage;
  if (cs.class !== ns.class) {
    const stateful = list.state.services.filter((s) => s.persistenceGiB > 0 && nServices.has(s.name));
    stateful.forEach((s, i) =>
      list.emit({
        kind: "change-storage",
        machine: firstServer(),
        title: `move ${s.name}'s ${s.persistenceGiB} GiB volume from ${cs.class} to ${ns.class} (scale to 0, copy, scale up)`,
        why: "a volume changes storage class only by a copy while nothing writes to it",
        durationMs: copyMs(s.persistenceGiB) + STEP_DURATION.chart,
        mode: { services: [s.name] },
        outageReason: `${s.name}'s data is copied to a new ${ns.class} volume: it is stopped while the copy runs`,
        mutate: i === stateful.length - 1 ? (m) => ({ ...m, storage: ns }) : undefined,
      }),
    );
    if (!stateful.length)
      list.emit({
        kind: "change-storage",
        machine: firstServer(),
        title: `make ${ns.class} the default StorageClass`,
        durationMs: STEP_DURATION.reload,
        mutate: (m) => ({ ...m, storage: ns }),
      });
  } else if (JSON.stringify(cs) !== JSON.stringify(ns))
    list.emit({
      kind: "change-storage",
      machine: firstServer(),
      title: `set Longhorn's replica count to ${ns.longhorn?.replicas ?? "?"} (was ${cs.longhorn?.replicas ?? "?"})`,
      why: "Longhorn adds or drops replicas of live volumes in the background",
      durationMs: STEP_DURATION.reload,
      mutate: (m) => ({ ...m, storage: ns }),
    });

  for (const db of next.databases) {
    const was = list.state.databases.find((d) => d.name === db.name);
    if (was && JSON.stringify(dbSettings(was)) === JSON.stringify(dbSettings(db))) continue;
    list.emit({
      kind: "change-database",
      machine: db.guests[0] ?? firstServer(),
      title: was
        ? `database ${db.name}: ${was.instances} -> ${db.instances} instance(s)${was.synchronous !== db.synchronous ? `, synchronous ${db.synchronous}` : ""}`
        : `create database ${db.name} (${db.engine}, ${db.instances} instance(s))`,
      why: was && db.instances < was.instances ? "replicas leave one by one; the primary stays" : undefined,
      durationMs: STEP_DURATION.chart,
      mutate: (m) => ({ ...m, databases: upsert(m.databases, db) }),
    });
  }
  apps.forEach(addService);
  // Other settings of a kept service (volume, image, database): a rolling update, replicas kept.
  for (const s of next.services) {
    const was = list.state.services.find((x) => x.name === s.name);
    if (!was || JSON.stringify({ ...was, replicas: 0 }) === JSON.stringify({ ...s, replicas: 0 })) continue;
    const fields = (Object.keys(s) as (keyof Service)[]).filter(
      (k) => k !== "replicas" && JSON.stringify(was[k]) !== JSON.stringify(s[k]),
    );
    list.emit({
      kind: "update-service",
      machine: firstServer(),
      title: `update ${s.name} (${fields.join(", ")}) with a rolling restart`,
      durationMs: STEP_DURATION.chart,
      mutate: (m) => ({ ...m, services: upsert(m.services, { ...s, replicas: was.replicas }) }),
    });
  }
  // Replica increases before anything is taken away, so a later step finds the spare.
  for (const s of next.services) {
    const was = list.state.services.find((x) => x.name === s.name);
    if (!was || was.replicas >= s.replicas) continue;
    list.emit({
      kind: "change-replicas",
      machine: firstServer(),
      title: `scale ${s.name} from ${was.replicas} to ${s.replicas} replicas`,
      durationMs: STEP_DURATION.reload,
      mutate: (m) => ({ ...m, services: upsert(m.services, s) }),
    });
  }
}

const dbSettings = (d: Database): unknown => ({
  engine: d.engine,
  instances: d.instances,
  guests: d.guests,
  vip: d.vip,
  synchronous: d.synchronous,
});

function servicesShrink(list: StepList, next: Model): void {
  const firstServer = (): string => list.state.kubernetes?.servers[0] ?? "(cluster)";
  for (const s of next.services) {
    const was = list.state.services.find((x) => x.name === s.name);
    if (!was || was.replicas <= s.replicas) continue;
    list.emit({
      kind: "change-replicas",
      machine: firstServer(),
      title: `scale ${s.name} from ${was.replicas} down to ${s.replicas} replicas`,
      durationMs: STEP_DURATION.reload,
      mutate: (m) => ({ ...m, services: upsert(m.services, s) }),
    });
  }
  for (const s of list.state.services.filter((x) => !next.services.some((y) => y.name === x.name)))
    list.emit({
      kind: "remove-service",
      machine: firstServer(),
      title: `remove ${s.name} (its Argo CD application is deleted)`,
      durationMs: STEP_DURATION.reload,
      mutate: (m) => ({ ...m, services: without(m.services, s.name) }),
    });
  for (const db of list.state.databases.filter((d) => !next.databases.some((x) => x.name === d.name)))
    list.emit({
      kind: "change-database",
      machine: firstServer(),
      title: `remove database ${db.name}`,
      durationMs: STEP_DURATION.reload,
      mutate: (m) => ({ ...m, databases: without(m.databases, db.name) }),
    });
}

// --- summary ---------------------------------------------------------------------------------------

export function summarisePlan(
  title: string,
  current: Model,
  next: Model,
  files: PlanFiles,
  steps: ChangeStep[],
  residual: string[],
): ChangePlan {
  const totalMs = steps.reduce((s, x) => s + x.durationMs, 0);
  const outage = new Map<string, { name: string; kind: "service" | "platform"; ms: number }>();
  for (const st of steps)
    for (const s of st.during.services) {
      const o = outage.get(s.name) ?? { name: s.name, kind: s.kind, ms: 0 };
      o.ms += s.outageMs;
      outage.set(s.name, o);
    }
  const withOutage = steps.filter((s) => s.outage);
  const lines = [
    steps.length
      ? `${steps.length} step(s), about ${minutes(totalMs)} in all.`
      : "The two designs are the same: nothing to do.",
    withOutage.length
      ? `${withOutage.length} step(s) cannot be made without an outage: ${withOutage.map((s) => `step ${s.index}`).join(", ")}.`
      : "No step takes a service down: every one stays up, at most failing over.",
  ];
  return {
    title,
    from: { name: current.name, file: files.from },
    to: { name: next.name, file: files.to },
    steps,
    totalMs,
    outageByService: [...outage.values()].filter((o) => o.ms > 0),
    residual,
    lines,
  };
}

const minutes = (ms: number): string =>
  ms >= 3_600_000
    ? `${Math.floor(ms / 3_600_000)} h ${Math.round((ms % 3_600_000) / 60_000)} min`
    : `${Math.round(ms / 60_000)} min`;
