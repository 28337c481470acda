// The second pass: references between sections and the address plan. It runs on the raw document
// even when the schema pass found errors, so that one run shows every problem, and so it guards
// every value it reads instead of trusting the types.
import type { Diagnostic, PathSegment, SourceLocator } from "../diagnostic/diagnostic.js";
import type { Code } from "../diagnostic/codes.js";
import { diagnostic, formatPath } from "../diagnostic/diagnostic.js";
import {
  cidrRange,
  inCidr,
  inRange,
  ipToInt,
  intToIp,
  parseCidr,
  parseRange,
  rangesOverlap,
} from "../model/ip.js";
import {
  AUTO_VMID_COUNT,
  AUTO_VMID_FIRST,
  AUTO_VMID_LAST,
  tunnelPeerSlots,
  VRRP_ID_COUNT,
} from "../model/auto-numbers.js";
import type { Cidr, IpRange } from "../model/model.js";
import { didYouMean } from "../util/suggest.js";
import { KUBE_VIP_DEFAULTS, kubeVipTimingProblems, type KubeVipTimings } from "../model/kube-vip-timings.js";
import { durationMs } from "../model/units.js";
import { CATALOG_NAMES } from "./catalog-names.js";

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
const CIDR = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}\/(3[0-2]|[12]?\d)$/;

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => v !== null && typeof v === "object" && !Array.isArray(v);
const entries = (v: unknown): [string, unknown][] => (isObj(v) ? Object.entries(v) : []);
const str = (v: unknown): string | undefined => (typeof v === "string" ? v : undefined);
const ip = (v: unknown): string | undefined => (typeof v === "string" && IPV4.test(v) ? v : undefined);
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const get = (v: unknown, ...keys: string[]): unknown => {
  let cur = v;
  for (const k of keys) cur = isObj(cur) ? cur[k] : undefined;
  return cur;
};
function range(v: unknown): IpRange | undefined {
  const s = str(v);
  if (!s) return undefined;
  try {
    const r = parseRange(s);
    return Number.isFinite(r.first) && Number.isFinite(r.last) && r.first <= r.last ? r : undefined;
  } catch {
    return undefined;
  }
}

interface Claim {
  address: number;
  path: PathSegment[];
  owner: string;
}

