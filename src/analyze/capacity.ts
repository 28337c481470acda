// Capacity: what each host commits to its guests against what it has (Proxmox keeps its own share,
// PROXMOX_OVERHEAD), and N+1: when one host fails, can the others restart its HA guests and take
// the pods of its Kubernetes nodes. Pod sizes are estimates (the catalogue's requests); they are
// there to catch designs that cannot absorb a failure, not to size a cluster to the megabyte.
import { diagnostic, type Diagnostic } from "../diagnostic/diagnostic.js";
import { CATALOG, PROXMOX_OVERHEAD } from "../model/catalog.js";
import type { Model } from "../model/model.js";
import { freeMemoryMiB } from "./dependency-graph.js";
import { mibText as mib } from "./format.js";
import type { CapacityReport, HostCapacity, HostLossCapacity } from "./plan-report.js";
import type { Placement } from "./placement.js";

/** Memory a user app's pod is assumed to request. */
export const APP_POD_MEMORY_MIB = 256;
/** A CloudNativePG instance (PostgreSQL with modest shared buffers). */
export const DATABASE_POD_MEMORY_MIB = 1024;
/** What K3s itself keeps on a node: server (with etcd) and agent. */
export const K3S_RESERVED_MIB = { server: 1536, agent: 512 };

export interface CapacityResult {
  report: CapacityReport;
  findings: Diagnostic[];
}

