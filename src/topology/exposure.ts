// Who may reach which service, decided once (docs/exposure.md). From each service's audiences
// (`exposure`) this picks the one address:port its name answers with, lists what every load
// balancer or guest must open there and for whom, and the extra routes the VPN needs. HAProxy's
// binds, the DNS answers, the nftables rules and the WireGuard AllowedIPs all read these facts; the
// plan reads them too and checks, client side by client side, who can actually get through.
import { inCidr, parseCidr } from "../model/ip.js";
import { isApiFrontend } from "./lb-frontends.js";
import type { Audience, Guest, Model, Network, Service } from "../model/model.js";

/** Where clients sit: a public, lan or admin segment, or the VPN's peers. */
export interface ClientSide {
  /** The network's name, or `vpn`. */
  name: string;
  audience: Audience;
  /** The network's CIDR, or the tunnel's. */
  cidr: string;
  network?: string;
}

export const VPN_SIDE = "vpn";

export type EntryKind = "vip" | "lb-address" | "guest" | "ingress";

/** The address a service's name resolves to, and what stands in front of it. */
export interface ServiceEntry {
  address: string;
  ports: number[];
  /** The network the address is on (empty when it is on none of the spec's). */
  network: string;
  kind: EntryKind;
  /** The guest that binds it (a load-balancer guest's own address, or the guest a service runs on). */
  guest?: string;
  /** A generated firewall in front of it decides who gets in; otherwise anyone with a path does. */
  guarded: boolean;
}

export interface ServiceExposure {
  service: string;
  hostname: string;
  admin: boolean;
  audiences: Audience[];
  /** The client sides its audiences resolve to in this spec. */
  meant: string[];
  entry: ServiceEntry;
}

/** What one guest opens on one of its addresses, and for whom (HAProxy binds it, nftables admits it). */
export interface Opening {
  /** `haproxy`: the ingress load balancer binds it; `service`: the service listens there itself. */
  by: "haproxy" | "service";
  /** The load balancer whose frontends bind it (by haproxy). */
  loadBalancer?: string;
  guest: string;
  network: string;
  address: string;
  ports: number[];
  /** Client sides admitted. */
  sides: string[];
  /** Source CIDRs or addresses admitted (VPN traffic arrives masqueraded as the VPN guest). */
  sources: string[];
  services: string[];
}

export interface Reach {
  side: string;
  meant: boolean;
  reachable: boolean;
  why: string;
}

export interface ExposureFacts {
  clients: ClientSide[];
  services: ServiceExposure[];
  openings: Opening[];
  /** Addresses outside the exposed networks the VPN routes to (peers' AllowedIPs, its forward rule). */
  vpnRoutes: string[];
  /** Per service, every client side: can it get through, and why. */
  reach: Map<string, Reach[]>;
}

export const isSegmented = (model: Model): boolean =>
  model.networks.some((n) => n.role === "public" || n.role === "admin" || n.role === "apps");

/**
 * The guests build gives an nftables ruleset (src/generate/nftables/nftables.ts says why): load
 * balancers and the VPN guest always, K3s nodes and managers in a segmented design.
 */
export function hasFirewall(model: Model, guest: Guest): boolean {
  const k = model.kubernetes;
  if (model.loadBalancers.some((lb) => lb.guests.includes(guest.name))) return true;
  if (model.wireguard?.guest === guest.name) return true;
  if (!isSegmented(model)) return false;
  return Boolean(
    (k && (k.servers.includes(guest.name) || k.agents.includes(guest.name))) || guest.role === "manager",
  );
}

export function clientSides(model: Model): ClientSide[] {
  const out: ClientSide[] = model.networks
    .filter((n) => n.role === "public" || n.role === "lan" || n.role === "admin")
    .map((n) => ({ name: n.name, audience: n.role as Audience, cidr: n.cidr.text, network: n.name }));
  if (model.wireguard) out.push({ name: VPN_SIDE, audience: "vpn", cidr: model.wireguard.tunnel.text });
  return out;
}

/** The client sides an audience stands for; `admin` on a flat LAN is the LAN (as SSH and the API). */
export function sidesOf(clients: readonly ClientSide[], audience: Audience): ClientSide[] {
  const direct = clients.filter((c) => c.audience === audience);
  if (audience === "admin" && direct.length === 0) return clients.filter((c) => c.audience === "lan");
  return direct;
}

