// Every diagnostic code hlab emits, with the severity it carries and a one-line title. The table is
// the index of docs/diagnostics.md and the list the fixture tests walk.
import type { Severity } from "./diagnostic.js";

export interface CodeInfo {
  severity: Severity;
  title: string;
}

export const CODES = {
  HL001: { severity: "error", title: "YAML syntax error" },
  HL002: { severity: "error", title: "unknown key" },
  HL003: { severity: "error", title: "wrong type" },
  HL004: { severity: "error", title: "missing key" },
  HL005: { severity: "error", title: "invalid value" },
  HL010: { severity: "error", title: "duplicate address" },
  HL011: { severity: "error", title: "address outside its network" },
  HL012: { severity: "error", title: "unknown host" },
  HL013: { severity: "error", title: "unknown network" },
  HL014: { severity: "error", title: "unknown guest" },
  HL015: { severity: "error", title: "unknown gear" },
  HL016: { severity: "error", title: "unknown reference" },
  HL017: { severity: "error", title: "VIP or pool outside its network" },
  HL018: { severity: "warning", title: "static address inside the DHCP range" },
  HL019: { severity: "error", title: "reserved address (network, broadcast or gateway)" },
  HL020: { severity: "error", title: "overlapping address ranges" },
  HL021: { severity: "error", title: "guest kind does not fit its host" },
  HL022: { severity: "error", title: "unknown service" },
  HL023: { severity: "error", title: "duplicate MAC address" },
  HL024: { severity: "error", title: "duplicate VMID" },
  HL025: { severity: "error", title: "address on a network no NIC carries" },
  HL026: { severity: "warning", title: "guest role does not fit its use" },
  HL027: { severity: "error", title: "missing section" },
  HL028: { severity: "error", title: "could not read the spec file" },
  HL029: { severity: "warning", title: "YAML warning" },
  HL030: { severity: "error", title: "network inside the default pod or service CIDR" },
  HL031: { severity: "error", title: "reserved key" },
  HL032: { severity: "error", title: "number out of bounds" },
  HL040: { severity: "error", title: "spec larger than hlab reads" },
  HL041: { severity: "error", title: "no free value left to assign (VMID, tunnel address, VRRP router id)" },
  HL042: { severity: "error", title: "typed config did not produce a spec" },
  HL055: { severity: "error", title: "kube-vip timings the shipped DaemonSet cannot run" },
  // hlab plan: failure domains, quorum, capacity and availability (src/analyze/).
  HL100: { severity: "error", title: "one host holds a majority of the etcd members" },
  HL101: { severity: "warning", title: "etcd member count adds no fault tolerance" },
  HL102: { severity: "error", title: "load-balancer pair on one host" },
  HL103: { severity: "warning", title: "load balancer without a second guest" },
  HL104: { severity: "warning", title: "Longhorn replicas beyond the distinct hosts" },
  HL105: { severity: "warning", title: "database instances share a host" },
  HL106: { severity: "warning", title: "service replicas share a host" },
  HL107: { severity: "warning", title: "Corosync votes that a single failure can break" },
  HL108: { severity: "warning", title: "QDevice shares a host with a cluster node" },
  HL109: { severity: "warning", title: "Proxmox HA guest cannot restart elsewhere" },
  HL110: { severity: "error", title: "host over-committed" },
  HL111: { severity: "info", title: "vCPUs over-committed" },
  HL112: { severity: "warning", title: "HA guests do not fit when a host fails (N+1)" },
  HL113: { severity: "warning", title: "pods do not fit when a host fails (N+1)" },
  HL114: { severity: "warning", title: "ingress points at one node" },
  HL115: { severity: "warning", title: "Kubernetes API without a virtual IP" },
  HL116: { severity: "warning", title: "unreliable component" },
  HL117: { severity: "info", title: "shared single point of failure" },
  HL118: { severity: "warning", title: "losing one host takes services down" },
  HL119: { severity: "warning", title: "availability below the service's target" },
  HL120: { severity: "error", title: "every guest on one host: replication protects nothing" },
  HL121: { severity: "info", title: "single-host lab: replicas protect against guest failures only" },
  HL122: { severity: "warning", title: "database quorum with no instance to spare" },
  HL123: { severity: "warning", title: "guest with no default route" },
  HL124: { severity: "error", title: "admin service reachable from a public network" },
  HL125: { severity: "warning", title: "admin service exposed to a public network" },
  HL126: { severity: "warning", title: "service unreachable by clients it is exposed to" },
  HL127: { severity: "warning", title: "service reachable from a network it is not exposed to" },
  HL140: { severity: "warning", title: "guest image downloaded without a checksum" },
  HL141: { severity: "warning", title: "guest image from a URL whose content changes" },
  HL142: { severity: "warning", title: "container image without a release tag" },
  // hlab build: the secret store and the output tree (src/pipeline/build.ts, src/emit/, src/secrets/).
  HL300: { severity: "error", title: "secret store cannot hold a requested secret" },
  HL301: { severity: "warning", title: "secret encrypted for other recipients than the spec's" },
  HL302: { severity: "error", title: "a file hlab does not own is in the way of a generated file" },
  HL303: { severity: "warning", title: "generated file changed by hand since the last build" },
  HL304: { severity: "error", title: "generated Kubernetes manifest fails validation" },
  HL305: { severity: "error", title: "unreadable build manifest (.hlab/manifest.json)" },
  HL306: { severity: "warning", title: "secret no longer used by the spec, kept" },
  HL307: { severity: "error", title: "build manifest entry refused (a path outside the tree, or malformed)" },
  HL308: { severity: "warning", title: "a file hlab did not write was replaced (--force)" },
} as const satisfies Record<string, CodeInfo>;

export type Code = keyof typeof CODES;

/** For codes that arrive untyped (zod's refinement params): only a registered code passes. */
export const isCode = (x: unknown): x is Code => typeof x === "string" && Object.hasOwn(CODES, x);
