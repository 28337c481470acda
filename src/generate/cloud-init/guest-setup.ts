// What each guest needs from its OS by role: packages, kernel modules and sysctls. cloud-init
// applies it to VMs at first boot; the bootstrap script applies the same lists to containers and
// bare-metal guests, which cloud-init does not reach.
import type { Guest, Model } from "../../model/model.js";

export interface GuestSetup {
  packages: string[];
  modules: string[];
  sysctls: [string, string][];
  services: string[];
}

const isK3sNode = (model: Model, guest: Guest): boolean =>
  Boolean(
    model.kubernetes &&
    (model.kubernetes.servers.includes(guest.name) || model.kubernetes.agents.includes(guest.name)),
  );

export function guestSetup(model: Model, guest: Guest): GuestSetup {
  // nftables loads the host firewall the network layer generates; curl fetches the K3s installer.
  const packages = new Set(["ca-certificates", "curl", "nftables"]);
  const modules = new Set<string>();
  const sysctls = new Map<string, string>();
  const services = new Set<string>();
  if (guest.kind === "vm") {
    packages.add("qemu-guest-agent");
    services.add("qemu-guest-agent");
  }
  if (isK3sNode(model, guest)) {
    for (const m of ["overlay", "br_netfilter"]) modules.add(m);
    sysctls.set("net.ipv4.ip_forward", "1");
    sysctls.set("net.bridge.bridge-nf-call-iptables", "1");
    // Log shippers and operators watch many files; Debian's defaults run out on a busy node.
    sysctls.set("fs.inotify.max_user_instances", "8192");
    sysctls.set("fs.inotify.max_user_watches", "524288");
    if (model.storage.class === "longhorn") {
      for (const p of ["open-iscsi", "nfs-common"]) packages.add(p);
      modules.add("iscsi_tcp");
      services.add("iscsid");
    }
    if (model.kubernetes?.flannelBackend === "wireguard-native") packages.add("wireguard-tools");
  }
  if (model.loadBalancers.some((lb) => lb.guests.includes(guest.name))) {
    for (const p of ["haproxy", "keepalived"]) packages.add(p);
    // HAProxy binds the VIP on the backup too, before keepalived moves the address there.
    sysctls.set("net.ipv4.ip_nonlocal_bind", "1");
  }
  if (model.wireguard?.guest === guest.name) {
    packages.add("wireguard-tools");
    sysctls.set("net.ipv4.ip_forward", "1");
  }
  if (model.databases.some((d) => d.engine === "patroni" && d.guests.includes(guest.name))) {
    for (const p of ["postgresql", "patroni"]) packages.add(p);
  }
  return {
    packages: [...packages].sort(),
    modules: [...modules].sort(),
    sysctls: [...sysctls.entries()].sort(([a], [b]) => (a < b ? -1 : 1)),
    services: [...services].sort(),
  };
}

export const sysctlFile = (setup: GuestSetup): string =>
  setup.sysctls.map(([k, v]) => `${k} = ${v}\n`).join("");
export const modulesFile = (setup: GuestSetup): string => setup.modules.map((m) => `${m}\n`).join("");
