// The VRRP groups keepalived runs, as keepalived and the firewall both need them. A load-balancer
// pair is one group (its members track their HAProxy); when the spec says keepalived holds the
// Kubernetes API VIP, the K3s servers form another (they track their API server). Within a group
// the first guest listed in the spec is the preferred master; the others follow in order, far enough
// apart that the skew orders them.
import { guestInterface } from "../model/interfaces.js";
import type { Guest, Model } from "../model/model.js";
import { statsEndpoint } from "./stats-endpoint.js";
import { modelVips, vipFor } from "./vips.js";
import { effectiveAdvertMs, vrrpTakeoverMs } from "./failover-formulas.js";
import { K3S_API_PORT } from "./ports.js";

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

export function memberPriority(index: number, count: number): number {
  const step = Math.min(50, Math.floor(140 / Math.max(1, count - 1)));
  return MASTER_PRIORITY - index * step;
}

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
  const api = vipFor(modelVips(model), { kind: "api" });
  if (k && api?.mechanism === "keepalived" && api.loadBalancer === undefined) {
    const net = api.network;
    const used = new Set(model.loadBalancers.map((lb) => lb.vrrp.routerId));
    let routerId = 51;
    while (used.has(routerId)) routerId++;
    const ms = members(model, api.candidates, net, (g) => ({
      name: "chk_apiserver",
      address: g.address[net] ?? "127.0.0.1",
      port: K3S_API_PORT,
    }));
    groups.push({
      instance: API_INSTANCE,
      purpose: "the Kubernetes API",
      vip: api.address,
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

/**
 * Master_Down_Interval of the group as shipped: the advert keepalived really uses and the priority
 * of the backup that takes over first.
 */
export function groupTakeoverMs(group: VrrpGroup): number {
  const backup = group.members[1]?.priority ?? group.members[0]?.priority ?? MASTER_PRIORITY;
  return vrrpTakeoverMs(group.vrrp.version, effectiveAdvertMs(group.vrrp), backup);
}

/** The group of a load-balancer pair. */
export const lbGroup = (model: Model, lb: string): VrrpGroup | undefined =>
  vrrpGroups(model).find((g) => g.instance === `VI_${lb}`);
