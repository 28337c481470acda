// The homelab spec as the user writes it. This one schema gives the TypeScript types, the runtime
// validation and the JSON Schema that editors use for completion, so the three can never disagree.
// Values stay as written (sizes, durations, ranges as strings); src/spec/normalise.ts converts them.
import { z } from "zod";
import { durationMs, probability as fraction, sizeBytes } from "../model/units.js";

const NAME = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;
const SIZE = /^\d+(\.\d+)?\s*(B|KB|MB|GB|TB|KiB|MiB|GiB|TiB|K|M|G|T)$/;
const DURATION = /^\d+(\.\d+)?\s*(ms|s|m|min|h|d|w|y)$/;
const PERCENT = /^\d+(\.\d+)?\s*%$/;
const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
const CIDR = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}\/(3[0-2]|[12]?\d)$/;
const RANGE =
  /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}(\s*-\s*(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}|\/(3[0-2]|[12]?\d))?$/;
const MAC = /^([0-9A-Fa-f]{2}:){5}[0-9A-Fa-f]{2}$/;
const HOSTNAME = /^([a-z0-9]([a-z0-9-]*[a-z0-9])?\.)*[a-z0-9]([a-z0-9-]*[a-z0-9])?$/;
// Every free-text value below ends up in a shell script, a config file or a path somewhere, so each
// is held to the shape its target syntax expects; JS `$` without the m flag matches only at the very
// end, so none of these lets a trailing newline through.
// Linux interface names (IFNAMSIZ 16 with the NUL; the kernel's dev_valid_name refuses "." and "..").
const IFNAME = /^(?!\.\.?$)[a-zA-Z0-9_.-]{1,15}$/;
// Proxmox's pve-storage-id format.
const STORAGE_ID = /^[a-zA-Z][a-zA-Z0-9_.-]*[a-zA-Z0-9]$/;
// URL characters that mean nothing to a shell, YAML or an INI-style config: no quotes, `$`, `;`,
// backticks, spaces, `<>|&\\`.
const URL_CHARS = "[A-Za-z0-9._~:/?#@!%+=,\\[\\]-]";
const URL_RE = new RegExp(`^[a-z][a-z0-9+.-]*://${URL_CHARS}+$`);
const HTTP_URL = /^https?:\/\/[A-Za-z0-9.-]+(:\d{1,5})?(\/[A-Za-z0-9._~/-]*)?$/;
// A guest image: a URL, a catalogue image name, a file name, or `storage:content/file`.
const GUEST_IMAGE = new RegExp(
  `^(https?://${URL_CHARS}+|[A-Za-z0-9][A-Za-z0-9_.+-]*|[A-Za-z][A-Za-z0-9_.-]*:[a-z]+/[A-Za-z0-9][A-Za-z0-9_.+-]*)$`,
);
// A container image reference (distribution/reference grammar, simplified): registry/path:tag@digest.
const CONTAINER_IMAGE =
  /^[a-zA-Z0-9]+([._-][a-zA-Z0-9]+)*(:\d+)?(\/[a-z0-9]+([._-]+[a-z0-9]+)*)*(:[\w][\w.-]{0,127})?(@sha256:[a-f0-9]{64})?$/;
const VERSION = /^v?[0-9A-Za-z][0-9A-Za-z.+_-]{0,63}$/;
// Five cron fields (or a @daily-style macro): k3s, Longhorn and CNPG schedules.
const CRON = /^(@(yearly|annually|monthly|weekly|daily|hourly)|[0-9A-Za-z*/,?-]+( [0-9A-Za-z*/,?-]+){4})$/;
const TIMEZONE = /^[A-Za-z][A-Za-z0-9_+-]*(\/[A-Za-z0-9][A-Za-z0-9_+-]*)*$/;
// One authorized_keys line without options: type, base64 key, optional comment (printable, one line).
const SSH_KEY =
  /^(ssh-ed25519|ssh-rsa|ecdsa-sha2-nistp(256|384|521)|sk-ssh-ed25519@openssh\.com|sk-ecdsa-sha2-nistp256@openssh\.com) [A-Za-z0-9+/]+={0,3}( [\x20-\x7e]*)?$/;
