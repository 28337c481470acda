// From the lab's own status (src/lab/status.ts) to what the dashboard shows, and the fault buttons a
// lab offers. Pure: the lab's namespaces are named after hosts and guests, and a bare-metal guest
// lives in its host's namespace, so holders are translated back to the guests the topology draws.
import { vipMoverText, type LabPlan } from "../lab/lab-plan.js";
import type { LabStatus } from "../lab/status.js";
import type { Model } from "../model/model.js";
import type { LabFault, LabProbePoint, LabServiceHealth, LabView } from "./api-types.js";
import { modelVips } from "../topology/vips.js";

/** The daemons a fault button may kill: the ones whose death moves a VIP, a leader or a primary. */
const KILLABLE = ["keepalived", "kubevip-standin", "haproxy", "etcd", "patroni"];

/** What the lab started, by node and daemon kind (a skipped daemon gets no kill button). */
export type Launched = readonly { node: string; kind: string }[];

/**
 * An active fault as the lab reports it, with the button it matches: the one that injected it, or
 * the one naming the same process or NIC when it came from the command line.
 */
export interface ActiveFault {
  kind: string;
  target: string;
  button?: string;
}

export function activeFaults(status: LabStatus, buttons: ReadonlyMap<string, string>): ActiveFault[] {
  return status.faults.map((f) => ({
    kind: f.kind,
    target: f.target,
    button: buttons.get(f.id) ?? (f.detail ? `${f.kind} ${f.target}:${f.detail}` : undefined),
  }));
}

/** The fault buttons of a lab, grouped by the host or guest they hit, in the plan's order. */
export function labFaults(plan: LabPlan, launched: Launched, active: readonly ActiveFault[]): LabFault[] {
  const isActive = (id: string, kind: string, target: string): boolean =>
    active.some((f) => (f.button !== undefined ? f.button === id : f.kind === kind && f.target === target));
  const out: LabFault[] = [];
  const add = (kind: string, target: string, detail: string | undefined, label: string): void => {
    const id = `${kind} ${detail ? `${target}:${detail}` : target}`;
    out.push({ id, target, label, active: isActive(id, kind, target) });
  };
  for (const node of plan.nodes) {
    if (node.kind === "host") {
      add("host-down", node.name, undefined, "power off");
      const nics = [
        ...new Set(
          plan.links.filter((l) => l.node === node.name && l.kind === "host-nic").map((l) => l.nic ?? ""),
        ),
      ];
      for (const nic of nics.filter(Boolean)) {
        add("link-down", node.name, nic, `unplug ${nic}`);
        add("nic-flap", node.name, nic, `flap ${nic}`);
      }
    }
    const guests = node.kind === "guest" ? [node.name] : node.kind === "host" ? node.guests : [];
    for (const g of guests) {
      if (node.kind === "guest") add("guest-down", g, undefined, "stop");
      const daemons = [
        ...new Set(
          launched.filter((d) => d.node === node.name && KILLABLE.includes(d.kind)).map((d) => d.kind),
        ),
      ];
      for (const d of daemons) add("kill", g, d, `kill ${d.replace("-standin", "")}`);
    }
  }
  return out;
}

/** The guest (as the topology names it) behind a lab node holding a VIP. */
function guestOf(plan: LabPlan, node: string, candidates: readonly string[]): string {
  const n = plan.nodes.find((x) => x.name === node);
  if (!n || n.kind !== "host" || n.guests.length === 0) return node;
  return n.guests.find((g) => candidates.includes(g)) ?? n.guests[0]!;
}

