// How long each kind of maintenance step takes, for the window estimate and for the outage of a
// service that is down for a whole step. Estimates for recycled mini PCs on 1 GbE, stated here
// once; the lab's rehearsal is what measures them. Milliseconds.
import type { Guest } from "../../model/model.js";

const MIN = 60_000;

export const STEP_DURATION = {
  /** Installing an OS (or Proxmox VE) on a new machine and bringing it onto the network. */
  installHost: 30 * MIN,
  /** `pvecm create` / `pvecm add`: corosync config pushed, pmxcfs synced. */
  proxmoxJoin: 2 * MIN,
  /** `pvecm delnode` on a powered-off node. */
  proxmoxLeave: 1 * MIN,
  /** `pvecm qdevice setup/remove`: certificates exchanged, corosync reloaded on every node. */
  qdevice: 2 * MIN,
  /** `tofu apply -target` of one guest plus its first boot and cloud-init. */
  createGuest: 5 * MIN,
  /** Stopping a guest and `tofu destroy -target`. */
  destroyGuest: 2 * MIN,
  /** A K3s node joining (binary installed by cloud-init): Ready, and a server's etcd learner promoted. */
  k3sJoin: 3 * MIN,
  /** `kubectl drain` of one node: pods evicted and rescheduled elsewhere. */
  drain: 2 * MIN,
  /** Restarting K3s on a server until it is Ready again (its API and etcd member are down meanwhile). */
  k3sRestart: 1 * MIN,
  /** A K3s upgrade of one node: drain, pinned binary swapped, restart, uncordon. */
  k3sUpgrade: 4 * MIN,
  /** `k3s etcd-snapshot save`. */
  etcdSnapshot: 1 * MIN,
  /** Rebooting a guest (a resize that is not hot-pluggable). */
  guestReboot: 1 * MIN,
  /** Rebooting a Proxmox host: shutdown of its guests, POST, boot, guests started again. */
  hostReboot: 5 * MIN,
  /** Hands-on hardware work on a powered-off host (a network card, memory, a disk). */
  hardware: 15 * MIN,
  /** A config reload (keepalived, HAProxy, DNS record): no restart. */
  reload: 1 * MIN,
  /** Installing a chart through Argo CD until its pods are Ready. */
  chart: 3 * MIN,
} as const;

/** Sustained copy over 1 GbE: about 110 MB/s, used for migrations and volume moves. */
const COPY_BYTES_PER_MS = 110_000;
const GIB = 1024 ** 3;

/** Copying `gib` GiB between machines. */
export const copyMs = (gib: number): number => Math.round((gib * GIB) / COPY_BYTES_PER_MS);

/** A guest's migration to another node: its local disk is copied along (`--with-local-disks`). */
export const migrationMs = (g: Guest): number => copyMs(g.diskGiB) + STEP_DURATION.reload;
