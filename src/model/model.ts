// The normalised homelab: every default applied, every unit converted, every reference resolved.
// Analyzers, generators and the lab read only this, never the raw spec. Pure data, no behaviour.
import type { SourceLocator } from "../diagnostic/diagnostic.js";

/** Failure/repair figures of one component. Hours; availability = mtbf / (mtbf + mttr). */
export interface Reliability {
  availability: number;
  mtbfHours: number;
  mttrHours: number;
  /** Where the figure came from: "spec" or the name of a documented default. */
  source: string;
}

export type NetworkRole = "lan" | "public" | "admin" | "apps" | "storage" | "cluster";

export interface Cidr {
  /** The network address as an unsigned 32-bit integer. */
  base: number;
  prefix: number;
  text: string;
}

export interface IpRange {
  first: number;
  last: number;
  text: string;
}

export interface Network {
  name: string;
  cidr: Cidr;
  gateway?: string;
  vlan?: number;
  bridge: string;
  dhcp: IpRange[];
  dns: string[];
  role: NetworkRole;
  /** The Proxmox host whose own address is the gateway: it routes the segment (forwarding, NAT). */
  router?: string;
}

export type GearKind = "power" | "switch" | "isp-router" | "ups" | "rack" | "other";

export interface Gear {
  name: string;
  kind: GearKind;
  description?: string;
  reliability: Reliability;
}

export interface Nic {
  /** Unique across the lab: `<host>/<nic>`. */
  id: string;
  name: string;
  host: string;
  networks: string[];
  mac?: string;
  reliability: Reliability;
}

export type HostKind = "proxmox" | "baremetal" | "sbc";

export interface Disk {
  name: string;
  sizeGiB: number;
  type: "nvme" | "ssd" | "hdd" | "emmc" | "sd";
}

export interface Host {
  name: string;
  kind: HostKind;
  model?: string;
  arch: "amd64" | "arm64";
  cpu: number;
  memoryMiB: number;
  disks: Disk[];
  /** Address per network name. */
  address: Record<string, string>;
  nics: Nic[];
  /** Shared gear this host needs. */
  dependsOn: string[];
  reliability: Reliability;
}

export type GuestKind = "vm" | "lxc" | "metal";
export type GuestRole =
  "k3s-server" | "k3s-agent" | "load-balancer" | "vpn" | "manager" | "database" | "generic";

export interface Guest {
  name: string;
  kind: GuestKind;
  host: string;
  role: GuestRole;
  cpu: number;
  memoryMiB: number;
  diskGiB: number;
  /** Address per network name (metal guests: the host's). */
  address: Record<string, string>;
  /** MAC per network name: from the spec, else derived from the name (stable across builds). */
  mac: Record<string, string>;
  /** Proxmox VMID (0 for metal guests). */
  vmid: number;
  ha: boolean;
  haGroup?: string;
  image: string;
  /** `sha256:<hex>` or `sha512:<hex>` the downloaded image must match. */
  imageChecksum?: string;
  storage: string;
  reliability: Reliability;
}

export interface HaGroup {
  name: string;
  nodes: string[];
  restricted: boolean;
  nofailback: boolean;
}

export interface ProxmoxStorage {
  name: string;
  type: "lvmthin" | "zfspool" | "dir" | "nfs" | "cephfs" | "rbd";
  shared: boolean;
  content: string[];
}

/** Recovery objectives (ms) of one data-bearing service; unset means no target. */
export interface RecoveryTargets {
  rpoMs?: number;
  rtoMs?: number;
}

export type BackupDestinationKind = "s3" | "nfs";
export type BackupMedia = "disk" | "ssd" | "tape" | "cloud" | "usb";

/** Where backups go, and what it shares with the data (docs/spec.md, Backups). */
export interface BackupDestination {
  name: string;
  kind: BackupDestinationKind;
  url: string;
  endpoint?: string;
  region?: string;
  /** The physical host it lives on (its own, or its guest's); undefined for gear-only or offsite. */
  host?: string;
  guest?: string;
  /** Gear it needs: its own `dependsOn`, and its host's. */
  dependsOn: string[];
  offsite: boolean;
  media: BackupMedia;
  /** Restore throughput from the spec (MiB/s); undefined means the documented default of its kind. */
  throughputMiBps?: number;
  encryption: boolean;
  /**
   * False for a destination made from a bare URL of the older form (`databases.*.backups.destination`,
   * `storage.longhorn.backupTarget`): where it lives is unknown.
   */
  declared: boolean;
  /** The spec path it was written at (for findings). */
  path: (string | number)[];
}

export interface ProxmoxBackups extends RecoveryTargets {
  to: string;
  /** Five-field cron. */
  schedule: string;
  /** Guests backed up (VMs and containers). */
  guests: string[];
  mode: "snapshot" | "suspend" | "stop";
  keepDaily: number;
  keepWeekly: number;
  keepMonthly: number;
}

export interface Proxmox {
  cluster: string;
  nodes: string[];
  /** Network names for link0, link1, ... */
  links: string[];
  qdevice?: { host: string };
  haGroups: HaGroup[];
  storage: ProxmoxStorage[];
  tokenMs: number;
  api: string;
  backups?: ProxmoxBackups;
}

