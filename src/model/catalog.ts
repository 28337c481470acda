// What hlab knows about each catalogue service: the facts the model and the plan need. Chart
// repositories and versions live in src/generate/cluster/versions.ts (one table for every pinned version).
import type { CatalogName } from "./model.js";

export interface CatalogEntry {
  namespace: string;
  port: number;
  /** Default replicas: more than one only where the app supports running several at once. */
  replicas: number;
  /** Default volume (GiB); 0 for stateless. */
  persistenceGiB: number;
  /** Host name prefix under the lab's domain; undefined when it has no UI. */
  hostname?: string;
  /** Infrastructure the cluster needs rather than an app users open. */
  platform: boolean;
  /** A dashboard or admin UI: reached from the admin side only unless the spec says otherwise. */
  admin: boolean;
  cpuMillis: number;
  memoryMiB: number;
}

/** Forgejo is a fork of Gitea: same port, same footprint, the same `git.` host name. */
const GIT_SERVER: Omit<CatalogEntry, "namespace"> = {
  port: 3000,
  replicas: 1,
  persistenceGiB: 10,
  hostname: "git",
  platform: false,
  admin: false,
  cpuMillis: 200,
  memoryMiB: 512,
};

export const CATALOG: Record<CatalogName, CatalogEntry> = {
  argocd: {
    namespace: "argocd",
    port: 8080,
    replicas: 2,
    persistenceGiB: 0,
    hostname: "argocd",
    platform: true,
    admin: true,
    cpuMillis: 250,
    memoryMiB: 512,
  },
  gitea: { namespace: "gitea", ...GIT_SERVER },
  forgejo: { namespace: "forgejo", ...GIT_SERVER },
  prometheus: {
    namespace: "monitoring",
    port: 9090,
    replicas: 1,
    persistenceGiB: 20,
    hostname: "prometheus",
    platform: true,
    admin: true,
    cpuMillis: 500,
    memoryMiB: 2048,
  },
  grafana: {
    namespace: "monitoring",
    port: 3000,
    replicas: 1,
    persistenceGiB: 2,
    hostname: "grafana",
    platform: false,
    admin: true,
    cpuMillis: 100,
    memoryMiB: 256,
  },
  loki: {
    namespace: "monitoring",
    port: 3100,
    replicas: 1,
    persistenceGiB: 20,
    platform: true,
    admin: true,
    cpuMillis: 200,
    memoryMiB: 512,
  },
  vaultwarden: {
    namespace: "vaultwarden",
    port: 80,
    replicas: 1,
    persistenceGiB: 2,
    hostname: "vault",
    platform: false,
    admin: false,
    cpuMillis: 50,
    memoryMiB: 128,
  },
  "adguard-home": {
    namespace: "adguard",
    port: 3000,
    replicas: 1,
    persistenceGiB: 1,
    hostname: "adguard",
    platform: false,
    admin: true,
    cpuMillis: 100,
    memoryMiB: 256,
  },
  traefik: {
    namespace: "traefik",
    port: 443,
    replicas: 2,
    persistenceGiB: 0,
    platform: true,
    admin: true,
    cpuMillis: 100,
    memoryMiB: 128,
  },
  "cert-manager": {
    namespace: "cert-manager",
    port: 9402,
    replicas: 1,
    persistenceGiB: 0,
    platform: true,
    admin: true,
    cpuMillis: 50,
    memoryMiB: 128,
  },
  "cloudnative-pg": {
    namespace: "cnpg-system",
    port: 9443,
    replicas: 1,
    persistenceGiB: 0,
    platform: true,
    admin: true,
    cpuMillis: 100,
    memoryMiB: 256,
  },
  longhorn: {
    namespace: "longhorn-system",
    port: 9500,
    replicas: 1,
    persistenceGiB: 0,
    hostname: "longhorn",
    platform: true,
    admin: true,
    cpuMillis: 250,
    memoryMiB: 512,
  },
  metallb: {
    namespace: "metallb-system",
    port: 7472,
    replicas: 1,
    persistenceGiB: 0,
    platform: true,
    admin: true,
    cpuMillis: 50,
    memoryMiB: 64,
  },
};

/** Resources a guest gets by role when the spec is silent. */
export const ROLE_DEFAULTS: Record<string, { cpu: number; memoryMiB: number; diskGiB: number }> = {
  "k3s-server": { cpu: 2, memoryMiB: 4096, diskGiB: 40 },
  "k3s-agent": { cpu: 2, memoryMiB: 4096, diskGiB: 40 },
  "load-balancer": { cpu: 1, memoryMiB: 512, diskGiB: 4 },
  vpn: { cpu: 1, memoryMiB: 256, diskGiB: 2 },
  manager: { cpu: 2, memoryMiB: 2048, diskGiB: 20 },
  database: { cpu: 2, memoryMiB: 2048, diskGiB: 20 },
  generic: { cpu: 1, memoryMiB: 1024, diskGiB: 8 },
};

/** Proxmox VE's own needs on each node, kept out of what guests can use. */
export const PROXMOX_OVERHEAD = { cpu: 0, memoryMiB: 1536, diskGiB: 16 };

export { DEFAULT_K3S_VERSION } from "./versions.js";