export function labView(
  model: Model,
  plan: LabPlan,
  launched: Launched,
  status: LabStatus,
  probes: Record<string, LabProbePoint[]>,
  at: number,
  buttons: ReadonlyMap<string, string> = new Map(),
  services: LabServiceHealth[] = [],
): LabView {
  const active = activeFaults(status, buttons);
  const vips = modelVips(model);
  const toGuest = (node: string, address?: string): string =>
    guestOf(plan, node, vips.find((v) => v.address === address)?.candidates ?? []);
  const checks: LabView["checks"] = [];
  if (status.etcd) {
    const e = status.etcd;
    checks.push({
      name: "etcd",
      ok: e.quorum,
      detail: `${e.quorum ? "quorum" : "NO QUORUM"}, leader ${e.leader ? toGuest(e.leader) : "none"}, ${e.healthy}/${e.size} members answer`,
    });
  }
  if (status.corosync.length > 0) {
    const up = status.corosync.filter((c) => !status.poweredOff.includes(c.node));
    const quorate = up.filter((c) => c.quorate === true);
    checks.push({
      name: "corosync",
      ok: up.length > 0 && quorate.length === up.length,
      detail: status.corosync
        .map(
          (c) =>
            `${c.node} ${c.quorate === undefined ? (c.error ?? "?") : c.quorate ? `quorate ${c.totalVotes ?? "?"}/${c.expectedVotes ?? "?"}` : "not quorate"}${
              c.planned && c.quorate !== undefined && c.planned.quorate !== c.quorate
                ? ` (the plan: ${c.planned.quorate ? "quorate" : "not quorate"})`
                : ""
            }`,
        )
        .join(", "),
    });
  }
  const patroni = launched.some((l) => l.kind === "patroni");
  const notes = status.vips
    .filter((v) => v.standin && (patroni || !v.purposes.some((p) => p.startsWith("db:"))))
    .map((v) => `${v.address} is moved by a labelled stand-in (${vipMoverText(v)}), not the real daemon`);
  if (status.poweredOff.length) notes.push(`powered off: ${status.poweredOff.join(", ")}`);
  notes.push(...(status.notRehearsed ?? []));
  return {
    id: status.id,
    at,
    // A database the lab was told to skip has nothing to report but connection errors.
    vips: status.vips
      .filter((v) => patroni || !v.purposes.some((p) => p.startsWith("db:")))
      .map((v) => {
        const claimedBy = v.heldBy.map((n) => toGuest(n, v.address));
        return { address: v.address, purposes: v.purposes, holder: claimedBy[0], claimedBy };
      }),
    checks,
    databases: status.databases
      .filter(() => patroni)
      .map((d) => ({
        name: d.name,
        primary: d.primary === undefined ? undefined : toGuest(d.primary),
        detail: d.error ?? d.members.map((m) => `${m.node} ${m.role} ${m.state}`).join(", "),
      })),
    backends: status.backends.map((b) => ({
      balancer: `${b.node}/${b.proxy}`,
      server: b.server,
      up: b.status.startsWith("UP"),
    })),
    faults: labFaults(plan, launched, active),
    marks: faultMarks(model, status.poweredOff, active),
    services,
    probes,
    notes,
  };
}

/** The parts of the drawing the active faults broke. */
function faultMarks(
  model: Model,
  poweredOff: readonly string[],
  active: readonly ActiveFault[],
): LabView["marks"] {
  const failed: string[] = [];
  const components: string[] = [];
  for (const f of active) {
    // The button says which NIC or process; a fault injected elsewhere marks the whole target.
    const detail = f.button?.split(":")[1];
    const host = model.hosts.find((h) => h.name === f.target);
    if (f.kind === "host-down") failed.push(`host:${f.target}`);
    else if (f.kind === "guest-down" || (f.kind === "freeze" && !detail && !host))
      failed.push(`guest:${f.target}`);
    else if ((f.kind === "link-down" || f.kind === "nic-flap") && host) {
      failed.push(...host.nics.filter((n) => !detail || n.name === detail).map((n) => `nic:${n.id}`));
    } else if ((f.kind === "kill" || f.kind === "freeze") && detail) {
      components.push(`${detail === "kubevip-standin" ? "kube-vip" : detail}@${f.target}`);
    }
  }
  const off = new Set(poweredOff);
  const guestsDown = model.guests
    .filter((g) => off.has(g.name) || (g.kind === "metal" && off.has(g.host)))
    .map((g) => g.name);
  return { failed, components, guestsDown };
}