const networkOf = (model: Model, address: string): Network | undefined =>
  model.networks.find((n) => inCidr(address, n.cidr));

function ingressPorts(model: Model, lbName: string | undefined): number[] {
  const lb = model.loadBalancers.find((l) => l.name === lbName);
  const ports = lb ? lb.frontends.filter((f) => !isApiFrontend(f)).map((f) => f.port) : [80, 443];
  return [...new Set(ports)].sort((a, b) => a - b);
}

/** The address one client side would use to reach what `candidates` offers, in preference order. */
function pickFor(
  model: Model,
  side: ClientSide,
  candidates: { network: string; address: string; guest?: string }[],
): { network: string; address: string; guest?: string } | undefined {
  if (side.network) return candidates.find((c) => c.network === side.network);
  const wg = model.wireguard!;
  const vpnGuest = model.guests.find((g) => g.name === wg.guest);
  return (
    candidates.find((c) => wg.exposes.includes(c.network)) ??
    candidates.find((c) => vpnGuest?.address[c.network] !== undefined)
  );
}

function entryFor(model: Model, s: Service, meant: ClientSide[]): ServiceEntry | undefined {
  const k8s = model.kubernetes;
  if (s.on.length > 0) {
    const guest = model.guests.find((g) => g.name === s.on[0]);
    if (!guest) return undefined;
    const candidates = Object.entries(guest.address).map(([network, address]) => ({ network, address }));
    const pick = meant.map((m) => pickFor(model, m, candidates)).find((c) => c) ?? candidates[0];
    if (!pick) return undefined;
    return {
      address: pick.address,
      ports: [s.port],
      network: pick.network,
      kind: "guest",
      guest: guest.name,
      guarded: hasFirewall(model, guest),
    };
  }
  if (!k8s?.ingress.address) return undefined;
  const lb =
    k8s.ingress.via === "load-balancer"
      ? model.loadBalancers.find((l) => l.name === k8s.ingress.loadBalancer)
      : undefined;
  if (!lb) {
    const address = k8s.ingress.address;
    return {
      address,
      ports: [80, 443],
      network: networkOf(model, address)?.name ?? "",
      kind: "ingress",
      guarded: false,
    };
  }
  // The VIP first (it fails over); else a load-balancer guest's own address on the client's segment.
  const candidates = [
    { network: lb.network, address: lb.vip, guest: undefined as string | undefined },
    ...lb.guests.flatMap((name) =>
      Object.entries(model.guests.find((g) => g.name === name)?.address ?? {})
        .filter(([network]) => network !== lb.network)
        .map(([network, address]) => ({ network, address, guest: name })),
    ),
  ];
  const pick = meant.map((m) => pickFor(model, m, candidates)).find((c) => c) ?? candidates[0]!;
  return {
    address: pick.address,
    ports: ingressPorts(model, lb.name),
    network: pick.network,
    kind: pick.guest ? "lb-address" : "vip",
    guest: pick.guest,
    guarded: true,
  };
}

/** The source a client side's packets carry when they arrive on `network`. */
function sourceOn(model: Model, side: ClientSide, network: string): string {
  if (side.network) return side.cidr;
  const vpnGuest = model.guests.find((g) => g.name === model.wireguard?.guest);
  // The VPN guest masquerades what it forwards: the packets come from its own address there.
  return vpnGuest?.address[network] ?? side.cidr;
}

const memo = new WeakMap<Model, ExposureFacts>();