// Printable text on one line (a label, a host model).
// eslint-disable-next-line no-control-regex
const ONE_LINE = /^[^\x00-\x1f\x7f-\x9f\u2028\u2029]*$/;
// Free text may span lines (a YAML block) but holds no other control character.
// eslint-disable-next-line no-control-regex
const PROSE = /^[^\x00-\x08\x0b-\x1f\x7f-\x9f]*$/;
/** Bounds that keep every size and duration a finite number the model can add up (1 PiB, 1000 years). */
export const MAX_SIZE_BYTES = 2 ** 50;
export const MAX_DURATION_MS = 1000 * 365 * 86_400_000;

/** A refinement whose diagnostic carries its own code and hint (see schema-issues.ts). */
const bounded = (
  message: string,
  hint: string,
): { message: string; params: { code: "HL032"; hint: string } } => ({
  message,
  params: { code: "HL032", hint },
});

export const name = z.string().regex(NAME, "a lower-case name: letters, digits and '-'");
export const size = z
  .string()
  .regex(SIZE, "a size with a unit, like 16GiB or 512MiB")
  .refine(
    (v) => !SIZE.test(v) || sizeBytes(v) <= MAX_SIZE_BYTES,
    bounded("is too large a size", "give at most 1PiB (sizes are bytes with a unit, like 16GiB)"),
  );
const durationValue = z.union([
  z.number().nonnegative(),
  z.string().regex(DURATION, "a duration with a unit, like 500ms, 2s, 24h"),
]);
const durationInRange = (v: string | number): boolean =>
  (typeof v === "string" && !DURATION.test(v)) || durationMs(v) <= MAX_DURATION_MS;
const DURATION_TOO_LONG = bounded("is too long a duration", "give at most 1000y (like 30d or 24h)");
export const duration = durationValue
  .refine(durationInRange, DURATION_TOO_LONG)
  .describe("A duration: 500ms, 2s, 5m, 24h, 30d, 1y; a bare number is seconds.");
/** A duration that must be more than zero (a mean time between failures). */
const positiveDuration = durationValue
  .refine(durationInRange, DURATION_TOO_LONG)
  .refine(
    (v) => (typeof v === "string" && !DURATION.test(v)) || durationMs(v) > 0,
    bounded("must be more than zero", "a component that fails every 0s is never up: give e.g. 2y or 8760h"),
  );
export const ipv4 = z.string().regex(IPV4, "an IPv4 address like 192.168.1.10");
export const cidr = z.string().regex(CIDR, "a CIDR like 192.168.1.0/24");
export const ipRange = z
  .string()
  .regex(RANGE, "an address, a range a-b or a CIDR")
  .describe("One address, a range `a-b`, or a CIDR.");
const probability = z
  .union([
    z.number().gt(0).lte(1),
    z
      .string()
      .regex(PERCENT, "a percentage like 99.9%")
      .refine(
        (v) => !PERCENT.test(v) || (fraction(v) > 0 && fraction(v) <= 1),
        bounded("is not a percentage above 0% and at most 100%", "write a percentage like 99.9%"),
      ),
  ])
  .describe("A probability as a fraction (0.999) or a percentage (99.9%).");

export const reliability = z
  .strictObject({
    availability: probability.optional().describe("Steady-state availability; overrides mtbf/mttr."),
    mtbf: positiveDuration.optional().describe("Mean time between failures."),
    mttr: duration.optional().describe("Mean time to repair."),
  })
  .describe("How often a component fails and how long it stays down. Defaults: docs/availability-model.md.");

