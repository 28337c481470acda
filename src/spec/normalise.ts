// From the validated spec to the model: defaults applied, units converted, derived values (VMIDs,
// MACs, bridges, who the K3s servers are) computed once so every generator agrees on them.
// Runs only on a spec that passed both checking passes, so references resolve.
import { createHash } from "node:crypto";
import type { SourceLocator } from "../diagnostic/diagnostic.js";
import type { ParsedSpec } from "./schema.js";
import { KUBE_VIP_DEFAULTS } from "../model/kube-vip-timings.js";
import { durationHours, durationMs, probability, sizeGiB, sizeMiB } from "../model/units.js";
import { CATALOG, DEFAULT_K3S_VERSION, ROLE_DEFAULTS } from "../model/catalog.js";
import { FAILOVER_PROFILES } from "../model/failover-profiles.js";
import { autoRouterId, autoTunnelOffsets, autoVmid } from "../model/auto-numbers.js";
import { inCidr, intToIp, ipToInt, nthHost, parseCidr, parseRange } from "../model/ip.js";
import type {
  Audience,
  CatalogName,
  Database,
  Guest,
  Host,
  IngressVia,
  Kubernetes,
  LoadBalancer,
  Model,
  Network,
  NetworkRole,
  Nic,
  Proxmox,
  Reliability,
  Service,
  VipHolder,
} from "../model/model.js";
import { RELIABILITY_DEFAULTS, type DefaultFigureName } from "../model/reliability-defaults.js";
import { DEFAULT_TIMINGS } from "../model/timings.js";
import { backupDestinations, databaseBackups, longhornBackups, targetsOf } from "./normalise-backups.js";

type RelSpec = { availability?: number | string; mtbf?: number | string; mttr?: number | string } | undefined;

function reliability(spec: RelSpec, fallback: RelSpec, def: DefaultFigureName): Reliability {
  const d = RELIABILITY_DEFAULTS[def];
  const pick = spec ?? fallback;
  const source = spec ? "spec" : fallback ? "spec (plan.defaults)" : `default ${def}`;
  const mtbf = pick?.mtbf !== undefined ? durationHours(pick.mtbf) : d.mtbfHours;
  const mttr = pick?.mttr !== undefined ? durationHours(pick.mttr) : d.mttrHours;
  if (pick?.availability !== undefined) {
    const a = probability(pick.availability);
    // Keep the repair time and derive the failure rate that gives the stated availability, so the
    // simulator has both figures.
    const repair = mttr > 0 ? mttr : 1;
    return { availability: a, mtbfHours: a >= 1 ? 1e12 : (a * repair) / (1 - a), mttrHours: repair, source };
  }
  return { availability: mtbf / (mtbf + mttr), mtbfHours: mtbf, mttrHours: mttr, source };
}

/** Stable 24-bit value from a name, for MACs and VMIDs that never change between builds. */
function hash(...parts: string[]): Buffer {
  return createHash("sha256").update(parts.join("\0")).digest();
}

function macFor(lab: string, guest: string, net: string): string {
  const h = hash("mac", lab, guest, net);
  // BC:24:11 is the prefix Proxmox VE uses for the MACs it generates.
  return ["bc", "24", "11", ...[0, 1, 2].map((i) => h[i]!.toString(16).padStart(2, "0"))].join(":");
}

const ROLE_BY_NAME: Record<string, NetworkRole> = {
  public: "public",
  admin: "admin",
  apps: "apps",
  storage: "storage",
};