export type VipHolder = "kube-vip" | "keepalived" | "load-balancer" | "none";
export type IngressVia = "metallb" | "load-balancer" | "kube-vip" | "node";

export interface Kubernetes {
  version: string;
  datastore: "embedded-etcd" | "sqlite";
  servers: string[];
  agents: string[];
  api: {
    vip?: string;
    network: string;
    holder: VipHolder;
    loadBalancer?: string;
    hostname: string;
    /** What clients dial: the VIP, or the single endpoint when there is none. */
    endpoint: string;
  };
  kubeVip: { leaseMs: number; renewMs: number; retryMs: number };
  clusterCidr: Cidr;
  serviceCidr: Cidr;
  clusterDomain: string;
  flannelBackend: "vxlan" | "host-gw" | "wireguard-native" | "none";
  disable: string[];
  secretsEncryption: boolean;
  /** Local snapshots on every server; `to` also uploads them to an s3 destination. */
  etcdSnapshots: { schedule: string; retention: number; to?: string } & RecoveryTargets;
  nodeDownEvictionMs: number;
  ingress: { address?: string; via: IngressVia; loadBalancer?: string; node?: string };
}

export type FailoverProfileName = "fast" | "balanced" | "conservative" | "seed003" | "custom";

export interface Frontend {
  port: number;
  backends: "k3s-servers" | "k3s-nodes" | "k3s-agents";
  backendPort: number;
}

export interface LoadBalancer {
  name: string;
  guests: string[];
  vip: string;
  network: string;
  profile: FailoverProfileName;
  frontends: Frontend[];
  vrrp: { routerId: number; version: 2 | 3; advertMs: number };
  healthCheck: { interMs: number; fastinterMs: number; fall: number; rise: number };
}

export interface MetallbPool {
  name: string;
  ranges: IpRange[];
  network: string;
  autoAssign: boolean;
}

export interface Storage {
  class: "longhorn" | "local-path";
  longhorn?: {
    replicas: number;
    nodeDownPodDeletion: string;
    /** The backup target URL (from `backups.to`'s destination, or the older bare `backupTarget`). */
    backupTarget?: string;
    snapshotSchedule: string;
    backups?: { to: string; schedule: string; retain: number } & RecoveryTargets;
  };
}

export interface Database {
  name: string;
  engine: "cloudnative-pg" | "patroni";
  instances: number;
  guests: string[];
  vip?: string;
  synchronous: boolean;
  storageGiB: number;
  backups?: DatabaseBackups;
}

export interface DatabaseBackups extends RecoveryTargets {
  /** Base backups, five-field cron. */
  schedule: string;
  /** The destination (named, or made from the older bare URL). */
  to?: string;
  /** The destination's URL, kept where the older form put it. */
  destination?: string;
  walArchive: boolean;
  archiveTimeoutMs: number;
  retention: number;
}

export type CatalogName =
  | "argocd"
  | "gitea"
  | "forgejo"
  | "prometheus"
  | "grafana"
  | "loki"
  | "vaultwarden"
  | "adguard-home"
  | "traefik"
  | "cert-manager"
  | "cloudnative-pg"
  | "longhorn"
  | "metallb";

/** Who a service is for: clients on a public, lan or admin segment, or the VPN's peers. */
export type Audience = "public" | "lan" | "admin" | "vpn";

export interface Service {
  name: string;
  /** Undefined for user apps. */
  catalog?: CatalogName;
  image?: string;
  port: number;
  replicas: number;
  /** Volume size, 0 when stateless. */
  persistenceGiB: number;
  hostname?: string;
  database?: string;
  target?: number;
  runner: boolean;
  /** Guests it runs on directly; empty means in Kubernetes. */
  on: string[];
  version?: string;
  /** A dashboard or admin UI (catalogue fact), as opposed to an app people use. */
  admin: boolean;
  /** Who may reach it (docs/exposure.md): from the spec, else the default for its kind. */
  exposure: Audience[];
  exposureFromSpec: boolean;
}

export interface WireGuard {
  guest: string;
  network: string;
  endpoint: string;
  port: number;
  tunnel: Cidr;
  /** The server's own tunnel address. */
  address: string;
  exposes: string[];
  peers: { name: string; address: string }[];
}

export interface Model {
  name: string;
  description?: string;
  networks: Network[];
  gear: Gear[];
  hosts: Host[];
  guests: Guest[];
  proxmox?: Proxmox;
  kubernetes?: Kubernetes;
  loadBalancers: LoadBalancer[];
  metallbPools: MetallbPool[];
  storage: Storage;
  databases: Database[];
  backups: { destinations: BackupDestination[]; targets: RecoveryTargets };
  services: Service[];
  wireguard?: WireGuard;
  dns: { domain: string; records: { name: string; address: string }[] };
  access: { user: string; sshKeys: string[]; timezone: string };
  secrets: { recipients: string[] };
  /** The Git URL Argo CD reads, when the spec gives one. */
  /** `hlab`: the hlab (Git URL, commit) the generated CI installs. */
  gitops: { repository?: string; hlab?: { git: string; commit: string } };
  /** Failover timings in ms by name (defaults from docs/availability-model.md, overridden by the spec). */
  timings: Record<string, number>;
  /** Where each spec path is written, for diagnostics raised after loading. */
  source: SourceLocator;
}
