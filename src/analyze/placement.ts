// Where the plan assumes Kubernetes puts things: replicas and CloudNativePG instances spread over
// hosts first (topology spread / anti-affinity), then over the least loaded node. The scheduler
// decides at run time; this fixed, deterministic guess is what the availability model reasons about,
// and the report prints it so the user can see it.
import type { Guest, Host, Model } from "../model/model.js";

export interface Placement {
  /** Kubernetes nodes, most available first (ties by name): leaders and VIPs settle on stable nodes. */
  nodes: string[];
  /** Nodes running each Kubernetes service's replicas, by service name. */
  services: Map<string, string[]>;
  /** Nodes running each CloudNativePG database's instances, by database name. */
  databases: Map<string, string[]>;
  /** Nodes of K3s's bundled Traefik when the spec does not declare its own. */
  bundledTraefik: string[];
}

/** Lookups by name, built once per model: placement asks them for every node of every service. */
interface ModelIndex {
  hosts: Map<string, Host>;
  guests: Map<string, Guest>;
}

const indexes = new WeakMap<Model, ModelIndex>();

function indexOf(model: Model): ModelIndex {
  let ix = indexes.get(model);
  if (!ix) {
    ix = {
      hosts: new Map(model.hosts.map((h) => [h.name, h])),
      guests: new Map(model.guests.map((g) => [g.name, g])),
    };
    indexes.set(model, ix);
  }
  return ix;
}

/** A guest's availability on its own: itself, its host and the NICs of its networks (gear aside). */
export function standaloneAvailability(model: Model, guest: Guest): number {
  const host = indexOf(model).hosts.get(guest.host);
  if (!host) return guest.reliability.availability;
  let a = guest.reliability.availability * host.reliability.availability;
  const nets = Object.keys(guest.address);
  for (const nic of host.nics)
    if (nic.networks.some((n) => nets.includes(n))) a *= nic.reliability.availability;
  return a;
}

/** How often a guest goes down on its own (per hour): itself, its host, the NICs of its networks. */
export function standaloneFailureRate(model: Model, guest: Guest): number {
  const rate = (mtbf: number, a: number): number => (a < 1 && mtbf > 0 ? 1 / mtbf : 0);
  const host = indexOf(model).hosts.get(guest.host);
  let r = rate(guest.reliability.mtbfHours, guest.reliability.availability);
  if (!host) return r;
  r += rate(host.reliability.mtbfHours, host.reliability.availability);
  const nets = Object.keys(guest.address);
  for (const nic of host.nics)
    if (nic.networks.some((n) => nets.includes(n)))
      r += rate(nic.reliability.mtbfHours, nic.reliability.availability);
  return r;
}

/** A node failing this many times more often than the steadiest one is where pods do not stay. */
const UNSTEADY_FACTOR = 10;

/** Guests sorted most available first, then by name. */
export function byAvailability(model: Model, names: readonly string[]): string[] {
  const guests = indexOf(model).guests;
  const score = new Map(names.map((n) => [n, standaloneAvailability(model, guests.get(n)!)]));
  return [...names].sort((a, b) => score.get(b)! - score.get(a)! || a.localeCompare(b));
}

export function placeWorkloads(model: Model): Placement {
  const k = model.kubernetes;
  const guests = indexOf(model).guests;
  const nodes = k ? byAvailability(model, [...k.servers, ...k.agents]) : [];
  const hostOf = new Map(model.guests.map((g) => [g.name, g.host]));
  const load = new Map(nodes.map((n) => [n, 0]));
  const rank = new Map(nodes.map((n, i) => [n, i]));
  // A pod evicted from a flapping node lands elsewhere and stays (no failback), so in the long run
  // pods live on steady nodes: those are filled first, after spreading over hosts.
  const rates = new Map(nodes.map((n) => [n, standaloneFailureRate(model, guests.get(n)!)]));
  const steadiest = Math.min(...rates.values());
  const tier = (n: string): number => (rates.get(n)! > UNSTEADY_FACTOR * steadiest ? 1 : 0);

  const place = (count: number): string[] => {
    const chosen: string[] = [];
    for (let r = 0; r < count && nodes.length; r++) {
      const hosts = new Set(chosen.map((c) => hostOf.get(c)));
      const uses = (n: string): number => chosen.filter((c) => c === n).length;
      // The first node in this order; rank makes it total, so one pass finds what a sort would.
      const before = (a: string, b: string): number =>
        uses(a) - uses(b) ||
        Number(hosts.has(hostOf.get(a))) - Number(hosts.has(hostOf.get(b))) ||
        tier(a) - tier(b) ||
        load.get(a)! - load.get(b)! ||
        rank.get(a)! - rank.get(b)!;
      let best = nodes[0]!;
      for (let i = 1; i < nodes.length; i++) if (before(nodes[i]!, best) < 0) best = nodes[i]!;
      chosen.push(best);
      load.set(best, load.get(best)! + 1);
    }
    return chosen;
  };

  const databases = new Map<string, string[]>();
  for (const db of model.databases)
    if (db.engine === "cloudnative-pg") databases.set(db.name, place(db.instances));
  const hasTraefik = model.services.some((s) => s.catalog === "traefik" && s.on.length === 0);
  const bundledTraefik = k && !hasTraefik && !k.disable.includes("traefik") ? place(1) : [];
  const services = new Map<string, string[]>();
  for (const s of model.services) if (s.on.length === 0) services.set(s.name, place(s.replicas));
  return { nodes, services, databases, bundledTraefik };
}

/**
 * Up to `cap` nodes outside `exclude`, hosts not yet used first: where a pod can go, or which node
 * can take an address over. Beyond three or four hosts each extra alternative changes a figure by
 * less than the product of the others' unavailabilities, so the model stops there.
 */
export function alternativeNodes(
  model: Model,
  placement: Placement,
  exclude: readonly string[],
  cap: number,
  pool?: readonly string[],
): string[] {
  const guests = indexOf(model).guests;
  const hostOf = (n: string): string | undefined => guests.get(n)?.host;
  const usedHosts = new Set(exclude.map(hostOf));
  const excluded = new Set(exclude);
  const inPool = pool ? new Set(pool) : undefined;
  const out: string[] = [];
  const taken = new Set<string>();
  const free = (n: string): boolean => (!inPool || inPool.has(n)) && !excluded.has(n);
  // Most services need a handful of nodes out of thousands: stop as soon as `cap` are found.
  for (const n of placement.nodes) {
    if (out.length >= cap) break;
    if (!free(n)) continue;
    const h = hostOf(n);
    if (!usedHosts.has(h)) {
      out.push(n);
      taken.add(n);
      usedHosts.add(h);
    }
  }
  for (const n of placement.nodes) {
    if (out.length >= cap) break;
    if (free(n) && !taken.has(n)) {
      out.push(n);
      taken.add(n);
    }
  }
  return out;
}
