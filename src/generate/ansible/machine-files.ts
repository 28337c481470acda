// Installing a machine's generated tree (nodes/<guest>/ or proxmox/<host>/) and loading what changed:
// the tasks and handlers phases 1 and 3 share. Which services a machine runs is read from its tree on
// the controller (`is file`), so the playbook never repeats a generator's decision.
//
// Modules, checked at ansible/ansible v2.14.18 (the ansible-core Debian 12 ships):
// - lib/ansible/modules/copy.py: `src` a folder ending in "/" copies its contents; `mode: preserve`
//   keeps each file's mode; folders it creates get the system default, existing ones are left as
//   they are (what `tar --no-overwrite-dir` did); check mode and `--diff` report per file.
// - lib/ansible/modules/systemd_service.py: `name`, `enabled`, `state` (reloaded, restarted, started).
// - lib/ansible/modules/command.py with the `changed_when` keyword: handlers run only on a change.
import type { SecretInstall } from "../../artifact/artifact.js";
import { REPO } from "./paths.js";
import { jinjaList, type Yaml } from "./yaml-file.js";

/** The play variable holding the machine's tree on the controller. */
export const TREE_VAR = "hlab_tree";
export const treeVars = (folder: "nodes" | "proxmox"): Yaml => ({
  [TREE_VAR]: `${REPO}/${folder}/{{ inventory_hostname }}`,
});

const inTree = (path: string): string => `(${TREE_VAR} ~ '${path}') is file`;
const WG_CONFS = `{{ query('ansible.builtin.fileglob', ${TREE_VAR} ~ '/etc/wireguard/*.conf') }}`;
const WG_UNIT = "wg-quick@{{ item | basename | splitext | first }}";

const H_SYSCTL = "Load sysctls";
const H_NFT = "Load hlab's nftables table";
const H_HAPROXY = "Reload haproxy";
const H_KEEPALIVED = "Restart keepalived";
const H_WG = "Restart WireGuard";
const H_IFRELOAD = "Reload the network bridges";

const reloads = (ifreload: boolean): string[] => [
  H_SYSCTL,
  H_NFT,
  H_HAPROXY,
  H_KEEPALIVED,
  H_WG,
  ...(ifreload ? [H_IFRELOAD] : []),
];

/**
 * Copies the tree onto /, installs the secrets its files use (`secrets`), then enables its services;
 * `ifreload` also reloads the host's bridges.
 */
export function machineFileTasks(opts: { ifreload?: boolean; secrets?: Yaml[] } = {}): Yaml[] {
  const notify = reloads(opts.ifreload ?? false);
  return [
    {
      name: "Install this machine's generated files",
      "ansible.builtin.copy": { src: `{{ ${TREE_VAR} }}/`, dest: "/", mode: "preserve" },
      when: `${TREE_VAR} is directory`,
      notify,
    },
    ...(opts.secrets ?? []).map((t) => ({ ...t, notify })),
    {
      // Not `systemctl restart nftables`: its stop step flushes the whole ruleset, including the
      // tables kube-proxy, flannel and the Proxmox firewall keep; the handler loads only the file.
      name: "Enable nftables at boot",
      "ansible.builtin.systemd_service": { name: "nftables", enabled: true },
      when: inTree("/etc/nftables.conf"),
      ...CHECK_MODE_TOLERANT,
    },
    {
      name: "Run haproxy",
      "ansible.builtin.systemd_service": { name: "haproxy", enabled: true, state: "started" },
      when: inTree("/etc/haproxy/haproxy.cfg"),
      ...CHECK_MODE_TOLERANT,
    },
    {
      name: "Run keepalived",
      "ansible.builtin.systemd_service": { name: "keepalived", enabled: true, state: "started" },
      when: inTree("/etc/keepalived/keepalived.conf"),
      ...CHECK_MODE_TOLERANT,
    },
    {
      name: "Run each WireGuard interface",
      "ansible.builtin.systemd_service": { name: WG_UNIT, enabled: true, state: "started" },
      loop: WG_CONFS,
      ...CHECK_MODE_TOLERANT,
    },
  ];
}

export function machineFileHandlers(opts: { ifreload?: boolean } = {}): Yaml[] {
  return [
    {
      name: H_SYSCTL,
      "ansible.builtin.command": { cmd: "sysctl --system" },
      changed_when: true,
    },
    {
      name: H_NFT,
      "ansible.builtin.command": { cmd: "nft -f /etc/nftables.conf" },
      changed_when: true,
      when: inTree("/etc/nftables.conf"),
    },
    {
      name: H_HAPROXY,
      "ansible.builtin.systemd_service": { name: "haproxy", state: "reloaded" },
      when: inTree("/etc/haproxy/haproxy.cfg"),
    },
    {
      name: H_KEEPALIVED,
      "ansible.builtin.systemd_service": { name: "keepalived", state: "restarted" },
      when: inTree("/etc/keepalived/keepalived.conf"),
    },
    {
      name: H_WG,
      "ansible.builtin.systemd_service": { name: WG_UNIT, state: "restarted" },
      loop: WG_CONFS,
    },
    ...(opts.ifreload
      ? [
          {
            name: H_IFRELOAD,
            "ansible.builtin.command": { cmd: "ifreload -a" },
            changed_when: true,
            when: inTree("/etc/network/interfaces"),
          },
        ]
      : []),
  ];
}

/**
 * The store's value as a Jinja expression: decrypted on the controller by community.sops's lookup
 * (ansible-collections/community.sops 1.6.2, plugins/lookup/sops.py: the whole decrypted file, found
 * through the search path, so an absolute path; no `extract` option at that tag), then read at the
 * same key path `sops -d --extract` takes, which is also Jinja subscript syntax (`["value"]`).
 */
export const sopsValue = (file: string, extract: string): string =>
  `{{ (${sopsLookup(file)} | from_yaml)${extract.replace(/"/g, "'")} }}`;
/** The decrypted store file, as a Jinja expression (inside one, so the repository is `playbook_dir`). */
export const sopsLookup = (file: string): string =>
  `lookup('community.sops.sops', playbook_dir ~ '/../${file}')`;

/**
 * A service started in check mode may not exist yet (its package or unit comes from a task that
 * check mode only reports): ansible-lint's ignore-errors rule allows exactly this form.
 */
export const CHECK_MODE_TOLERANT = { ignore_errors: "{{ ansible_check_mode }}" };

/** One task per stored secret: installed root-only on the machines whose files use it. */
export function secretTasks(installs: readonly SecretInstall[], kind: "guest" | "host"): Yaml[] {
  return installs.flatMap((i) => {
    const names = i.targets.filter((t) => t.kind === kind).map((t) => t.name);
    if (!names.length) return [];
    return [
      {
        name: `Install the secret ${i.name} as ${i.installPath}`,
        "ansible.builtin.copy": { content: sopsValue(i.file, i.extract), dest: i.installPath, mode: "0600" },
        no_log: true,
        when: `inventory_hostname in ${jinjaList(names)}`,
      },
    ];
  });
}