export const networkRole = z.enum(["lan", "public", "admin", "apps", "storage", "cluster"]);

export const network = z
  .strictObject({
    cidr: cidr.describe("The segment's subnet."),
    gateway: ipv4.optional(),
    vlan: z.number().int().min(1).max(4094).optional().describe("802.1Q tag; omitted means untagged."),
    bridge: z
      .string()
      .regex(IFNAME, "an interface name: up to 15 letters, digits, '_', '.', '-', not . or ..")
      .optional()
      .describe("Proxmox bridge; default vmbr0, vmbr1... in spec order (tagged networks share vmbr0)."),
    dhcp: z
      .array(ipRange)
      .optional()
      .describe("Ranges a DHCP server hands out: static addresses stay clear."),
    dns: z.array(ipv4).optional().describe("DNS servers for guests on this network."),
    role: networkRole
      .optional()
      .describe("What the segment carries (seed 002: public, admin, apps); drives the firewall rules."),
  })
  .describe("A layer-2 segment.");

export const gearKind = z.enum(["power", "switch", "isp-router", "ups", "rack", "other"]);
export const gear = z
  .strictObject({
    kind: gearKind,
    description: z.string().regex(PROSE, "text without control characters").optional(),
    reliability: reliability.optional(),
  })
  .describe("Shared equipment whose failure takes down every host that depends on it.");

export const nic = z.strictObject({
  networks: z.array(name).min(1).describe("Networks this NIC carries (as VLANs on one port, or untagged)."),
  mac: z.string().regex(MAC).optional(),
  reliability: reliability.optional().describe("A flaky NIC (seed 003) is a low availability here."),
});

export const disk = z.strictObject({
  size: size,
  type: z.enum(["nvme", "ssd", "hdd", "emmc", "sd"]).default("ssd"),
});

export const host = z
  .strictObject({
    kind: z
      .enum(["proxmox", "baremetal", "sbc"])
      .describe("proxmox: a PVE node; baremetal/sbc: an OS on metal."),
    model: z.string().regex(ONE_LINE, "one line of text").max(100).optional(),
    arch: z.enum(["amd64", "arm64"]).default("amd64"),
    cpu: z.number().int().positive().describe("CPU cores (threads Proxmox can schedule)."),
    memory: size,
    disks: z.record(name, disk).optional(),
    address: z.record(name, ipv4).describe("The host's address on each network, by network name."),
    nics: z
      .record(z.string().regex(IFNAME, "an interface name, like enp1s0"), nic)
      .optional()
      .describe("Default: one NIC on all."),
    dependsOn: z.array(name).optional().describe("Shared gear (power, switch, ISP box) this host needs."),
    reliability: reliability.optional(),
  })
  .describe("A physical machine.");

export const guestRole = z.enum([
  "k3s-server",
  "k3s-agent",
  "load-balancer",
  "vpn",
  "manager",
  "database",
  "generic",
]);

export const guest = z
  .strictObject({
    kind: z.enum(["vm", "lxc", "metal"]).default("vm").describe("metal: the OS runs on the host itself."),
    host: name.describe("The physical host it is placed on."),
    role: guestRole,
    cpu: z.number().int().positive().optional(),
    memory: size.optional(),
    disk: size.optional(),
    address: z.record(name, ipv4).optional().describe("Address per network; metal guests use the host's."),
    mac: z.record(name, z.string().regex(MAC)).optional(),
    vmid: z.number().int().min(100).max(999999999).optional(),
    ha: z.boolean().default(false).describe("Proxmox HA restarts it on another node when its host fails."),
    haGroup: name.optional(),
    image: z
      .string()
      .regex(GUEST_IMAGE, "an image name, an http(s) URL, or storage:content/file")
      .max(2048)
      .optional()
      .describe("Cloud image (VM) or template (LXC); default debian-12."),
    imageChecksum: z
      .string()
      .regex(
        /^(sha256:[0-9a-f]{64}|sha512:[0-9a-f]{128})$/,
        "sha256:<64 hex digits> or sha512:<128 hex digits>",
      )
      .optional()
      .describe(
        "Checksum the downloaded image must match. Without it, a catalogue image is checked against its publisher's checksum file and a URL image is not checked (hlab plan warns).",
      ),
    storage: z
      .string()
      .regex(STORAGE_ID, "a Proxmox storage name, like local-lvm")
      .optional()
      .describe("Proxmox storage for its disk; default from proxmox.storage."),
    reliability: reliability.optional(),
  })
  .describe("A VM, an LXC container, or the OS of a bare-metal host.");

