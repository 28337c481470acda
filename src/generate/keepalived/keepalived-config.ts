// keepalived.conf for one guest: one VRRP instance per group it belongs to, unicast to the other
// members, each instance tracking the service behind its VIP on this guest. As with HAProxy,
// everything that differs in a lab namespace (pid files, logging, foreground) is a command-line
// option, not a line of this file.
import type { Guest, Model } from "../../model/model.js";
import { hashHeader } from "../../artifact/artifact.js";
import { advertInterval } from "../../topology/failover-formulas.js";
import {
  groupTakeoverMs,
  routesWeight,
  vrrpGroups,
  type VrrpCheck,
  type VrrpGroup,
} from "../../topology/vrrp-groups.js";

const INDENT = "    ";
const indent = (lines: string[]): string[] => lines.map((l) => INDENT + l);
const block = (head: string, body: string[]): string[] => [`${head} {`, ...indent(body), "}"];

/** keepalived appends: INSTANCE|GROUP, the name, the new state, the priority. */
export const NOTIFY_COMMAND = "/usr/bin/logger -t hlab-keepalived";

function instance(model: Model, guest: Guest, group: VrrpGroup): string[] {
  const me = group.members.find((m) => m.guest.name === guest.name)!;
  const peers = group.members.filter((m) => m !== me && m.address !== undefined).map((m) => m.address!);
  const prefix = model.networks.find((n) => n.name === group.network)?.cidr.prefix ?? 32;
  const takeover = Math.round(groupTakeoverMs(group));
  // keepalived falls back to multicast (and warns) when unicast keywords come without a peer, so a
  // lone member advertises by multicast: nobody else is listening for its router id anyway.
  const unicast =
    peers.length === 0
      ? []
      : [
          ...(me.address ? [`unicast_src_ip ${me.address}`] : []),
          ...block("unicast_peer", peers),
          // Adverts from any address but the listed peers are dropped.
          "check_unicast_src",
        ];
  return block(`vrrp_instance ${group.instance}`, [
    group.members.length > 1
      ? `# VIP ${group.vip} for ${group.purpose}: a backup takes over about ${takeover} ms after the master stops advertising.`
      : `# VIP ${group.vip} for ${group.purpose}: one member, so nothing takes the VIP over when this guest fails.`,
    // All members start as BACKUP so none claims the VIP at boot before hearing the others; the
    // highest priority then wins (preemption is on).
    "state BACKUP",
    `interface ${me.interface}`,
    `virtual_router_id ${group.vrrp.routerId}`,
    `version ${group.vrrp.version}`,
    `priority ${me.priority}`,
    `advert_int ${advertInterval(group.vrrp)}`,
    // No `authentication` block, also with VRRPv2: PASS sends the password in clear in every advert
    // and VRRPv3 dropped it. Unicast to named peers, check_unicast_src and the firewall's VRRP rule
    // (protocol 112 from the peers only) are what keep strangers out of the election.
    ...unicast,
    // When two masters meet again (a NIC back after a flap), the one stepping down first sends one
    // more advert. The winner, hearing that lower priority, re-sends its gratuitous ARPs; without
    // it nothing re-announces the VIP, and clients keep sending to the loser's MAC until their ARP
    // entry expires (5 to 30 s of outage, measured in the lab).
    "higher_prio_send_advert",
    ...block("virtual_ipaddress", [`${group.vip}/${prefix} dev ${me.interface}`]),
    ...block("track_script", [
      me.check.name,
      ...(me.routes ? [`${me.routes.name} weight ${routesWeight(group)}`] : []),
    ]),
    `notify "${NOTIFY_COMMAND}"`,
  ]);
}

/** cloud-init installs curl on every guest (guest-setup.ts). */
export const CURL = "/usr/bin/curl";

function checkScript(check: VrrpCheck): string[] {
  return block(`vrrp_script ${check.name}`, [
    // A connection to the service on this guest's own address. A process check (pidof,
    // track_process) would also count another namespace's process in the lab, where every
    // namespace shares one PID space; a connection inside this network namespace cannot.
    check.path
      ? `script "${CURL} -fso /dev/null --max-time 1 http://${check.address}:${check.port}${check.path}"`
      : `script "/bin/bash -c '</dev/tcp/${check.address}/${check.port}'"`,
    "interval 1",
    "timeout 1",
    "fall 2",
    "rise 2",
    // Not eligible for the VIP until the service has answered: a booting guest never holds the
    // VIP with nothing listening behind it.
    "init_fail",
  ]);
}

export function keepalivedConfig(model: Model, guest: Guest): string {
  const groups = vrrpGroups(model).filter((g) => g.members.some((m) => m.guest.name === guest.name));
  const checks = new Map<string, VrrpCheck>();
  for (const g of groups)
    for (const m of g.members)
      if (m.guest.name === guest.name) for (const c of [m.check, m.routes]) if (c) checks.set(c.name, c);
  const sections = [
    block("global_defs", [
      `router_id ${guest.name}`,
      // The check and notify commands are root-owned binaries; keepalived 2.2.7's config test
      // aborts when script_user names an unprivileged user.
      "script_user root",
      "enable_script_security",
    ]),
    ...[...checks.values()].map(checkScript),
    ...groups.map((g) => instance(model, guest, g)),
  ];
  return hashHeader(model) + "\n" + sections.map((s) => s.join("\n")).join("\n\n") + "\n";
}

/** ARP retransmission on the VRRP interfaces, in ms (the kernel's default is 1000). */
export const VRRP_ARP_RETRANS_MS = 100;

/**
 * Unicast adverts need the peer's MAC. When a link comes back after an outage long enough for that
 * neighbour entry to fail, the kernel re-resolves it only at its ARP retransmission interval, and
 * until then the two masters cannot hear each other: measured in the lab, ~900 ms of two masters
 * with the default 1 s, 16-106 ms with 100 ms. A few more ARP requests while a peer is unreachable
 * cost nothing on a LAN.
 */
export function keepalivedSysctl(model: Model, guest: Guest): string | undefined {
  const ifaces = [
    ...new Set(
      vrrpGroups(model)
        .filter((g) => g.members.length > 1 && g.members.some((m) => m.guest.name === guest.name))
        .map((g) => g.members.find((m) => m.guest.name === guest.name)!.interface),
    ),
  ].sort();
  if (ifaces.length === 0) return undefined;
  return (
    hashHeader(model) +
    "# VRRP peers re-learn each other's MAC within 100 ms when a link comes back, so two masters\n" +
    "# meeting again hear each other at once (keepalived.conf, unicast_peer).\n" +
    // sysctl.d writes a dot inside an interface name (a VLAN, eth0.20) as a slash.
    ifaces
      .map((i) => `net.ipv4.neigh.${i.replace(/\./g, "/")}.retrans_time_ms = ${VRRP_ARP_RETRANS_MS}\n`)
      .join("")
  );
}
