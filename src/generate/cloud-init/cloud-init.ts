// cloud-init for every VM: user-data (the admin user and its SSH keys, packages, kernel modules,
// sysctls, the pinned K3s binary) and network-config v2 that matches each NIC by its MAC and renames
// it after its network, so every other file can say `lan` instead of guessing `ens18`. No secret is
// ever in here: the K3s token arrives later from the encrypted store (K3s is installed, not started).
import { stringify } from "yaml";
import type { Guest, Model } from "../../model/model.js";
import { guestInterface } from "../../model/interfaces.js";
import { generatedBy, type GeneratedFile, type Generator } from "../../artifact/artifact.js";
import { networkConfigPath, userDataPath } from "../../artifact/repo-layout.js";
import { guestArch, k3sInstallCommand, k3sNodes } from "../../topology/k3s-nodes.js";
import { guestSetup, modulesFile, sysctlFile } from "./guest-setup.js";

const fqdn = (model: Model, guest: Guest): string => `${guest.name}.${model.dns.domain}`;

function userData(model: Model, guest: Guest): string {
  const setup = guestSetup(model, guest);
  const k3s = k3sNodes(model).find((n) => n.guest.name === guest.name);
  const files: Record<string, unknown>[] = [];
  if (setup.sysctls.length)
    files.push({ path: "/etc/sysctl.d/90-hlab.conf", permissions: "0644", content: sysctlFile(setup) });
  if (setup.modules.length)
    files.push({ path: "/etc/modules-load.d/hlab.conf", permissions: "0644", content: modulesFile(setup) });
  const runcmd: unknown[] = [
    ...setup.modules.map((m) => ["modprobe", m]),
    ...(setup.sysctls.length ? [["sysctl", "--system"]] : []),
    ...setup.services.map((s) => ["systemctl", "enable", "--now", s]),
  ];
  if (k3s && model.kubernetes)
    runcmd.push(["sh", "-c", k3sInstallCommand(model.kubernetes, k3s.role, guestArch(model, guest))]);
  const config: Record<string, unknown> = {
    hostname: guest.name,
    fqdn: fqdn(model, guest),
    manage_etc_hosts: true,
    timezone: model.access.timezone,
    users: [
      {
        name: model.access.user,
        groups: ["sudo"],
        shell: "/bin/bash",
        sudo: "ALL=(ALL) NOPASSWD:ALL",
        lock_passwd: true,
        ...(model.access.sshKeys.length ? { ssh_authorized_keys: model.access.sshKeys } : {}),
      },
    ],
    disable_root: true,
    ssh_pwauth: false,
    package_update: true,
    package_upgrade: true,
    packages: setup.packages,
    ...(files.length ? { write_files: files } : {}),
    ...(runcmd.length ? { runcmd } : {}),
  };
  // The first line must be exactly #cloud-config for cloud-init to read the rest.
  return `#cloud-config\n# ${generatedBy(model)}\n${stringify(config, { lineWidth: 0 })}`;
}

function networkConfig(model: Model, guest: Guest): string {
  const nets = Object.keys(guest.address);
  // One default route: the first network (in the guest's order) that has a gateway.
  const routed = nets.find((n) => model.networks.find((x) => x.name === n)?.gateway);
  const ethernets: Record<string, unknown> = {};
  for (const name of nets) {
    const net = model.networks.find((n) => n.name === name);
    if (!net) continue;
    const iface = guestInterface(model, guest, name);
    const entry: Record<string, unknown> = {
      match: { macaddress: guest.mac[name] },
      "set-name": iface,
      addresses: [`${guest.address[name]}/${net.cidr.prefix}`],
    };
    // 0.0.0.0/0 rather than `default`: cloud-init 22.4 (Debian 12) does not parse the keyword.
    if (name === routed && net.gateway) entry.routes = [{ to: "0.0.0.0/0", via: net.gateway }];
    if (net.dns.length) entry.nameservers = { addresses: net.dns, search: [model.dns.domain] };
    ethernets[iface] = entry;
  }
  return `# ${generatedBy(model)}\n${stringify({ network: { version: 2, ethernets } }, { lineWidth: 0 })}`;
}

export const cloudInitGenerator: Generator = {
  name: "cloud-init",
  generate(model: Model): GeneratedFile[] {
    return model.guests
      .filter((g) => g.kind === "vm")
      .flatMap((g) => [
        { path: userDataPath(g.name), content: userData(model, g) },
        { path: networkConfigPath(g.name), content: networkConfig(model, g) },
      ]);
  },
};