export function crossCheck(input: unknown, source: SourceLocator): Diagnostic[] {
  const out: Diagnostic[] = [];
  const report = (code: Code, path: PathSegment[], message: string, hint: string): void => {
    out.push(diagnostic(source, code, path, message, hint));
  };
  const where = (path: PathSegment[]): string => {
    const p = source.locate(path);
    return p.line > 0 ? `\`${formatPath(path)}\` (line ${p.line})` : `\`${formatPath(path)}\``;
  };

  // --- networks -------------------------------------------------------------------------------
  const networks = new Map<string, Cidr>();
  const dhcp = new Map<string, IpRange[]>();
  const gateways = new Map<string, string>();
  for (const [name, net] of entries(get(input, "networks"))) {
    const c = str(get(net, "cidr"));
    if (!c || !CIDR.test(c)) continue;
    const cidr = parseCidr(c);
    for (const [other, oc] of networks) {
      if (rangesOverlap(cidrRange(cidr), cidrRange(oc))) {
        report(
          "HL020",
          ["networks", name, "cidr"],
          `${c} overlaps network \`${other}\` (${oc.text})`,
          "give each network its own subnet",
        );
      }
    }
    networks.set(name, cidr);
    const gw = ip(get(net, "gateway"));
    if (gw) {
      gateways.set(name, gw);
      if (!inCidr(gw, cidr))
        report(
          "HL011",
          ["networks", name, "gateway"],
          `gateway ${gw} is outside ${c}`,
          `pick an address in ${c}`,
        );
    }
    const ranges: IpRange[] = [];
    list(get(net, "dhcp")).forEach((d, i) => {
      const r = range(d);
      if (!r) return;
      if (!inCidr(r.first, cidr) || !inCidr(r.last, cidr)) {
        report(
          "HL011",
          ["networks", name, "dhcp", i],
          `DHCP range ${r.text} is outside ${c}`,
          `pick a range in ${c}`,
        );
      }
      ranges.push(r);
    });
    dhcp.set(name, ranges);
  }
  const netNames = [...networks.keys()];
  for (const [name] of entries(get(input, "networks"))) if (!networks.has(name)) netNames.push(name);
  const knownNet = (n: string): boolean => netNames.includes(n);

  const checkNetworkRef = (value: unknown, path: PathSegment[]): string | undefined => {
    const n = str(value);
    if (n === undefined) return undefined;
    if (!knownNet(n)) {
      report("HL013", path, `unknown network \`${n}\``, didYouMean(n, netNames, "networks:"));
      return undefined;
    }
    return n;
  };

  // Every static address claimed by something, to find duplicates and check ranges.
  const claims: Claim[] = [];
  const claim = (address: string, path: PathSegment[], owner: string): void => {
    claims.push({ address: ipToInt(address), path, owner });
  };

  const checkAddress = (
    net: string,
    address: string,
    path: PathSegment[],
    kind: "static" | "vip",
    /** A Proxmox host may be its segment's gateway: build makes it route (forwarding and NAT). */
    mayRoute = false,
  ): void => {
    const cidr = networks.get(net);
    if (!cidr) return;
    if (!inCidr(address, cidr)) {
      const code = kind === "vip" ? "HL017" : "HL011";
      report(
        code,
        path,
        `${address} is outside network \`${net}\` (${cidr.text})`,
        `pick an address in ${cidr.text}, or put it on another network`,
      );
      return;
    }
    const r = cidrRange(cidr);
    const n = ipToInt(address);
    if (cidr.prefix < 31 && (n === r.first || n === r.last)) {
      report(
        "HL019",
        path,
        `${address} is the ${n === r.first ? "network" : "broadcast"} address of ${cidr.text}`,
        "pick a host address",
      );
    } else if (gateways.get(net) === address && !mayRoute) {
      report("HL019", path, `${address} is the gateway of \`${net}\``, "pick another address");
    }
    for (const d of dhcp.get(net) ?? []) {
      if (inRange(n, d)) {
        report(
          "HL018",
          path,
          `${address} lies in the DHCP range ${d.text} of \`${net}\``,
          "move it out of the range, or shrink the DHCP range on the router",
        );
      }
    }
  };

  // The network whose subnet holds an address, for VIPs that do not name one.
  const networkOf = (address: string): string | undefined => {
    for (const [n, c] of networks) if (inCidr(address, c)) return n;
    return undefined;
  };

  // --- gear and hosts -------------------------------------------------------------------------
  const gearNames = entries(get(input, "gear")).map(([n]) => n);
  const hosts = new Map<string, Obj>();
  for (const [name, h] of entries(get(input, "hosts"))) if (isObj(h)) hosts.set(name, h);
  const hostNames = [...hosts.keys()];

  for (const [name, h] of hosts) {
    list(h.dependsOn).forEach((g, i) => {
      const gn = str(g);
      if (gn !== undefined && !gearNames.includes(gn)) {
        report(
          "HL015",
          ["hosts", name, "dependsOn", i],
          `unknown gear \`${gn}\``,
          gearNames.length ? didYouMean(gn, gearNames, "gear:") : "declare it under `gear:`",
        );
      }
    });
    const nicNets = new Set<string>();
    for (const [nicName, nic] of entries(h.nics)) {
      list(get(nic, "networks")).forEach((n, i) => {
        const ok = checkNetworkRef(n, ["hosts", name, "nics", nicName, "networks", i]);
        if (ok) nicNets.add(ok);
      });
    }
    for (const [net, a] of entries(h.address)) {
      const path: PathSegment[] = ["hosts", name, "address", net];
      if (!checkNetworkRef(net, path)) continue;
      const addr = ip(a);
      if (!addr) continue;
      checkAddress(net, addr, path, "static", h.kind === "proxmox");
      claim(addr, path, `host \`${name}\``);
      if (isObj(h.nics) && !nicNets.has(net)) {
        report(
          "HL025",
          path,
          `host \`${name}\` has an address on \`${net}\` but none of its NICs carries it`,
          `add \`${net}\` to the networks of one of its NICs`,
        );
      }
    }
  }

  // --- guests ---------------------------------------------------------------------------------
  const guests = new Map<string, Obj>();
  for (const [name, g] of entries(get(input, "guests"))) if (isObj(g)) guests.set(name, g);
  const guestNames = [...guests.keys()];
  const haGroupNames = entries(get(input, "proxmox", "haGroups")).map(([n]) => n);
  const macs = new Map<string, PathSegment[]>();
  const vmids = new Map<number, PathSegment[]>();

  for (const [name, g] of guests) {
    const hostName = str(g.host);
    const host = hostName !== undefined ? hosts.get(hostName) : undefined;
    if (hostName !== undefined && !host) {
      report(
        "HL012",
        ["guests", name, "host"],
        `guest \`${name}\` is placed on unknown host \`${hostName}\``,
        hostNames.length ? didYouMean(hostName, hostNames, "hosts:") : "declare the host under `hosts:`",
      );
    }
    const kind = str(g.kind) ?? "vm";
    const hostKind = host ? str(host.kind) : undefined;
    if (host && hostKind) {
      if (kind === "metal" && hostKind === "proxmox") {
        report(
          "HL021",
          ["guests", name, "kind"],
          `a metal guest cannot sit on Proxmox host \`${hostName}\``,
          "use kind: vm or lxc, or make the host kind baremetal",
        );
      } else if (kind !== "metal" && hostKind !== "proxmox") {
        report(
          "HL021",
          ["guests", name, "kind"],
          `a ${kind} needs a Proxmox host, but \`${hostName}\` is ${hostKind}`,
          "use kind: metal for the OS on that host, or place it on a Proxmox host",
        );
      }
    }
    if (kind === "metal" && isObj(g.address)) {
      report(
        "HL021",
        ["guests", name, "address"],
        "a metal guest uses its host's addresses",
        "remove `address:`; set them on the host",
      );
    }
    for (const [net, a] of entries(g.address)) {
      const path: PathSegment[] = ["guests", name, "address", net];
      if (!checkNetworkRef(net, path)) continue;
      const addr = ip(a);
      if (!addr || kind === "metal") continue;
      checkAddress(net, addr, path, "static");
      claim(addr, path, `guest \`${name}\``);
    }
    for (const [net, m] of entries(g.mac)) {
      const path: PathSegment[] = ["guests", name, "mac", net];
      checkNetworkRef(net, path);
      const mac = str(m)?.toLowerCase();
      if (!mac) continue;
      const prev = macs.get(mac);
      if (prev)
        report(
          "HL023",
          path,
          `MAC ${mac} is already used by ${where(prev)}`,
          "give each interface its own MAC, or leave it out to derive one",
        );
      else macs.set(mac, path);
    }
    if (typeof g.vmid === "number") {
      const prev = vmids.get(g.vmid);
      if (prev)
        report(
          "HL024",
          ["guests", name, "vmid"],
          `VMID ${g.vmid} is already used by ${where(prev)}`,
          "give each guest its own VMID, or leave it out",
        );
      else vmids.set(g.vmid, ["guests", name, "vmid"]);
    }
    const hg = str(g.haGroup);
    if (hg !== undefined && !haGroupNames.includes(hg)) {
      report(
        "HL016",
        ["guests", name, "haGroup"],
        `unknown HA group \`${hg}\``,
        haGroupNames.length ? didYouMean(hg, haGroupNames, "groups:") : "declare it under `proxmox.haGroups`",
      );
    }
  }
  // VMIDs left out are picked from a fixed range: more such guests than free numbers in it cannot
  // be numbered (normalise would have nothing left to give).
  const autoVmidGuests = [...guests].filter(
    ([, g]) => (str(g.kind) ?? "vm") !== "metal" && typeof g.vmid !== "number",
  );
  const freeVmids =
    AUTO_VMID_COUNT - [...vmids.keys()].filter((v) => v >= AUTO_VMID_FIRST && v <= AUTO_VMID_LAST).length;
  if (autoVmidGuests.length > freeVmids) {
    const [first] = autoVmidGuests[freeVmids]!;
    report(
      "HL041",
      ["guests", first],
      `no VMID left for guest \`${first}\`: ${autoVmidGuests.length} guests have no \`vmid:\`, and only ${freeVmids} of ${AUTO_VMID_FIRST}-${AUTO_VMID_LAST} are free`,
      `give ${autoVmidGuests.length - freeVmids} or more guests an explicit \`vmid:\` outside ${AUTO_VMID_FIRST}-${AUTO_VMID_LAST} (Proxmox takes 100-999999999)`,
    );
  }

  for (const [name, nic] of [...hosts].flatMap(([h, o]) =>
    entries(o.nics).map(([n, v]) => [`${h}/${n}`, v] as const),
  )) {
    const mac = str(get(nic, "mac"))?.toLowerCase();
    if (!mac) continue;
    const [h, n] = name.split("/");
    const path: PathSegment[] = ["hosts", h!, "nics", n!, "mac"];
    const prev = macs.get(mac);
    if (prev)
      report("HL023", path, `MAC ${mac} is already used by ${where(prev)}`, "each NIC has its own MAC");
    else macs.set(mac, path);
  }

  const checkGuestRef = (value: unknown, path: PathSegment[]): string | undefined => {
    const n = str(value);
    if (n === undefined) return undefined;
    if (!guests.has(n)) {
      report(
        "HL014",
        path,
        `unknown guest \`${n}\``,
        guestNames.length ? didYouMean(n, guestNames, "guests:") : "declare it under `guests:`",
      );
      return undefined;
    }
    return n;
  };
  const checkHostRef = (value: unknown, path: PathSegment[], allowGuest = false): void => {
    const n = str(value);
    if (n === undefined || hosts.has(n) || (allowGuest && guests.has(n))) return;
    const pool = allowGuest ? [...hostNames, ...guestNames] : hostNames;
    report("HL012", path, `unknown host \`${n}\``, didYouMean(n, pool, "hosts:"));
  };

  // --- VIPs ------------------------------------------------------------------------------------
  const vip = (
    address: unknown,
    netName: unknown,
    path: PathSegment[],
    netPath: PathSegment[],
    owner: string,
  ): string | undefined => {
    const a = ip(address);
    if (!a) return undefined;
    let net = str(netName);
    if (net !== undefined && !checkNetworkRef(net, netPath)) return undefined;
    net ??= networkOf(a);
    if (!net) {
      report(
        "HL017",
        path,
        `${owner} ${a} is outside every network`,
        `pick an address in ${[...networks.values()].map((c) => c.text).join(" or ") || "a declared network"}`,
      );
      return a;
    }
    checkAddress(net, a, path, "vip");
    return a;
  };

  const lbVips = new Map<string, string>();
  for (const [name, lb] of entries(get(input, "loadBalancers"))) {
    list(get(lb, "guests")).forEach((g, i) => {
      const gn = checkGuestRef(g, ["loadBalancers", name, "guests", i]);
      if (gn && str(guests.get(gn)?.role) !== "load-balancer") {
        report(
          "HL026",
          ["loadBalancers", name, "guests", i],
          `guest \`${gn}\` runs HAProxy but its role is \`${str(guests.get(gn)?.role)}\``,
          "set its role to load-balancer",
        );
      }
    });
    const a = vip(
      get(lb, "vip"),
      get(lb, "network"),
      ["loadBalancers", name, "vip"],
      ["loadBalancers", name, "network"],
      "VIP",
    );
    if (a) {
      lbVips.set(name, a);
      claim(a, ["loadBalancers", name, "vip"], `load balancer \`${name}\``);
    }
  }
  // VRRP router ids left out are picked from 1-255, after the explicit ones.
  const lbEntries = entries(get(input, "loadBalancers"));
  const autoRouterIds = lbEntries.filter(([, lb]) => typeof get(lb, "vrrp", "routerId") !== "number");
  const freeRouterIds =
    VRRP_ID_COUNT -
    new Set(lbEntries.map(([, lb]) => get(lb, "vrrp", "routerId")).filter((v) => typeof v === "number")).size;
  if (autoRouterIds.length > Math.max(0, freeRouterIds)) {
    const [first] = autoRouterIds[Math.max(0, freeRouterIds)]!;
    report(
      "HL041",
      ["loadBalancers", first],
      `no VRRP router id left for load balancer \`${first}\`: ${autoRouterIds.length} have no \`vrrp.routerId\`, and only ${Math.max(0, freeRouterIds)} of 1-255 are free`,
      "VRRP has 255 router ids: give fewer load balancers, or share one pair between services",
    );
  }
  const lbNames = [...lbVips.keys(), ...entries(get(input, "loadBalancers")).map(([n]) => n)];
  const checkLbRef = (value: unknown, path: PathSegment[]): void => {
    const n = str(value);
    if (n !== undefined && !lbNames.includes(n)) {
      report(
        "HL016",
        path,
        `unknown load balancer \`${n}\``,
        lbNames.length ? didYouMean(n, lbNames, "load balancers:") : "declare it under `loadBalancers:`",
      );
    }
  };

  const k8s = get(input, "kubernetes");
  const holder = str(get(k8s, "api", "holder")) ?? "kube-vip";
  const apiVip = vip(get(k8s, "api", "vip"), undefined, ["kubernetes", "api", "vip"], [], "API VIP");
  checkLbRef(get(k8s, "api", "loadBalancer"), ["kubernetes", "api", "loadBalancer"]);
  if (apiVip && !(holder === "load-balancer" && [...lbVips.values()].includes(apiVip))) {
    claim(apiVip, ["kubernetes", "api", "vip"], "the API VIP");
  }
  if (holder === "load-balancer" && lbNames.length === 0) {
    report(
      "HL027",
      ["kubernetes", "api", "holder"],
      "the API VIP is held by a load balancer, but none is declared",
      "add a pair under `loadBalancers:`, or use holder: kube-vip",
    );
  }
  const ingress = get(k8s, "ingress");
  checkLbRef(get(ingress, "loadBalancer"), ["kubernetes", "ingress", "loadBalancer"]);
  checkGuestRef(get(ingress, "node"), ["kubernetes", "ingress", "node"]);
  const ingressAddr = vip(
    get(ingress, "address"),
    undefined,
    ["kubernetes", "ingress", "address"],
    [],
    "ingress address",
  );
  const via = str(get(ingress, "via"));
  if (ingressAddr && via === "kube-vip" && ingressAddr !== apiVip)
    claim(ingressAddr, ["kubernetes", "ingress", "address"], "the ingress VIP");

  // --- kube-vip leader election: what the shipped DaemonSet can express (model/kube-vip-timings.ts)
  const kv = get(k8s, "kubeVip");
  if (isObj(kv)) {
    const ms = (key: "leaseDuration" | "renewDeadline" | "retryPeriod", dflt: number): number | undefined => {
      const v = kv[key];
      if (v === undefined) return dflt;
      if (typeof v === "number") return Number.isFinite(v) ? v * 1000 : undefined;
      if (typeof v !== "string") return undefined;
      try {
        return durationMs(v);
      } catch {
        return undefined; // the schema reports the malformed duration
      }
    };
    const t = {
      leaseMs: ms("leaseDuration", KUBE_VIP_DEFAULTS.leaseMs),
      renewMs: ms("renewDeadline", KUBE_VIP_DEFAULTS.renewMs),
      retryMs: ms("retryPeriod", KUBE_VIP_DEFAULTS.retryMs),
    };
    if (t.leaseMs !== undefined && t.renewMs !== undefined && t.retryMs !== undefined) {
      for (const p of kubeVipTimingProblems(t as KubeVipTimings)) {
        const key =
          kv[p.key] !== undefined
            ? p.key
            : (["leaseDuration", "renewDeadline", "retryPeriod"] as const).find((k) => kv[k] !== undefined);
        report("HL055", ["kubernetes", "kubeVip", ...(key ? [key] : [])], p.message, p.hint);
      }
    }
  }

  // --- MetalLB pools --------------------------------------------------------------------------
  const pools: { range: IpRange; path: PathSegment[] }[] = [];
  for (const [name, pool] of entries(get(input, "metallb", "pools"))) {
    const netName = checkNetworkRef(get(pool, "network"), ["metallb", "pools", name, "network"]);
    list(get(pool, "addresses")).forEach((a, i) => {
      const r = range(a);
      const path: PathSegment[] = ["metallb", "pools", name, "addresses", i];
      if (!r) return;
      const net = netName ?? networkOf(intToIp(r.first));
      const cidr = net ? networks.get(net) : undefined;
      if (!cidr || !inCidr(r.first, cidr) || !inCidr(r.last, cidr)) {
        report(
          "HL017",
          path,
          `pool range ${r.text} is outside ${net ? `network \`${net}\`` : "every network"}`,
          "MetalLB answers ARP only on the nodes' own subnet: pick a range inside it",
        );
        return;
      }
      for (const d of dhcp.get(net!) ?? []) {
        if (rangesOverlap(r, d))
          report(
            "HL020",
            path,
            `pool range ${r.text} overlaps the DHCP range ${d.text}`,
            "the router would hand the same addresses out: shrink one of them",
          );
      }
      for (const p of pools) {
        if (rangesOverlap(r, p.range))
          report(
            "HL020",
            path,
            `pool range ${r.text} overlaps ${where(p.path)}`,
            "pools must not share addresses",
          );
      }
      pools.push({ range: r, path });
    });
  }

  // --- kubernetes CIDRs -------------------------------------------------------------------------
  // The model gives a cluster its K3s defaults whenever there is a kubernetes section or a server;
  // a network inside one of those is reported at its own cidr, since no kubernetes key was written.
  const hasCluster = k8s !== undefined || [...guests.values()].some((g) => get(g, "role") === "k3s-server");
  const DEFAULT_CIDRS = { clusterCidr: "10.42.0.0/16", serviceCidr: "10.43.0.0/16" } as const;
  for (const key of ["clusterCidr", "serviceCidr"] as const) {
    if (!hasCluster || get(k8s, key) !== undefined) continue;
    const d = parseCidr(DEFAULT_CIDRS[key]);
    for (const [n, nc] of networks) {
      if (rangesOverlap(cidrRange(d), cidrRange(nc)))
        report(
          "HL030",
          ["networks", n, "cidr"],
          `${nc.text} overlaps the default ${key === "clusterCidr" ? "pod" : "service"} CIDR ${d.text}`,
          `set \`kubernetes.${key}\` to a range no network uses (e.g. ${key === "clusterCidr" ? "10.142.0.0/16" : "10.143.0.0/16"}), or renumber this network`,
        );
    }
  }
  for (const key of ["clusterCidr", "serviceCidr"] as const) {
    const c = str(get(k8s, key));
    if (!c || !CIDR.test(c)) continue;
    const r = cidrRange(parseCidr(c));
    for (const [n, nc] of networks) {
      if (rangesOverlap(r, cidrRange(nc)))
        report(
          "HL020",
          ["kubernetes", key],
          `${c} overlaps network \`${n}\` (${nc.text})`,
          "pods and services need a range no LAN uses, e.g. 10.42.0.0/16 and 10.43.0.0/16",
        );
    }
  }

  // --- databases, services, proxmox, vpn --------------------------------------------------------
  const dbNames = entries(get(input, "databases")).map(([n]) => n);
  for (const [name, db] of entries(get(input, "databases"))) {
    list(get(db, "guests")).forEach((g, i) => checkGuestRef(g, ["databases", name, "guests", i]));
    const a = vip(get(db, "vip"), undefined, ["databases", name, "vip"], [], "database VIP");
    if (a) claim(a, ["databases", name, "vip"], `database \`${name}\``);
  }
  for (const [name, svc] of entries(get(input, "services"))) {
    const catalog = str(get(svc, "catalog"));
    if (catalog === undefined && get(svc, "image") === undefined && !CATALOG_NAMES.includes(name)) {
      report(
        "HL022",
        ["services", name],
        `\`${name}\` is not in the catalogue and has no image`,
        `${didYouMean(name, CATALOG_NAMES, "catalogue:")} For your own app, give \`image:\` and \`port:\`.`,
      );
    }
    const db = str(get(svc, "database"));
    if (db !== undefined && !dbNames.includes(db)) {
      report(
        "HL016",
        ["services", name, "database"],
        `unknown database \`${db}\``,
        dbNames.length ? didYouMean(db, dbNames, "databases:") : "declare it under `databases:`",
      );
    }
    list(get(svc, "on")).forEach((g, i) => checkGuestRef(g, ["services", name, "on", i]));
  }

  const px = get(input, "proxmox");
  const pxNodes: string[] = [];
  list(get(px, "nodes")).forEach((n, i) => {
    const hn = str(n);
    if (hn === undefined) return;
    checkHostRef(hn, ["proxmox", "nodes", i]);
    const h = hosts.get(hn);
    if (h && str(h.kind) !== "proxmox")
      report(
        "HL021",
        ["proxmox", "nodes", i],
        `\`${hn}\` is listed as a Proxmox node but its kind is ${str(h.kind)}`,
        "set kind: proxmox on the host",
      );
    pxNodes.push(hn);
  });
  list(get(px, "links")).forEach((n, i) => checkNetworkRef(n, ["proxmox", "links", i]));
  checkHostRef(get(px, "qdevice", "host"), ["proxmox", "qdevice", "host"], true);
  for (const [gname, group] of entries(get(px, "haGroups"))) {
    list(get(group, "nodes")).forEach((n, i) => checkHostRef(n, ["proxmox", "haGroups", gname, "nodes", i]));
  }

  const wg = get(input, "vpn", "wireguard");
  if (isObj(wg)) {
    const gn = checkGuestRef(wg.guest, ["vpn", "wireguard", "guest"]);
    if (gn && str(guests.get(gn)?.role) !== "vpn") {
      report(
        "HL026",
        ["vpn", "wireguard", "guest"],
        `guest \`${gn}\` runs WireGuard but its role is \`${str(guests.get(gn)?.role)}\``,
        "set its role to vpn",
      );
    }
    checkNetworkRef(wg.network, ["vpn", "wireguard", "network"]);
    list(wg.exposes).forEach((n, i) => checkNetworkRef(n, ["vpn", "wireguard", "exposes", i]));
    const t = str(wg.tunnel);
    const tunnel = t && CIDR.test(t) ? parseCidr(t) : parseCidr("10.99.0.0/24");
    for (const [n, nc] of networks) {
      if (rangesOverlap(cidrRange(tunnel), cidrRange(nc)))
        report(
          "HL020",
          ["vpn", "wireguard", "tunnel"],
          `tunnel ${tunnel.text} overlaps network \`${n}\``,
          "pick a tunnel subnet no LAN uses",
        );
    }
    const peerAddrs = new Map<string, PathSegment[]>();
    for (const [peer, p] of entries(wg.peers)) {
      const a = ip(get(p, "address"));
      const path: PathSegment[] = ["vpn", "wireguard", "peers", peer, "address"];
      if (!a) continue;
      if (!inCidr(a, tunnel))
        report(
          "HL011",
          path,
          `${a} is outside the tunnel ${tunnel.text}`,
          `pick an address in ${tunnel.text}`,
        );
      const prev = peerAddrs.get(a);
      if (prev)
        report(
          "HL010",
          path,
          `${a} is already used by ${where(prev)}`,
          "give each peer its own tunnel address",
        );
      else peerAddrs.set(a, path);
    }
    // Peers without an address take free ones in the tunnel after the server's .1.
    const autoPeers = entries(wg.peers).filter(([, p]) => !ip(get(p, "address")));
    const server = tunnel.base + 1;
    const explicitInside = [...peerAddrs.keys()].filter(
      (a) => inCidr(a, tunnel) && ipToInt(a) !== server,
    ).length;
    const free = Math.max(0, tunnelPeerSlots(tunnel) - explicitInside);
    if (autoPeers.length > free) {
      const [first] = autoPeers[free]!;
      report(
        "HL041",
        ["vpn", "wireguard", "peers", first],
        `no tunnel address left for peer \`${first}\`: ${tunnel.text} has room for ${free} more peer${free === 1 ? "" : "s"}, and ${autoPeers.length} have no address`,
        "give the tunnel a larger subnet (e.g. a /24), or fewer peers",
      );
    }
  }

  // --- backups ---------------------------------------------------------------------------------
  const destinations = entries(get(input, "backups", "destinations"));
  const destNames = destinations.map(([n]) => n);
  for (const [name, d] of destinations) {
    const at = ["backups", "destinations", name];
    checkHostRef(get(d, "host"), [...at, "host"]);
    checkGuestRef(get(d, "guest"), [...at, "guest"]);
    if (get(d, "host") !== undefined && get(d, "guest") !== undefined)
      report(
        "HL005",
        [...at, "guest"],
        "a destination lives on a host or in a guest, not both",
        "keep `guest:` (its host follows from the guest) or `host:`",
      );
    list(get(d, "dependsOn")).forEach((g, i) => {
      const gn = str(g);
      if (gn !== undefined && !gearNames.includes(gn))
        report(
          "HL015",
          [...at, "dependsOn", i],
          `unknown gear \`${gn}\``,
          gearNames.length ? didYouMean(gn, gearNames, "gear:") : "declare it under `gear:`",
        );
    });
  }
  const checkDestinationRef = (path: PathSegment[]): void => {
    const n = str(get(input, ...(path as string[])));
    if (n === undefined || destNames.includes(n)) return;
    report(
      "HL016",
      path,
      `unknown backup destination \`${n}\``,
      destNames.length
        ? didYouMean(n, destNames, "backups.destinations:")
        : "declare it under `backups: { destinations: { ... } }`",
    );
  };
  checkDestinationRef(["kubernetes", "etcdSnapshots", "to"]);
  checkDestinationRef(["storage", "longhorn", "backups", "to"]);
  checkDestinationRef(["proxmox", "backups", "to"]);
  for (const [db] of entries(get(input, "databases")))
    checkDestinationRef(["databases", db, "backups", "to"]);
  list(get(input, "proxmox", "backups", "guests")).forEach((g, i) =>
    checkGuestRef(g, ["proxmox", "backups", "guests", i]),
  );

  // --- duplicates -------------------------------------------------------------------------------
  const seen = new Map<number, Claim>();
  for (const c of claims) {
    const prev = seen.get(c.address);
    if (prev) {
      report(
        "HL010",
        c.path,
        `${intToIp(c.address)} is already used by ${prev.owner} at ${where(prev.path)}`,
        "every host, guest and VIP needs its own address",
      );
    } else seen.set(c.address, c);
  }
  for (const c of claims) {
    for (const p of pools) {
      if (
        inRange(c.address, p.range) &&
        !(via === "metallb" && formatPath(c.path) === "kubernetes.ingress.address")
      ) {
        report(
          "HL020",
          c.path,
          `${intToIp(c.address)} (${c.owner}) lies in the MetalLB pool ${p.range.text}`,
          "MetalLB could give it to a service: move the address or the pool",
        );
      }
    }
  }
  return out;
}
