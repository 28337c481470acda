// Default failover timings (ms) the availability model charges for each transition. Every figure is
// taken from shared/reference/ha-timings.md (which names the component source) and can be overridden
// in the spec under plan.timings, or replaced by what `hlab lab` measured (hlab plan --measured).

export const DEFAULT_TIMINGS = {
  /** kube-vip v1.1+: a crashed leader is replaced after about the lease. */
  "kubevip.failover": 15_000,
  /** K3s embedded etcd: heartbeat 500 ms, election 5000 ms, new leader in 5-10 s. */
  "etcd.election": 7_500,
  /** Kubernetes marks a node NotReady after node-monitor-grace-period (50 s since 1.32). */
  "k8s.nodeNotReady": 50_000,
  /** Pods tolerate not-ready/unreachable 300 s by default before eviction. */
  "k8s.podEviction": 300_000,
  /** A replacement pod scheduled and ready. */
  "k8s.podStart": 30_000,
  /** MetalLB L2 moves an address within a few seconds. */
  "metallb.failover": 5_000,
  /** Patroni: ttl 30, loop_wait 10: failover in 30-40 s. */
  "patroni.failover": 35_000,
  /** CloudNativePG: primary seen unready after 40-55 s on node failure. */
  "cnpg.failover": 50_000,
  /** Proxmox HA: 60 s watchdog fencing, about 2 min detection + recovery. */
  "proxmox.haRecovery": 120_000,
  /** A guest booting until its services answer. */
  "guest.boot": 60_000,
  /** Longhorn: volume reattached and remounted after the node is gone (1-7 min). */
  "longhorn.reattach": 240_000,
  /** Keepalived takeover when no profile figure applies (VRRPv2 advert 1 s). */
  "vrrp.failover": 3_600,
  /** HAProxy marks a dead backend down (inter 2000, fall 3, defaults). */
  "haproxy.detect": 6_000,
  /** Corosync token on membership loss (3 nodes). */
  "corosync.token": 3_650,
} as const;

export type TimingName = keyof typeof DEFAULT_TIMINGS;
export const TIMING_NAMES = Object.keys(DEFAULT_TIMINGS) as TimingName[];
