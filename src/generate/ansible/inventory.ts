// The inventory: every machine Ansible reaches, from the model and the derived topology. Proxmox
// hosts in `proxmox`; guests in `guests`, one child group per role (`k3s_server`, `load_balancer`,
// ...); each with the address it is reached at and how it logs in. What differs per machine (its
// K3s role and downloads, the OS setup cloud-init does not do for it) is a host variable, so the
// playbooks stay one list of tasks for all.
import type { Guest, Model } from "../../model/model.js";
import { sysctlFile, guestSetup } from "../cloud-init/guest-setup.js";
import { guestArch, k3sDownloads, k3sNodes, k3sService, type K3sNode } from "../../topology/k3s-nodes.js";
import type { Yaml } from "./yaml-file.js";

export interface Login {
  /** The address Ansible connects to. */
  address: string;
  user: string;
  /** The login is not root: tasks run with sudo. */
  become: boolean;
}

/** VMs and bare metal log in as the cloud-init admin user; containers as root, their only account. */
export function guestLogin(model: Model, guest: Guest): Login {
  const address =
    (model.kubernetes && guest.address[model.kubernetes.api.network]) ??
    Object.values(guest.address)[0] ??
    guest.name;
  return guest.kind === "lxc"
    ? { address, user: "root", become: false }
    : { address, user: model.access.user, become: true };
}

/** A Proxmox host is reached on its first corosync link's network, else its first address. */
export function hostAddress(model: Model, host: string): string {
  const h = model.hosts.find((x) => x.name === host);
  const link = model.proxmox?.links[0];
  return (link && h?.address[link]) ?? Object.values(h?.address ?? {})[0] ?? host;
}

/** Role names as Ansible group names (letters, digits and underscores). */
export const roleGroup = (role: string): string => role.replace(/[^A-Za-z0-9_]/g, "_");

const loginVars = (l: Login): Yaml => ({
  ansible_host: l.address,
  ansible_user: l.user,
  ...(l.become ? { ansible_become: true } : {}),
});

function k3sVars(model: Model, node: K3sNode): Yaml {
  const d = k3sDownloads(model.kubernetes!, node.role, guestArch(model, node.guest));
  return {
    hlab_k3s_role: node.role,
    hlab_k3s_service: k3sService(node.role),
    hlab_k3s_binary_url: d.binaryUrl,
    hlab_k3s_checksums_url: d.checksumsUrl,
    hlab_k3s_install_url: d.installScriptUrl,
    hlab_k3s_install_env: d.installEnv,
  };
}

/** What cloud-init does for a VM, for a container or a bare-metal guest to get from Ansible. */
function osSetupVars(model: Model, guest: Guest): Yaml {
  if (guest.kind === "vm") return {};
  const setup = guestSetup(model, guest);
  // A container cannot load kernel modules: its host does.
  const modules = guest.kind === "lxc" ? [] : setup.modules;
  return {
    hlab_os: {
      packages: setup.packages,
      ...(setup.sysctls.length ? { sysctl: sysctlFile(setup) } : {}),
      ...(modules.length ? { modules: `${modules.join("\n")}\n` } : {}),
      services: setup.services,
    },
  };
}

function guestVars(model: Model, guest: Guest, node: K3sNode | undefined): Yaml {
  return {
    ...loginVars(guestLogin(model, guest)),
    hlab_kind: guest.kind,
    ...osSetupVars(model, guest),
    ...(node ? k3sVars(model, node) : {}),
  };
}

export function inventory(model: Model): Yaml {
  const nodes = new Map(k3sNodes(model).map((n) => [n.guest.name, n]));
  const roles = new Map<string, Yaml>();
  for (const g of model.guests) {
    const group = roleGroup(g.role);
    const hosts = roles.get(group) ?? {};
    hosts[g.name] = guestVars(model, g, nodes.get(g.name));
    roles.set(group, hosts);
  }
  const children: Yaml = {};
  const px = model.proxmox?.nodes ?? [];
  if (px.length)
    children["proxmox"] = {
      hosts: Object.fromEntries(
        px.map((h) => [h, loginVars({ address: hostAddress(model, h), user: "root", become: false })]),
      ),
    };
  if (roles.size)
    children["guests"] = {
      children: Object.fromEntries([...roles].map(([group, hosts]) => [group, { hosts }])),
    };
  return {
    all: {
      vars: {
        // New machines' host keys are learnt on first contact; a changed key still stops the run.
        ansible_ssh_common_args: "-o StrictHostKeyChecking=accept-new -o ConnectTimeout=10",
        ...(model.kubernetes
          ? {
              // HLAB_KUBECONFIG as before; lib/ansible/plugins/lookup/env.py (v2.14.18): `default` since 2.13.
              hlab_kubeconfig: `{{ lookup('ansible.builtin.env', 'HLAB_KUBECONFIG', default=lookup('ansible.builtin.env', 'HOME') ~ '/.kube/${model.name}.yaml') }}`,
            }
          : {}),
      },
      children,
    },
  };
}