export const haGroup = z.strictObject({
  nodes: z.array(name).min(1),
  restricted: z.boolean().default(false),
  nofailback: z.boolean().default(false),
});

/** Recovery objectives of one data-bearing service: how much data and how long a restore may cost. */
const recoveryTargets = {
  rpo: duration.optional().describe("Recovery point objective: at most this much data lost (e.g. 24h, 5m)."),
  rto: duration.optional().describe("Recovery time objective: restored and serving within this (e.g. 4h)."),
};
/** A destination of `backups.destinations`, by name. */
const destinationRef = name.describe("A destination of `backups.destinations`.");
const THROUGHPUT = /^\d+(\.\d+)?\s*(KB|MB|GB|KiB|MiB|GiB)\/s$/;

export const backupDestination = z
  .strictObject({
    kind: z
      .enum(["s3", "nfs"])
      .describe("s3: an S3-compatible object store (MinIO, Garage, B2...); nfs: an NFS export of a NAS."),
    url: z
      .string()
      .regex(URL_RE, "a URL like s3://bucket/path or nfs://nas.home.arpa/export/backups")
      .max(2048)
      .describe("s3://bucket/prefix or nfs://server/export/path."),
    endpoint: z
      .string()
      .regex(HTTP_URL, "an http(s):// URL like https://minio.home.arpa:9000")
      .optional()
      .describe("s3: the endpoint of an S3-compatible store; default AWS."),
    region: z
      .string()
      .regex(/^[a-z0-9-]{1,32}$/, "a region like us-east-1")
      .optional()
      .describe("s3: the bucket's region; default us-east-1."),
    host: name.optional().describe("The spec host it lives on (a NAS or disk in a machine of the spec)."),
    guest: name.optional().describe("The guest it runs in (a MinIO VM): it lives on that guest's host."),
    dependsOn: z
      .array(name)
      .optional()
      .describe("Gear it needs, when it is no host of the spec (the power strip the NAS is on)."),
    offsite: z.boolean().default(false).describe("Away from the site: survives losing every host and gear."),
    media: z
      .enum(["disk", "ssd", "tape", "cloud", "usb"])
      .optional()
      .describe("What the copy sits on, for the 3-2-1 rule; default cloud offsite, disk otherwise."),
    throughput: z
      .string()
      .regex(THROUGHPUT, "a rate like 100MiB/s")
      .optional()
      .describe("What a restore reads from it per second; default from src/model/recovery-figures.ts."),
    encryption: z
      .boolean()
      .default(true)
      .describe("Encrypt what is written there (pgBackRest repo cipher, S3 server-side encryption)."),
  })
  .describe("Where backups go, and what failure takes it with the data (its host, its gear, offsite).");

export const proxmoxBackups = z
  .strictObject({
    to: destinationRef,
    schedule: z
      .string()
      .regex(CRON, "a cron schedule like 0 2 * * *")
      .default("0 2 * * *")
      .describe("When vzdump runs (written as a Proxmox calendar event)."),
    guests: z.array(name).optional().describe("Guests to back up; default every VM and container."),
    mode: z.enum(["snapshot", "suspend", "stop"]).default("snapshot"),
    keepDaily: z.number().int().min(0).max(3650).default(7),
    keepWeekly: z.number().int().min(0).max(520).default(4),
    keepMonthly: z.number().int().min(0).max(120).default(0),
    ...recoveryTargets,
  })
  .describe("vzdump jobs: whole-guest backups to a destination (a Proxmox storage on it).");