export function exposureFacts(model: Model): ExposureFacts {
  const cached = memo.get(model);
  if (cached) return cached;
  const clients = clientSides(model);
  const services: ServiceExposure[] = [];
  for (const s of model.services) {
    if (!s.hostname) continue;
    const meant = [...new Set(s.exposure.flatMap((a) => sidesOf(clients, a)))];
    const entry = entryFor(model, s, meant);
    if (!entry) continue;
    services.push({
      service: s.name,
      hostname: s.hostname,
      admin: s.admin,
      audiences: s.exposure,
      meant: meant.map((m) => m.name),
      entry,
    });
  }

  // A guest opens an address for the union of the sides of every service answering there: TCP
  // pass-through cannot tell two names on one address:port apart.
  const openings: Opening[] = [];
  for (const se of services) {
    const e = se.entry;
    if (!e.guest || (e.kind !== "lb-address" && e.kind !== "guest")) continue;
    let o = openings.find((x) => x.guest === e.guest && x.address === e.address);
    if (!o) {
      o = {
        by: e.kind === "lb-address" ? "haproxy" : "service",
        loadBalancer: e.kind === "lb-address" ? model.kubernetes?.ingress.loadBalancer : undefined,
        guest: e.guest,
        network: e.network,
        address: e.address,
        ports: [],
        sides: [],
        sources: [],
        services: [],
      };
      openings.push(o);
    }
    o.ports = [...new Set([...o.ports, ...e.ports])].sort((a, b) => a - b);
    o.services.push(se.service);
    for (const name of se.meant) {
      const side = clients.find((c) => c.name === name)!;
      if (!o.sides.includes(name)) o.sides.push(name);
      const src = sourceOn(model, side, e.network);
      if (!o.sources.includes(src)) o.sources.push(src);
    }
  }

  const wg = model.wireguard;
  const exposedNets = model.networks.filter((n) => wg?.exposes.includes(n.name));
  const vpnGuest = model.guests.find((g) => g.name === wg?.guest);
  const vpnRoutes = [
    ...new Set(
      services
        .filter((se) => se.meant.includes(VPN_SIDE))
        .map((se) => se.entry)
        .filter(
          (e) =>
            vpnGuest?.address[e.network] !== undefined && !exposedNets.some((n) => inCidr(e.address, n.cidr)),
        )
        .map((e) => `${e.address}/32`),
    ),
  ].sort();

  const reach = new Map<string, Reach[]>();
  for (const se of services) {
    reach.set(
      se.service,
      clients.map((side) => reachOf(model, se, side, openings, vpnRoutes, services)),
    );
  }
  const facts = { clients, services, openings, vpnRoutes, reach };
  memo.set(model, facts);
  return facts;
}

function reachOf(
  model: Model,
  se: ServiceExposure,
  side: ClientSide,
  openings: readonly Opening[],
  vpnRoutes: readonly string[],
  services: readonly ServiceExposure[],
): Reach {
  const e = se.entry;
  const meant = se.meant.includes(side.name);
  const at = `${e.address}:${e.ports.join(",")}`;
  const no = (why: string): Reach => ({ side: side.name, meant, reachable: false, why });
  const yes = (why: string): Reach => ({ side: side.name, meant, reachable: true, why });
  let path: string;
  if (side.network) {
    if (!inCidr(e.address, parseCidr(side.cidr)))
      return no(`${at} is on ${e.network || "no network of the spec"}, which ${side.name} has no route to`);
    path = "same segment";
  } else {
    const wg = model.wireguard!;
    const vpnGuest = model.guests.find((g) => g.name === wg.guest);
    const exposed = wg.exposes.includes(e.network) || vpnRoutes.includes(`${e.address}/32`);
    if (!exposed || vpnGuest?.address[e.network] === undefined)
      return no(`the VPN routes only ${[...wg.exposes, ...vpnRoutes].join(", ")}, not ${at}`);
    path = `through the VPN guest ${wg.guest}`;
  }
  if (!e.guarded) return yes(`${path}, no firewall in front of ${at}`);
  if (e.kind === "vip") return yes(`${path}, the VIP's segment is open on ${e.ports.join(",")}`);
  const o = openings.find((x) => x.guest === e.guest && x.address === e.address);
  const source = sourceOn(model, side, e.network);
  const admitted =
    o !== undefined &&
    (o.sides.includes(side.name) ||
      o.sources.some((src) =>
        src.includes("/") ? inCidr(source.split("/")[0]!, parseCidr(src)) : src === source,
      ));
  if (!admitted)
    return no(`${path}, but ${e.guest}'s firewall admits only ${o?.sides.join(", ") || "nobody"} at ${at}`);
  if (meant) return yes(`${path}, ${e.guest} admits it at ${at}`);
  if (!o.sides.includes(side.name))
    return yes(`${path}: it arrives masqueraded as ${source}, which ${e.guest}'s firewall admits at ${at}`);
  const sharers = services.filter((x) => o.services.includes(x.service) && x.meant.includes(side.name));
  return yes(
    `${path}: ${at} is shared with ${sharers.map((x) => x.service).join(", ") || "names"} meant for ${side.name}, and TCP pass-through cannot tell the names apart`,
  );
}