export function capacity(model: Model, placement: Placement): CapacityResult {
  const findings: Diagnostic[] = [];
  const src = model.source;
  const hosts: HostCapacity[] = model.hosts.map((h) => {
    const guests = model.guests.filter((g) => g.host === h.name);
    const virtual = guests.filter((g) => g.kind !== "metal");
    const px = h.kind === "proxmox";
    const disk = h.disks.reduce((s, d) => s + d.sizeGiB, 0);
    return {
      host: h.name,
      kind: h.kind,
      cpu: { committed: guests.reduce((s, g) => s + g.cpu, 0), available: h.cpu },
      memoryMiB: {
        committed: (px ? virtual : guests).reduce((s, g) => s + g.memoryMiB, 0),
        overhead: px ? PROXMOX_OVERHEAD.memoryMiB : 0,
        available: h.memoryMiB,
      },
      diskGiB: {
        committed: virtual.reduce((s, g) => s + g.diskGiB, 0),
        overhead: px ? PROXMOX_OVERHEAD.diskGiB : 0,
        available: h.disks.length ? disk : null,
      },
      guests: guests.map((g) => g.name).sort(),
    };
  });

  for (const c of hosts) {
    const m = c.memoryMiB;
    if (m.committed + m.overhead > m.available) {
      findings.push(
        diagnostic(
          src,
          "HL110",
          ["hosts", c.host, "memory"],
          `host \`${c.host}\` commits ${mib(m.committed)} to its guests plus ${mib(m.overhead)} for Proxmox, but has ${mib(m.available)}`,
          `move a guest to a host with room, or shrink them: ${mib(m.committed + m.overhead - m.available)} too many`,
        ),
      );
    }
    const d = c.diskGiB;
    if (d.available !== null && d.committed + d.overhead > d.available) {
      findings.push(
        diagnostic(
          src,
          "HL110",
          ["hosts", c.host, "disks"],
          `host \`${c.host}\` commits ${d.committed} GiB of guest disks plus ${d.overhead} GiB for Proxmox, but has ${d.available} GiB`,
          "use thin provisioning knowingly, add a disk, or shrink the guests' disks",
        ),
      );
    }
    if (c.kind === "proxmox" && c.cpu.committed > c.cpu.available) {
      findings.push(
        diagnostic(
          src,
          "HL111",
          ["hosts", c.host, "cpu"],
          `host \`${c.host}\` gives its guests ${c.cpu.committed} vCPUs for ${c.cpu.available} cores (${(c.cpu.committed / c.cpu.available).toFixed(1)}:1)`,
          "fine while the guests are mostly idle; watch CPU steal time under load",
        ),
      );
    }
  }

  // Estimated pod memory per Kubernetes node.
  const podMemory = new Map<string, number>(placement.nodes.map((n) => [n, 0]));
  const addPod = (node: string, size: number): void => {
    podMemory.set(node, (podMemory.get(node) ?? 0) + size);
  };
  for (const s of model.services) {
    const size = s.catalog ? CATALOG[s.catalog].memoryMiB : APP_POD_MEMORY_MIB;
    for (const n of placement.services.get(s.name) ?? []) addPod(n, size);
  }
  for (const nodes of placement.databases.values()) for (const n of nodes) addPod(n, DATABASE_POD_MEMORY_MIB);
  for (const n of placement.bundledTraefik) addPod(n, CATALOG.traefik.memoryMiB);
  const servers = new Set(model.kubernetes?.servers ?? []);
  const guestByName = new Map(model.guests.map((g) => [g.name, g]));
  const podRoom = (node: string): number => {
    const g = guestByName.get(node)!;
    return (
      g.memoryMiB -
      (servers.has(node) ? K3S_RESERVED_MIB.server : K3S_RESERVED_MIB.agent) -
      (podMemory.get(node) ?? 0)
    );
  };

  const px = model.proxmox;
  const hostLoss: HostLossCapacity[] = model.hosts.map((h) => {
    const haGuests = model.guests
      .filter((g) => g.host === h.name && g.ha && g.kind !== "metal")
      .sort((a, b) => b.memoryMiB - a.memoryMiB || a.name.localeCompare(b.name));
    const free = new Map(
      (px?.nodes ?? [])
        .filter((n) => n !== h.name)
        .map((n) => [
          n,
          freeMemoryMiB(
            model,
            model.hosts.find((x) => x.name === n)!,
          ),
        ]),
    );
    const placements: { guest: string; to: string }[] = [];
    const unplaced: string[] = [];
    for (const g of haGuests) {
      const group = px?.haGroups.find((x) => x.name === g.haGroup);
      const pool = [...free.keys()].filter((n) => !group || !group.restricted || group.nodes.includes(n));
      const to = pool
        .filter((n) => free.get(n)! >= g.memoryMiB)
        .sort((a, b) => free.get(b)! - free.get(a)! || a.localeCompare(b))[0];
      if (to) {
        placements.push({ guest: g.name, to });
        free.set(to, free.get(to)! - g.memoryMiB);
      } else unplaced.push(g.name);
    }
    const lostNodes = placement.nodes.filter((n) => guestByName.get(n)?.host === h.name);
    const podMemoryMiB = lostNodes.reduce((s, n) => s + (podMemory.get(n) ?? 0), 0);
    const podMemoryFreeMiB = placement.nodes
      .filter((n) => !lostNodes.includes(n))
      .reduce((s, n) => s + Math.max(0, podRoom(n)), 0);
    return {
      host: h.name,
      haGuests: haGuests.map((g) => g.name),
      placements,
      unplaced,
      podMemoryMiB,
      podMemoryFreeMiB,
    };
  });

  let nPlusOne = true;
  for (const loss of hostLoss) {
    if (loss.unplaced.length) {
      nPlusOne = false;
      findings.push(
        diagnostic(
          src,
          "HL112",
          ["hosts", loss.host],
          `when \`${loss.host}\` fails, HA guest(s) ${loss.unplaced.map((g) => `\`${g}\``).join(", ")} find no node with the memory to restart`,
          "leave enough free memory on the other nodes for the largest HA guests, or give them less memory",
        ),
      );
    }
    const survivors = placement.nodes.some((n) => guestByName.get(n)?.host !== loss.host);
    if (loss.podMemoryMiB > 0 && survivors && loss.podMemoryMiB > loss.podMemoryFreeMiB) {
      nPlusOne = false;
      findings.push(
        diagnostic(
          src,
          "HL113",
          ["hosts", loss.host],
          `when \`${loss.host}\` fails, its nodes' pods need about ${mib(loss.podMemoryMiB)} and the other nodes have about ${mib(loss.podMemoryFreeMiB)} free: some pods stay pending`,
          "give the Kubernetes nodes more memory, or add a node on another host",
        ),
      );
    }
  }
  return { report: { hosts, hostLoss, nPlusOne }, findings };
}