export const proxmox = z
  .strictObject({
    cluster: name.describe("Corosync cluster name."),
    nodes: z.array(name).optional().describe("Default: every host of kind proxmox."),
    links: z
      .array(name)
      .min(1)
      .max(8)
      .optional()
      .describe("Networks for Corosync link0, link1...; default lan."),
    qdevice: z
      .strictObject({ host: name.describe("A host or guest outside the cluster running corosync-qnetd.") })
      .optional(),
    haGroups: z.record(name, haGroup).optional(),
    storage: z
      .record(
        z.string().regex(STORAGE_ID, "a Proxmox storage name, like local-lvm"),
        z.strictObject({
          type: z.enum(["lvmthin", "zfspool", "dir", "nfs", "cephfs", "rbd"]),
          shared: z.boolean().default(false),
          content: z.array(z.enum(["images", "rootdir", "snippets", "iso", "vztmpl", "backup"])).optional(),
        }),
      )
      .optional(),
    tokenTimeout: duration.optional().describe("Corosync token; default 3000ms + 650ms per node above two."),
    api: z
      .string()
      .regex(HTTP_URL, "an https:// URL like https://pve-1:8006/")
      .optional()
      .describe("API endpoint URL for OpenTofu; default https://<first node>:8006/."),
    backups: proxmoxBackups.optional(),
  })
  .describe("The Proxmox VE cluster.");

export const kubernetes = z
  .strictObject({
    distribution: z.literal("k3s").default("k3s"),
    version: z
      .string()
      .regex(/^v\d+\.\d+\.\d+\+k3s\d+$/)
      .optional()
      .describe("Pinned k3s release."),
    datastore: z.enum(["embedded-etcd", "sqlite"]).optional().describe("Default: etcd with >1 server."),
    api: z
      .strictObject({
        vip: ipv4.optional().describe("The API virtual IP."),
        holder: z
          .enum(["kube-vip", "keepalived", "load-balancer", "none"])
          .default("kube-vip")
          .describe("What holds the VIP: kube-vip, keepalived on the servers, the HAProxy pair, or none."),
        loadBalancer: name.optional().describe("With holder load-balancer: which pair."),
        hostname: z.string().regex(HOSTNAME, "a host name like k8s.home.arpa").max(253).optional(),
        endpoint: ipv4.optional().describe("Without a VIP: the address clients use (seed 003 'before')."),
      })
      .optional(),
    kubeVip: z
      .strictObject({
        leaseDuration: duration.optional(),
        renewDeadline: duration.optional(),
        retryPeriod: duration.optional(),
      })
      .optional()
      .describe("kube-vip leader election; defaults 15s/10s/2s (kube-vip v1.1+)."),
    clusterCidr: cidr.default("10.42.0.0/16"),
    serviceCidr: cidr.default("10.43.0.0/16"),
    clusterDomain: z.string().regex(HOSTNAME, "a DNS domain like cluster.local").default("cluster.local"),
    flannelBackend: z.enum(["vxlan", "host-gw", "wireguard-native", "none"]).default("vxlan"),
    disable: z
      .array(z.enum(["traefik", "servicelb", "local-storage", "metrics-server", "coredns"]))
      .optional(),
    secretsEncryption: z.boolean().default(true),
    etcdSnapshots: z
      .strictObject({
        schedule: z.string().regex(CRON, "a cron schedule like 0 */6 * * *").default("0 */6 * * *"),
        retention: z.number().int().positive().default(12),
        to: destinationRef
          .optional()
          .describe("An s3 destination the snapshots are also uploaded to; else only on each server."),
        ...recoveryTargets,
      })
      .optional(),
    nodeDownEviction: duration.optional().describe("Toleration for not-ready/unreachable; default 300s."),
    ingress: z
      .strictObject({
        address: ipv4.optional().describe("Where service host names point (the ingress VIP)."),
        via: z
          .enum(["metallb", "load-balancer", "kube-vip", "node"])
          .describe("MetalLB IP, the HAProxy pair's VIP, kube-vip, or a node's own address (no failover)."),
        loadBalancer: name.optional(),
        node: name.optional().describe("With via node: the guest DNS points at (seed 003 'before')."),
      })
      .optional(),
  })
  .describe("The K3s cluster.");

