// The address plan as a table: every address and range with its owner, network by network, and what
// is still free. Overlaps and duplicates are the loader's business (src/spec/crosscheck.ts reports
// them as errors before a model exists); this is the map the user keeps in their docs.
import { formatPath } from "../diagnostic/diagnostic.js";
import { cidrRange, inCidr, intToIp, ipToInt } from "../model/ip.js";
import type { IpRange, Model, Network } from "../model/model.js";
import { holderText, modelVips, vipFor } from "../topology/vips.js";
import type { IpPlan, IpPlanEntry, IpPlanNetwork } from "./plan-report.js";

const KIND_ORDER: Record<IpPlanEntry["kind"], number> = {
  network: 0,
  gateway: 1,
  host: 2,
  guest: 3,
  vip: 4,
  metallb: 5,
  dhcp: 6,
  dns: 7,
  broadcast: 8,
};

function entry(
  first: number,
  last: number,
  kind: IpPlanEntry["kind"],
  owner: string,
  path: (string | number)[] = [],
): IpPlanEntry {
  return {
    address: intToIp(first),
    last: intToIp(last),
    size: last - first + 1,
    kind,
    owner,
    path: formatPath(path),
  };
}

const one = (ip: string, kind: IpPlanEntry["kind"], owner: string, path: (string | number)[]): IpPlanEntry =>
  entry(ipToInt(ip), ipToInt(ip), kind, owner, path);

function networkEntries(model: Model, net: Network): IpPlanEntry[] {
  const out: IpPlanEntry[] = [];
  const r = cidrRange(net.cidr);
  const inNet = (ip: string): boolean => inCidr(ip, net.cidr);
  if (net.cidr.prefix < 31) {
    out.push(entry(r.first, r.first, "network", `network ${net.name}`, ["networks", net.name, "cidr"]));
    out.push(entry(r.last, r.last, "broadcast", `broadcast of ${net.name}`, ["networks", net.name, "cidr"]));
  }
  if (net.gateway) out.push(one(net.gateway, "gateway", "gateway", ["networks", net.name, "gateway"]));
  net.dhcp.forEach((d, i) =>
    out.push(entry(d.first, d.last, "dhcp", "DHCP range", ["networks", net.name, "dhcp", i])),
  );
  const metalOf = new Map(model.guests.filter((g) => g.kind === "metal").map((g) => [g.host, g]));
  for (const h of model.hosts) {
    const ip = h.address[net.name];
    if (!ip) continue;
    const metal = metalOf.get(h.name);
    out.push(
      one(ip, "host", metal ? `host ${h.name} (guest ${metal.name}, ${metal.role})` : `host ${h.name}`, [
        "hosts",
        h.name,
        "address",
        net.name,
      ]),
    );
  }
  for (const g of model.guests) {
    const ip = g.address[net.name];
    if (!ip || g.kind === "metal") continue;
    const e = one(ip, "guest", `${g.kind} ${g.name} (${g.role}, on ${g.host})`, [
      "guests",
      g.name,
      "address",
      net.name,
    ]);
    const mac = g.mac[net.name];
    out.push(mac ? { ...e, mac } : e);
  }
  const vips = new Map<string, IpPlanEntry>();
  const vip = (ip: string | undefined, owner: string, path: (string | number)[]): void => {
    if (!ip || !inNet(ip)) return;
    const prev = vips.get(ip);
    if (prev) prev.owner += `; ${owner}`;
    else vips.set(ip, one(ip, "vip", owner, path));
  };
  for (const lb of model.loadBalancers)
    vip(lb.vip, `VIP of load balancer ${lb.name} (${lb.guests.join(", ")})`, [
      "loadBalancers",
      lb.name,
      "vip",
    ]);
  const k = model.kubernetes;
  const apiVip = vipFor(modelVips(model), { kind: "api" });
  if (k?.api.vip)
    vip(k.api.vip, `Kubernetes API VIP (${apiVip ? holderText(apiVip) : "no holder"})`, [
      "kubernetes",
      "api",
      "vip",
    ]);
  const ingressInPool =
    k?.ingress.address &&
    model.metallbPools.some((p) => p.ranges.some((r) => inRangeIp(k.ingress.address!, r)));
  if (k?.ingress.address && k.ingress.via !== "node" && !ingressInPool)
    vip(k.ingress.address, `ingress (${k.ingress.via})`, ["kubernetes", "ingress", "address"]);
  for (const db of model.databases) vip(db.vip, `VIP of database ${db.name}`, ["databases", db.name, "vip"]);
  out.push(...vips.values());
  for (const p of model.metallbPools) {
    if (p.network !== net.name) continue;
    p.ranges.forEach((rg, i) =>
      out.push(
        entry(rg.first, rg.last, "metallb", `MetalLB pool ${p.name}`, [
          "metallb",
          "pools",
          p.name,
          "addresses",
          i,
        ]),
      ),
    );
  }
  for (const rec of model.dns.records) {
    if (inNet(rec.address))
      out.push(one(rec.address, "dns", `DNS record ${rec.name}`, ["dns", "records", rec.name]));
  }
  return out.sort(
    (a, b) =>
      ipToInt(a.address) - ipToInt(b.address) ||
      KIND_ORDER[a.kind] - KIND_ORDER[b.kind] ||
      a.owner.localeCompare(b.owner),
  );
}