export function normalise(spec: ParsedSpec, source: SourceLocator): Model {
  const defaults = spec.plan?.defaults;

  // Networks: untagged ones get their own bridge in spec order; tagged ones share a VLAN-aware vmbr0.
  let bridgeIndex = 0;
  const networks: Network[] = Object.entries(spec.networks).map(([name, n]) => ({
    name,
    cidr: parseCidr(n.cidr),
    gateway: n.gateway,
    vlan: n.vlan,
    bridge: n.bridge ?? (n.vlan !== undefined ? "vmbr0" : `vmbr${bridgeIndex++}`),
    dhcp: (n.dhcp ?? []).map(parseRange),
    dns: n.dns ?? (n.gateway ? [n.gateway] : []),
    role: n.role ?? ROLE_BY_NAME[name] ?? "lan",
  }));
  // A segment a Proxmox host routes (its address is the gateway) resolves names where the host's
  // uplink does: Proxmox runs no DNS server, so the gateway is no resolver there.
  for (const net of networks) {
    net.router = Object.entries(spec.hosts).find(
      ([, h]) => h.kind === "proxmox" && net.gateway !== undefined && h.address?.[net.name] === net.gateway,
    )?.[0];
    if (!net.router || spec.networks[net.name]!.dns) continue;
    const router = spec.hosts[net.router]!;
    const uplink = networks.find(
      (n) => n.gateway && router.address?.[n.name] !== undefined && router.address[n.name] !== n.gateway,
    );
    net.dns = uplink ? [...uplink.dns] : [];
  }
  const networkOf = (address: string): string | undefined =>
    networks.find((n) => inCidr(address, n.cidr))?.name;

  const gear = Object.entries(spec.gear ?? {}).map(([name, g]) => ({
    name,
    kind: g.kind,
    description: g.description,
    reliability: reliability(g.reliability, defaults?.gear, `gear.${g.kind}`),
  }));

  const hosts: Host[] = Object.entries(spec.hosts).map(([name, h]) => {
    const specNics = Object.entries(h.nics ?? {});
    const nics: Nic[] = specNics.length
      ? specNics.map(([nicName, n]) => ({
          id: `${name}/${nicName}`,
          name: nicName,
          host: name,
          networks: n.networks,
          mac: n.mac?.toLowerCase(),
          reliability: reliability(n.reliability, defaults?.nic, "nic"),
        }))
      : [
          {
            id: `${name}/eth0`,
            name: "eth0",
            host: name,
            networks: Object.keys(h.address),
            reliability: reliability(undefined, defaults?.nic, "nic"),
          },
        ];
    return {
      name,
      kind: h.kind,
      model: h.model,
      arch: h.arch,
      cpu: h.cpu,
      memoryMiB: sizeMiB(h.memory),
      disks: Object.entries(h.disks ?? {}).map(([dn, d]) => ({
        name: dn,
        sizeGiB: sizeGiB(d.size),
        type: d.type,
      })),
      address: { ...h.address },
      nics,
      dependsOn: h.dependsOn ?? [],
      reliability: reliability(h.reliability, defaults?.host, `host.${h.kind}`),
    };
  });
  const hostByName = new Map(hosts.map((h) => [h.name, h]));

  const pxStorage = Object.entries(spec.proxmox?.storage ?? {}).map(([name, s]) => ({
    name,
    type: s.type,
    shared: s.shared,
    content: s.content ?? (s.type === "dir" ? ["images", "rootdir", "snippets"] : ["images", "rootdir"]),
  }));
  const defaultStorage = pxStorage.find((s) => s.content.includes("images"))?.name ?? "local-lvm";

  // VMIDs from a hash of the name, so adding a guest never renumbers the others.
  const usedIds = new Set<number>(Object.values(spec.guests ?? {}).flatMap((g) => (g.vmid ? [g.vmid] : [])));
  const vmidFor = (guestName: string): number => autoVmid(hash("vmid", guestName).readUInt32BE(0), usedIds);

  const guests: Guest[] = Object.entries(spec.guests ?? {}).map(([name, g]) => {
    const host = hostByName.get(g.host)!;
    const metal = g.kind === "metal";
    const role = ROLE_DEFAULTS[g.role]!;
    const address = metal ? { ...host.address } : { ...(g.address ?? {}) };
    return {
      name,
      kind: g.kind,
      host: g.host,
      role: g.role,
      cpu: g.cpu ?? (metal ? host.cpu : role.cpu),
      memoryMiB: g.memory ? sizeMiB(g.memory) : metal ? host.memoryMiB : role.memoryMiB,
      diskGiB: g.disk ? sizeGiB(g.disk) : role.diskGiB,
      address,
      mac: metal
        ? {}
        : Object.fromEntries(
            Object.keys(address).map((n) => [n, g.mac?.[n]?.toLowerCase() ?? macFor(spec.name, name, n)]),
          ),
      vmid: metal ? 0 : (g.vmid ?? 0),
      ha: g.ha,
      haGroup: g.haGroup,
      image: g.image ?? (g.kind === "lxc" ? "debian-12-standard" : "debian-12-genericcloud"),
      ...(g.imageChecksum ? { imageChecksum: g.imageChecksum } : {}),
      storage: g.storage ?? defaultStorage,
      reliability: reliability(g.reliability, defaults?.guest, `guest.${g.kind}`),
    };
  });
  // Assigned after the explicit ones are known, in spec order.
  for (const g of guests) if (g.kind !== "metal" && g.vmid === 0) g.vmid = vmidFor(g.name);
  const guestByName = new Map(guests.map((g) => [g.name, g]));
  const firstAddress = (guest: string): string =>
    Object.values(guestByName.get(guest)?.address ?? {})[0] ?? "";

  let proxmox: Proxmox | undefined;
  const pxNodes = spec.proxmox?.nodes ?? hosts.filter((h) => h.kind === "proxmox").map((h) => h.name);
  if (spec.proxmox || pxNodes.length > 0) {
    const links = spec.proxmox?.links ?? [networks[0]!.name];
    const firstNode = hostByName.get(pxNodes[0] ?? "");
    const apiHost = firstNode
      ? (firstNode.address[links[0]!] ?? Object.values(firstNode.address)[0])
      : undefined;
    proxmox = {
      cluster: spec.proxmox?.cluster ?? spec.name,
      nodes: pxNodes,
      links,
      qdevice: spec.proxmox?.qdevice,
      haGroups: Object.entries(spec.proxmox?.haGroups ?? {}).map(([name, g]) => ({ name, ...g })),
      storage: pxStorage.length
        ? pxStorage
        : [{ name: "local-lvm", type: "lvmthin", shared: false, content: ["images", "rootdir"] }],
      tokenMs:
        spec.proxmox?.tokenTimeout !== undefined
          ? durationMs(spec.proxmox.tokenTimeout)
          : 3000 + Math.max(0, pxNodes.length - 2) * 650,
      api: spec.proxmox?.api ?? `https://${apiHost ?? "pve"}:8006/`,
      ...(spec.proxmox?.backups
        ? {
            backups: {
              to: spec.proxmox.backups.to,
              schedule: spec.proxmox.backups.schedule,
              guests:
                spec.proxmox.backups.guests ?? guests.filter((g) => g.kind !== "metal").map((g) => g.name),
              mode: spec.proxmox.backups.mode,
              keepDaily: spec.proxmox.backups.keepDaily,
              keepWeekly: spec.proxmox.backups.keepWeekly,
              keepMonthly: spec.proxmox.backups.keepMonthly,
              ...targetsOf(spec.proxmox.backups),
            },
          }
        : {}),
    };
  }

  const domain = spec.dns?.domain ?? "home.arpa";

  const routerIds = new Set(Object.values(spec.loadBalancers ?? {}).flatMap((lb) => lb.vrrp?.routerId ?? []));
  const loadBalancers: LoadBalancer[] = Object.entries(spec.loadBalancers ?? {}).map(([name, lb], i) => {
    const base = FAILOVER_PROFILES[lb.profile === "custom" ? "balanced" : lb.profile];
    const version = lb.vrrp?.version ?? base.vrrpVersion;
    return {
      name,
      guests: lb.guests,
      vip: lb.vip,
      network: lb.network ?? networkOf(lb.vip) ?? networks[0]!.name,
      profile: lb.profile,
      frontends: (lb.frontends ?? [{ port: 6443 }, { port: 80 }, { port: 443 }]).map((f) => ({
        port: f.port,
        backends: f.backends ?? (f.port === 6443 ? "k3s-servers" : "k3s-nodes"),
        backendPort: f.backendPort ?? f.port,
      })),
      vrrp: {
        routerId: lb.vrrp?.routerId ?? autoRouterId(i, routerIds),
        version,
        advertMs: lb.vrrp?.advertInt !== undefined ? durationMs(lb.vrrp.advertInt) : base.advertMs,
      },
      healthCheck: {
        interMs: lb.healthCheck?.inter !== undefined ? durationMs(lb.healthCheck.inter) : base.interMs,
        fastinterMs:
          lb.healthCheck?.fastinter !== undefined ? durationMs(lb.healthCheck.fastinter) : base.fastinterMs,
        fall: lb.healthCheck?.fall ?? base.fall,
        rise: lb.healthCheck?.rise ?? base.rise,
      },
    };
  });

  const metallbPools = Object.entries(spec.metallb?.pools ?? {}).map(([name, p]) => {
    const ranges = p.addresses.map(parseRange);
    return {
      name,
      ranges,
      network: p.network ?? networkOf(intToIp(ranges[0]!.first)) ?? networks[0]!.name,
      autoAssign: p.autoAssign,
    };
  });

  const servers = guests.filter((g) => g.role === "k3s-server").map((g) => g.name);
  const agents = guests.filter((g) => g.role === "k3s-agent").map((g) => g.name);
  let kubernetes: Kubernetes | undefined;
  if (spec.kubernetes || servers.length > 0) {
    const k = spec.kubernetes;
    const vip = k?.api?.vip;
    const holder: VipHolder = vip ? (k?.api?.holder ?? "kube-vip") : "none";
    const lbName = k?.api?.loadBalancer ?? (holder === "load-balancer" ? loadBalancers[0]?.name : undefined);
    const lbVip = loadBalancers.find((l) => l.name === lbName)?.vip;
    const apiAddress = vip ?? lbVip ?? k?.api?.endpoint ?? firstAddress(servers[0] ?? "");
    const ingressVia: IngressVia =
      k?.ingress?.via ??
      (loadBalancers.length
        ? "load-balancer"
        : metallbPools.length
          ? "metallb"
          : vip && holder === "kube-vip"
            ? "kube-vip"
            : "node");
    const ingressLb =
      k?.ingress?.loadBalancer ?? (ingressVia === "load-balancer" ? loadBalancers[0]?.name : undefined);
    const ingressNode = k?.ingress?.node ?? (ingressVia === "node" ? servers[0] : undefined);
    const ingressAddress =
      k?.ingress?.address ??
      (ingressVia === "load-balancer"
        ? loadBalancers.find((l) => l.name === ingressLb)?.vip
        : ingressVia === "metallb"
          ? metallbPools[0] && intToIp(metallbPools[0].ranges[0]!.first)
          : ingressVia === "kube-vip"
            ? vip
            : ingressNode && firstAddress(ingressNode));
    kubernetes = {
      version: k?.version ?? DEFAULT_K3S_VERSION,
      datastore: k?.datastore ?? (servers.length > 1 ? "embedded-etcd" : "sqlite"),
      servers,
      agents,
      api: {
        vip,
        network: (vip && networkOf(vip)) ?? networkOf(apiAddress) ?? networks[0]!.name,
        holder,
        loadBalancer: lbName,
        hostname: k?.api?.hostname ?? `k8s.${domain}`,
        endpoint: apiAddress,
      },
      kubeVip: {
        leaseMs:
          k?.kubeVip?.leaseDuration !== undefined
            ? durationMs(k.kubeVip.leaseDuration)
            : KUBE_VIP_DEFAULTS.leaseMs,
        renewMs:
          k?.kubeVip?.renewDeadline !== undefined
            ? durationMs(k.kubeVip.renewDeadline)
            : KUBE_VIP_DEFAULTS.renewMs,
        retryMs:
          k?.kubeVip?.retryPeriod !== undefined
            ? durationMs(k.kubeVip.retryPeriod)
            : KUBE_VIP_DEFAULTS.retryMs,
      },
      clusterCidr: parseCidr(k?.clusterCidr ?? "10.42.0.0/16"),
      serviceCidr: parseCidr(k?.serviceCidr ?? "10.43.0.0/16"),
      clusterDomain: k?.clusterDomain ?? "cluster.local",
      flannelBackend: k?.flannelBackend ?? "vxlan",
      disable: k?.disable ?? (metallbPools.length ? ["servicelb"] : []),
      secretsEncryption: k?.secretsEncryption ?? true,
      etcdSnapshots: {
        schedule: k?.etcdSnapshots?.schedule ?? "0 */6 * * *",
        retention: k?.etcdSnapshots?.retention ?? 12,
        ...(k?.etcdSnapshots?.to ? { to: k.etcdSnapshots.to } : {}),
        ...targetsOf(k?.etcdSnapshots),
      },
      nodeDownEvictionMs: k?.nodeDownEviction !== undefined ? durationMs(k.nodeDownEviction) : 300_000,
      ingress: { address: ingressAddress, via: ingressVia, loadBalancer: ingressLb, node: ingressNode },
    };
  }

  const destinations = backupDestinations(spec, hosts, guests);
  const k8sNodes = servers.length + agents.length;
  const storageClass = spec.storage?.class ?? (k8sNodes >= 3 ? "longhorn" : "local-path");
  const storage: Model["storage"] = {
    class: storageClass,
    longhorn:
      storageClass === "longhorn"
        ? {
            replicas: spec.storage?.longhorn?.replicas ?? Math.min(3, Math.max(1, k8sNodes)),
            nodeDownPodDeletion:
              spec.storage?.longhorn?.nodeDownPodDeletion ?? "delete-both-statefulset-and-deployment-pod",
            snapshotSchedule: spec.storage?.longhorn?.snapshotSchedule ?? "0 3 * * *",
            ...longhornBackups(spec.storage?.longhorn, destinations),
          }
        : undefined,
  };

  const databases: Database[] = Object.entries(spec.databases ?? {}).map(([name, d]) => ({
    name,
    engine: d.engine,
    instances:
      d.engine === "patroni"
        ? (d.guests?.length ?? d.instances ?? 1)
        : (d.instances ?? Math.min(3, Math.max(1, k8sNodes))),
    guests: d.guests ?? [],
    vip: d.vip,
    synchronous: d.synchronous,
    storageGiB: sizeGiB(d.storage),
    ...(d.backups ? { backups: databaseBackups(name, d.backups, destinations) } : {}),
  }));

  // docs/exposure.md: dashboards are for the admin side, apps for the LAN (a segmented design with
  // no LAN serves its clients on the public segment, seed 002's "client-facing services"); the
  // VPN's peers are admins and household members away from home, so both kinds include them.
  const vpn: Audience[] = spec.vpn ? ["vpn"] : [];
  const hasLan = networks.some((n) => n.role === "lan");
  const hasPublic = networks.some((n) => n.role === "public");
  const userAudience: Audience = hasLan || !hasPublic ? "lan" : "public";
  const services: Service[] = Object.entries(spec.services ?? {}).map(([name, s]) => {
    const catalog = (s.catalog ?? (s.image ? undefined : name)) as CatalogName | undefined;
    const entry = catalog ? CATALOG[catalog] : undefined;
    const prefix = entry?.hostname;
    const admin = entry?.admin ?? false;
    const exposure: Audience[] =
      s.exposure === undefined
        ? [admin ? "admin" : userAudience, ...vpn]
        : [...new Set(typeof s.exposure === "string" ? [s.exposure] : s.exposure)];
    return {
      name,
      catalog,
      image: s.image,
      port: s.port ?? entry?.port ?? 80,
      replicas: s.replicas ?? entry?.replicas ?? 1,
      persistenceGiB:
        s.persistence === false
          ? 0
          : s.persistence !== undefined
            ? sizeGiB(s.persistence)
            : (entry?.persistenceGiB ?? 0),
      hostname: s.hostname ?? (prefix ? `${prefix}.${domain}` : entry ? undefined : `${name}.${domain}`),
      database: s.database,
      target: s.target !== undefined ? probability(s.target) : undefined,
      runner: s.runner ?? (catalog === "gitea" || catalog === "forgejo"),
      on: s.on ?? [],
      version: s.version,
      admin,
      exposure,
      exposureFromSpec: s.exposure !== undefined,
    };
  });

  const wgSpec = spec.vpn?.wireguard;
  const wireguard = wgSpec
    ? (() => {
        const tunnel = parseCidr(wgSpec.tunnel);
        const publicNet = networks.find((n) => n.role === "public")?.name;
        const guestNets = Object.keys(guestByName.get(wgSpec.guest)?.address ?? {});
        const network = wgSpec.network ?? publicNet ?? guestNets[0] ?? networks[0]!.name;
        // Peers without an address take the lowest free ones after the server's, never an explicit one.
        const peers = Object.entries(wgSpec.peers);
        const taken = new Set(peers.flatMap(([, p]) => (p.address ? [ipToInt(p.address)] : [])));
        const auto = autoTunnelOffsets(tunnel, taken, peers.filter(([, p]) => !p.address).length);
        let next = 0;
        return {
          guest: wgSpec.guest,
          network,
          endpoint: wgSpec.endpoint ?? guestByName.get(wgSpec.guest)?.address[network] ?? "",
          port: wgSpec.port,
          tunnel,
          address: nthHost(tunnel, 1),
          exposes: wgSpec.exposes,
          peers: Object.entries(wgSpec.peers).map(([peer, p]) => ({
            name: peer,
            address: p.address ?? nthHost(tunnel, auto[next++]!),
          })),
        };
      })()
    : undefined;

  const timings: Record<string, number> = { ...DEFAULT_TIMINGS };
  for (const [k, v] of Object.entries(spec.plan?.timings ?? {})) timings[k] = durationMs(v);

  return {
    name: spec.name,
    description: spec.description,
    networks,
    gear,
    hosts,
    guests,
    proxmox,
    kubernetes,
    loadBalancers,
    metallbPools,
    storage,
    databases,
    backups: { destinations, targets: targetsOf(spec.backups?.targets) },
    services,
    wireguard,
    dns: {
      domain,
      records: Object.entries(spec.dns?.records ?? {}).map(([name, address]) => ({ name, address })),
    },
    access: {
      user: spec.access?.user ?? "hlab",
      sshKeys: spec.access?.sshKeys ?? [],
      timezone: spec.access?.timezone ?? "Etc/UTC",
    },
    secrets: { recipients: spec.secrets?.recipients ?? [] },
    gitops: { repository: spec.gitops?.repository, ...(spec.gitops?.hlab ? { hlab: spec.gitops.hlab } : {}) },
    timings,
    source,
  };
}