export const failoverProfile = z.enum(["fast", "balanced", "conservative", "seed003", "custom"]);
export const backendSet = z.enum(["k3s-servers", "k3s-nodes", "k3s-agents"]);

export const loadBalancer = z
  .strictObject({
    guests: z.array(name).min(1).describe("The guests running HAProxy + Keepalived (two for a pair)."),
    vip: ipv4,
    network: name.optional().describe("Network of the VIP; default: the one whose CIDR holds it."),
    profile: failoverProfile.default("balanced"),
    frontends: z
      .array(
        z.strictObject({
          port: z.number().int().min(1).max(65535),
          backends: backendSet.optional().describe("Default: servers for 6443, every node otherwise."),
          backendPort: z.number().int().min(1).max(65535).optional(),
        }),
      )
      .optional()
      .describe("Default: 6443, 80 and 443 in TCP mode."),
    vrrp: z
      .strictObject({
        routerId: z.number().int().min(1).max(255).optional(),
        version: z.union([z.literal(2), z.literal(3)]).optional(),
        advertInt: duration.optional(),
      })
      .optional(),
    healthCheck: z
      .strictObject({
        inter: duration.optional(),
        fastinter: duration.optional(),
        fall: z.number().int().positive().optional(),
        rise: z.number().int().positive().optional(),
      })
      .optional(),
  })
  .describe("An HAProxy + Keepalived pair in front of the cluster (seed 003).");

export const metallb = z.strictObject({
  pools: z.record(
    name,
    z.strictObject({
      addresses: z.array(ipRange).min(1),
      network: name.optional(),
      autoAssign: z.boolean().default(true),
    }),
  ),
});

export const storage = z
  .strictObject({
    class: z.enum(["longhorn", "local-path"]).describe("Default StorageClass."),
    longhorn: z
      .strictObject({
        replicas: z.number().int().min(1).max(10).optional().describe("Default: min(3, storage nodes)."),
        nodeDownPodDeletion: z
          .enum([
            "do-nothing",
            "delete-statefulset-pod",
            "delete-deployment-pod",
            "delete-both-statefulset-and-deployment-pod",
          ])
          .default("delete-both-statefulset-and-deployment-pod"),
        backupTarget: z
          .string()
          .regex(URL_RE, "a backup URL like s3://bucket@region/")
          .max(2048)
          .optional()
          .describe("A bare backup URL (older form): prefer `backups.to` and a named destination."),
        snapshotSchedule: z.string().regex(CRON, "a cron schedule like 0 3 * * *").default("0 3 * * *"),
        backups: z
          .strictObject({
            to: destinationRef,
            schedule: z.string().regex(CRON, "a cron schedule like 0 3 * * *").default("0 3 * * *"),
            retain: z.number().int().min(1).max(1000).default(14).describe("Backups kept per volume."),
            ...recoveryTargets,
          })
          .optional()
          .describe("Recurring backups of every volume to a destination (Longhorn backup target)."),
      })
      .optional(),
  })
  .describe("Persistent storage.");