const inRangeIp = (ip: string, r: IpRange): boolean => {
  const n = ipToInt(ip);
  return n >= r.first && n <= r.last;
};

/** Unused stretches of a network's host addresses. */
function freeRanges(
  net: Network,
  entries: readonly IpPlanEntry[],
): { free: IpPlanNetwork["free"]; used: number; usable: number } {
  const r = cidrRange(net.cidr);
  const lo = net.cidr.prefix < 31 ? r.first + 1 : r.first;
  const hi = net.cidr.prefix < 31 ? r.last - 1 : r.last;
  const taken = entries
    .filter((e) => e.kind !== "network" && e.kind !== "broadcast" && e.kind !== "dns")
    .map((e) => [Math.max(lo, ipToInt(e.address)), Math.min(hi, ipToInt(e.last))] as const)
    .filter(([a, b]) => a <= b)
    .sort((a, b) => a[0] - b[0]);
  const free: IpPlanNetwork["free"] = [];
  let cursor = lo;
  let used = 0;
  for (const [a, b] of taken) {
    if (a > cursor) free.push({ first: intToIp(cursor), last: intToIp(a - 1), size: a - cursor });
    if (b >= cursor) {
      used += b - Math.max(a, cursor) + 1;
      cursor = b + 1;
    }
  }
  if (cursor <= hi) free.push({ first: intToIp(cursor), last: intToIp(hi), size: hi - cursor + 1 });
  return { free, used, usable: hi - lo + 1 };
}

export function ipPlan(model: Model): IpPlan {
  const networks: IpPlanNetwork[] = model.networks.map((net) => {
    const entries = networkEntries(model, net);
    const { free, used, usable } = freeRanges(net, entries);
    return {
      name: net.name,
      cidr: net.cidr.text,
      ...(net.vlan !== undefined ? { vlan: net.vlan } : {}),
      bridge: net.bridge,
      entries,
      usableAddresses: usable,
      usedAddresses: used,
      free,
    };
  });
  const other: IpPlanEntry[] = [];
  const k = model.kubernetes;
  if (k) {
    const c = cidrRange(k.clusterCidr);
    other.push(
      entry(c.first, c.last, "network", `pod CIDR (${k.clusterCidr.text})`, ["kubernetes", "clusterCidr"]),
    );
    const s = cidrRange(k.serviceCidr);
    other.push(
      entry(s.first, s.last, "network", `service CIDR (${k.serviceCidr.text})`, [
        "kubernetes",
        "serviceCidr",
      ]),
    );
  }
  const wg = model.wireguard;
  if (wg) {
    const t = cidrRange(wg.tunnel);
    other.push(
      entry(t.first, t.last, "network", `WireGuard tunnel (${wg.tunnel.text})`, [
        "vpn",
        "wireguard",
        "tunnel",
      ]),
    );
    other.push(one(wg.address, "guest", `WireGuard server ${wg.guest}`, ["vpn", "wireguard", "guest"]));
    for (const p of wg.peers)
      other.push(one(p.address, "guest", `WireGuard peer ${p.name}`, ["vpn", "wireguard", "peers", p.name]));
  }
  other.sort((a, b) => ipToInt(a.address) - ipToInt(b.address) || a.size - b.size);
  return { networks, other };
}
