// The VRRP groups keepalived runs, as keepalived and the firewall both need them. A load-balancer
// pair is one group (its members track their HAProxy); when the spec says keepalived holds the
// Kubernetes API VIP, the K3s servers form another (they track their API server). Within a group
// the first guest listed in the spec is the preferred master; the others follow in order, far enough
// apart that the skew orders them.
import { guestInterface } from "../../model/interfaces.js";
import type { Guest, Model } from "../../model/model.js";
import { statsEndpoint } from "../haproxy/stats-endpoint.js";

/**
 * What a member checks before it may hold the VIP, inside its own network namespace: a TCP connect
 * (the service is alive), or with `path` an HTTP GET that must answer 2xx (it can route).
 */
export interface VrrpCheck {
  name: string;
  address: string;
  port: number;
  path?: string;
}

export interface VrrpMember {
  guest: Guest;
  /** The guest's own address on the VIP's network, when it has one. */
  address?: string;
  interface: string;
  priority: number;
  check: VrrpCheck;
  /** A weighted check: failing it lowers the priority below every healthy member's, not to FAULT. */
  routes?: VrrpCheck;
}

export interface VrrpGroup {
  /** keepalived's instance name. */
  instance: string;
  /** What the VIP is for, for comments. */
  purpose: string;
  vip: string;
  network: string;
  vrrp: { routerId: number; version: 2 | 3; advertMs: number };
  members: VrrpMember[];
}

export const MASTER_PRIORITY = 150;
export const API_INSTANCE = "VI_k8s_api";
const API_PORT = 6443;

export function memberPriority(index: number, count: number): number {
  const step = Math.min(50, Math.floor(140 / Math.max(1, count - 1)));
  return MASTER_PRIORITY - index * step;
}

/** keepalived's advert_int: whole seconds for VRRPv2, 10 ms steps from 0.01 to 40.95 s for VRRPv3. */
export function advertInterval(vrrp: VrrpGroup["vrrp"]): string {
  if (vrrp.version === 2) return String(Math.max(1, Math.round(vrrp.advertMs / 1000)));
  const centis = Math.min(4095, Math.max(1, Math.round(vrrp.advertMs / 10)));
  return String(centis / 100);
}

/** The advert interval keepalived really uses, in ms (VRRPv2 rounds to whole seconds). */
export const effectiveAdvertMs = (vrrp: VrrpGroup["vrrp"]): number =>
  Math.round(Number(advertInterval(vrrp)) * 1000);

function members(
  model: Model,
  names: string[],
  network: string,
  check: (g: Guest) => VrrpCheck,
): VrrpMember[] {
  const guests = names.flatMap((n) => model.guests.filter((g) => g.name === n));
  return guests.map((guest, i) => ({
    guest,
    address: guest.address[network],
    interface: guestInterface(model, guest, network),
    priority: memberPriority(i, guests.length),
    check: check(guest),
  }));
}

/**
 * The API VIP's advert interval: the one whose takeover (3 adverts plus the second server's skew,
 * VRRPv3) equals the `vrrp.failover` figure the plan charges, so plan and lab measure the same thing.
 */
function apiAdvertMs(model: Model, backupPriority: number): number {
  const target = model.timings["vrrp.failover"] ?? 3600;
  return Math.round(target / (3 + (256 - backupPriority) / 256));
}

export function vrrpGroups(model: Model): VrrpGroup[] {
  const groups: VrrpGroup[] = model.loadBalancers.map((lb) => ({
    instance: `VI_${lb.name}`,
    purpose: `load balancer "${lb.name}"`,
    vip: lb.vip,
    network: lb.network,
    vrrp: lb.vrrp,
    members: members(model, lb.guests, lb.network, (g) => {
      const s = statsEndpoint(model, g);
      return { name: "chk_haproxy", address: s.address, port: s.port };
    }).map((m) =>
      // A lone guest has no peer to give the VIP to: its route check would change nothing.
      lb.guests.length < 2
        ? m
        : { ...m, routes: { ...m.check, name: "chk_haproxy_routes", path: "/healthz" } },
    ),
  }));
  const k = model.kubernetes;
  if (k?.api.vip && k.api.holder === "keepalived") {
    const net = k.api.network;
    const used = new Set(model.loadBalancers.map((lb) => lb.vrrp.routerId));
    let routerId = 51;
    while (used.has(routerId)) routerId++;
    const ms = members(model, k.servers, net, (g) => ({
      name: "chk_apiserver",
      address: g.address[net] ?? "127.0.0.1",
      port: API_PORT,
    }));
    groups.push({
      instance: API_INSTANCE,
      purpose: "the Kubernetes API",
      vip: k.api.vip,
      network: net,
      vrrp: { routerId, version: 3, advertMs: apiAdvertMs(model, ms[1]?.priority ?? MASTER_PRIORITY) },
      members: ms,
    });
  }
  return groups;
}

/** Guests running keepalived, in spec order, each once. */
export function keepalivedGuests(model: Model): Guest[] {
  const names = new Set(vrrpGroups(model).flatMap((g) => g.members.map((m) => m.guest.name)));
  return model.guests.filter((g) => names.has(g.name));
}

/**
 * The weight of a member's route check: enough to drop the preferred master below the last member,
 * so any member that can route outranks every member that cannot, whatever their order.
 */
export function routesWeight(group: VrrpGroup): number {
  const ps = group.members.map((m) => m.priority);
  return -(Math.max(...ps) - Math.min(...ps) + 1);
}