export const database = z
  .strictObject({
    engine: z.enum(["cloudnative-pg", "patroni"]),
    instances: z.number().int().min(1).max(9).optional().describe("CNPG: instances; patroni: one per guest."),
    guests: z.array(name).optional().describe("Patroni: the database guests."),
    vip: ipv4.optional().describe("Patroni: the address clients use (HAProxy to the primary)."),
    synchronous: z.boolean().default(false).describe("Zero data loss: writes wait for a standby."),
    storage: size.default("10GiB"),
    backups: z
      .strictObject({
        schedule: z
          .string()
          .regex(CRON, "a cron schedule like 0 3 * * *")
          .describe("When a base (full) backup is taken."),
        to: destinationRef.optional(),
        destination: z
          .string()
          .regex(URL_RE, "an object store URL like s3://bucket/path")
          .max(2048)
          .optional()
          .describe("A bare object store URL (older form): prefer `to` and a named destination."),
        walArchive: z
          .boolean()
          .default(true)
          .describe("Archive WAL continuously: point-in-time restore, data lost bounded by archiveTimeout."),
        archiveTimeout: duration
          .optional()
          .describe(
            "PostgreSQL archive_timeout: a WAL segment is archived at least this often; default 5min.",
          ),
        retention: z
          .number()
          .int()
          .min(1)
          .max(1000)
          .default(7)
          .describe("Full backups kept (CNPG: as days of retention at a daily schedule)."),
        ...recoveryTargets,
      })
      .optional(),
  })
  .describe("A PostgreSQL cluster.");

export const catalogName = z.enum([
  "argocd",
  "gitea",
  "forgejo",
  "prometheus",
  "grafana",
  "loki",
  "vaultwarden",
  "adguard-home",
  "traefik",
  "cert-manager",
  "cloudnative-pg",
  "longhorn",
  "metallb",
]);

export const audience = z
  .enum(["public", "lan", "admin", "vpn"])
  .describe("Who reaches a service: public, lan or admin segments (by role), or the VPN's peers.");

export const service = z
  .strictObject({
    catalog: catalogName
      .optional()
      .describe("The catalogue entry; default: the service's own key if it is one."),
    image: z
      .string()
      .regex(CONTAINER_IMAGE, "a container image like ghcr.io/owner/app:1.2")
      .max(512)
      .optional()
      .describe("User apps: the container image."),
    port: z.number().int().min(1).max(65535).optional(),
    replicas: z.number().int().min(1).max(50).optional(),
    persistence: z
      .union([size, z.literal(false)])
      .optional()
      .describe("Volume size, or false."),
    hostname: z.string().regex(HOSTNAME, "a host name like app.home.arpa").max(253).optional(),
    database: name.optional().describe("A database of `databases` it needs."),
    target: probability.optional().describe("Availability target, e.g. 99.9%."),
    runner: z.boolean().optional().describe("gitea/forgejo: deploy an Actions runner."),
    on: z.array(name).optional().describe("Run on these guests directly instead of in Kubernetes."),
    version: z
      .string()
      .regex(VERSION, "a version like 1.2.3")
      .optional()
      .describe("Overrides the pinned chart/app version."),
    exposure: z
      .union([audience, z.array(audience).min(1)])
      .optional()
      .describe(
        "Who may reach it; default: admin and vpn for dashboards, lan (else public) and vpn for apps.",
      ),
  })
  .describe("A catalogue service or a user app.");

export const wireguard = z.strictObject({
  guest: name.describe("The guest running the WireGuard endpoint."),
  network: name.optional().describe("Network the endpoint listens on; default the public one."),
  endpoint: z
    .string()
    .regex(HOSTNAME, "a host name or an IPv4 address, without the port")
    .max(253)
    .optional()
    .describe("Public host name or address peers dial (the port is `port`)."),
  port: z.number().int().min(1).max(65535).default(51820),
  tunnel: cidr.default("10.99.0.0/24"),
  exposes: z.array(name).min(1).describe("Networks reachable through the tunnel (seed 002: admin)."),
  peers: z.record(name, z.strictObject({ address: ipv4.optional() })),
});

export const spec = z
  .strictObject({
    $schema: z.string().regex(/^\S+$/, "a path or URL without spaces").max(2048).optional(),
    version: z.literal(1).describe("Spec format version."),
    name: name.describe("The lab's name."),
    description: z.string().regex(PROSE, "text without control characters").max(10_000).optional(),
    networks: z.record(name, network),
    gear: z.record(name, gear).optional(),
    hosts: z.record(name, host),
    proxmox: proxmox.optional(),
    guests: z.record(name, guest).optional(),
    kubernetes: kubernetes.optional(),
    loadBalancers: z.record(name, loadBalancer).optional(),
    metallb: metallb.optional(),
    storage: storage.optional(),
    databases: z.record(name, database).optional(),
    backups: z
      .strictObject({
        destinations: z.record(name, backupDestination).optional(),
        targets: z
          .strictObject(recoveryTargets)
          .optional()
          .describe("Default RPO and RTO of every data-bearing service without its own."),
      })
      .optional()
      .describe("Backup destinations and recovery objectives (docs/spec.md, Backups)."),
    services: z.record(name, service).optional(),
    vpn: z.strictObject({ wireguard: wireguard }).optional(),
    dns: z
      .strictObject({
        domain: z.string().regex(HOSTNAME, "a DNS domain like home.arpa").max(253).default("home.arpa"),
        records: z.record(z.string().regex(HOSTNAME, "a DNS name like nas").max(253), ipv4).optional(),
      })
      .optional(),
    access: z
      .strictObject({
        user: z
          .string()
          .regex(/^[a-z_][a-z0-9_-]{0,31}$/)
          .default("hlab"),
        sshKeys: z
          .array(z.string().regex(SSH_KEY, "one public key line: ssh-ed25519 AAAA... comment").max(16_384))
          .default([]),
        timezone: z.string().regex(TIMEZONE, "a time zone like Europe/Paris").max(64).default("Etc/UTC"),
      })
      .optional(),
    gitops: z
      .strictObject({
        repository: z
          .string()
          .regex(
            new RegExp(`^((https?|ssh)://${URL_CHARS}+|[\\w.-]+@[\\w.-]+:${URL_CHARS}+)$`),
            "an https://, ssh:// or user@host:path Git URL",
          )
          .describe(
            "Where Argo CD reads this repository; default: the spec's Git server, else git.<dns.domain>.",
          )
          .optional(),
        hlab: z
          .strictObject({
            git: z
              .string()
              .regex(new RegExp(`^https://${URL_CHARS}+$`), "an https:// Git URL")
              .describe("The Git repository of hlab."),
            commit: z
              .string()
              .regex(/^[0-9a-f]{40}$/, "a full 40-character commit id")
              .describe("The commit of hlab the generated CI installs, pinned."),
          })
          .describe(
            "The hlab the generated CI workflow installs to run check and the in-place rebuild diff; default: none, and the workflow runs only the tool checks (OpenTofu, Ansible).",
          )
          .optional(),
      })
      .optional(),
    secrets: z
      .strictObject({
        recipients: z
          .array(z.string().regex(/^age1[0-9a-z]{58}$/))
          .min(1)
          .describe("age public keys."),
      })
      .optional(),
    plan: z
      .strictObject({
        defaults: z
          .strictObject({
            host: reliability.optional(),
            nic: reliability.optional(),
            guest: reliability.optional(),
            gear: reliability.optional(),
          })
          .optional(),
        timings: z
          .record(z.string().regex(/^[a-z][a-zA-Z0-9.-]*$/, "a timing name like kubevip.failover"), duration)
          .optional()
          .describe("Overrides of failover timings by name."),
      })
      .optional(),
  })
  .describe("An hlab homelab spec.");

export type Spec = z.input<typeof spec>;
export type ParsedSpec = z.output<typeof spec>;
