// Phase 3: every guest gets its packages, its generated files and its secrets; then K3s starts in
// order: the server that initialises etcd, the VIP (kube-vip) before anyone joins through it, the
// other servers one at a time, the agents; last, the operator's kubeconfig.
//
// Modules, checked at ansible/ansible v2.14.18: lib/ansible/modules/get_url.py (`checksum:
// sha256:<url>` downloads the checksum file and takes the line naming the URL's basename, which is
// how the K3s release's sha256sum-<arch>.txt lists its binaries; an existing file that matches is not
// fetched again), command.py (`creates`), wait_for_connection.py (`timeout`), apt.py (`name`,
// `update_cache`, `cache_valid_time`), slurp.py, file.py; the `until`/`retries`/`delay` keywords.
import type { GenerateContext } from "../../artifact/artifact.js";
import type { Model } from "../../model/model.js";
import { kubeVipApi } from "../../topology/vips.js";
import { k3sNodes, type K3sNode } from "../../topology/k3s-nodes.js";
import {
  CHECK_MODE_TOLERANT,
  machineFileHandlers,
  machineFileTasks,
  secretTasks,
  treeVars,
} from "./machine-files.js";
import type { Yaml } from "./yaml-file.js";

const H_MODULES = "Load kernel modules";

/** The OS setup cloud-init does for a VM: here for containers and bare metal (`hlab_os`). */
const OS_SETUP: Yaml[] = [
  {
    name: "Wait until cloud-init has finished (VMs)",
    "ansible.builtin.command": { cmd: "cloud-init status --wait" },
    changed_when: false,
    failed_when: false,
    check_mode: false,
    when: "hlab_kind == 'vm'",
  },
  {
    name: "Install the packages cloud-init installs on a VM",
    "ansible.builtin.apt": { name: "{{ hlab_os.packages }}", update_cache: true, cache_valid_time: 3600 },
    when: "hlab_os is defined",
  },
  {
    name: "Write the sysctls",
    "ansible.builtin.copy": {
      content: "{{ hlab_os.sysctl }}",
      dest: "/etc/sysctl.d/90-hlab.conf",
      mode: "0644",
    },
    when: "hlab_os.sysctl is defined",
    notify: ["Load sysctls"],
  },
  {
    name: "Load the kernel modules at boot",
    "ansible.builtin.copy": {
      content: "{{ hlab_os.modules }}",
      dest: "/etc/modules-load.d/hlab.conf",
      mode: "0644",
    },
    when: "hlab_os.modules is defined",
    notify: [H_MODULES],
  },
  {
    name: "Run the services cloud-init enables on a VM",
    "ansible.builtin.systemd_service": { name: "{{ item }}", enabled: true, state: "started" },
    ...CHECK_MODE_TOLERANT,
    loop: "{{ hlab_os.services }}",
    when: "hlab_os is defined",
  },
];

const installK3s = (): Yaml[] => [
  {
    name: "Download the pinned K3s binary, checked against the release's sha256sum file",
    "ansible.builtin.get_url": {
      url: "{{ hlab_k3s_binary_url }}",
      checksum: "sha256:{{ hlab_k3s_checksums_url }}",
      dest: "/usr/local/bin/k3s",
      mode: "0755",
    },
  },
  {
    name: "Download install.sh of the same release",
    "ansible.builtin.get_url": {
      url: "{{ hlab_k3s_install_url }}",
      dest: "/usr/local/bin/hlab-k3s-install.sh",
      mode: "0755",
    },
  },
  {
    // The units only (no download, no enable, no start): the service starts below, in order.
    name: "Write the K3s units with that install.sh",
    "ansible.builtin.command": {
      cmd: "/usr/local/bin/hlab-k3s-install.sh",
      creates: "/etc/systemd/system/{{ hlab_k3s_service }}.service",
    },
    environment: "{{ hlab_k3s_install_env }}",
  },
  {
    name: "Start K3s",
    "ansible.builtin.systemd_service": { name: "{{ hlab_k3s_service }}", enabled: true, state: "started" },
    ...CHECK_MODE_TOLERANT,
  },
];

const waitNode = (first: string): Yaml => ({
  name: "Wait until this node has registered and is Ready",
  "ansible.builtin.command": {
    cmd: "k3s kubectl wait --for=condition=Ready node/{{ inventory_hostname }} --timeout=60s",
  },
  delegate_to: first,
  register: "hlab_node",
  until: "hlab_node.rc == 0",
  retries: 20,
  delay: 10,
  changed_when: false,
});

function guestPlays(model: Model, ctx: GenerateContext): Yaml[] {
  const installs = ctx.secretInstalls ?? [];
  const plays: Yaml[] = [];
  if (model.guests.length)
    plays.push({
      // All guests at once: the load balancers and the VPN are ready before any server joins.
      name: "Guests: packages, generated files and secrets",
      hosts: "guests",
      gather_facts: false,
      vars: treeVars("nodes"),
      tasks: [
        {
          name: "Wait until the guest answers on SSH",
          "ansible.builtin.wait_for_connection": { timeout: 600 },
        },
        ...OS_SETUP,
        ...machineFileTasks({ secrets: secretTasks(installs, "guest") }),
      ],
      handlers: [
        ...machineFileHandlers(),
        {
          name: H_MODULES,
          "ansible.builtin.systemd_service": { name: "systemd-modules-load", state: "restarted" },
        },
      ],
    });
  const hostSecrets = secretTasks(installs, "host");
  if (hostSecrets.length && model.proxmox?.nodes.length)
    plays.push({
      name: "Proxmox hosts: the secrets their files use",
      hosts: "proxmox",
      gather_facts: false,
      tasks: hostSecrets,
    });
  return plays;
}

function startPlay(
  name: string,
  nodes: readonly K3sNode[],
  first: string,
  serial: boolean,
  extra: Yaml[] = [],
): Yaml {
  return {
    name,
    hosts: nodes.map((n) => n.guest.name).join(":"),
    ...(serial ? { serial: 1 } : {}),
    gather_facts: false,
    tasks: [...installK3s(), waitNode(first), ...extra],
  };
}

export function k3sPlays(model: Model, ctx: GenerateContext): Yaml[] {
  const k8s = model.kubernetes!;
  const nodes = k3sNodes(model);
  const servers = nodes.filter((n) => n.role === "server");
  const agents = nodes.filter((n) => n.role === "agent");
  const [first, ...others] = servers;
  const firstName = first!.guest.name;
  const kubeVip = kubeVipApi(model);
  const vipWait: Yaml[] = kubeVip
    ? [
        {
          // kube-vip runs from the server's manifests; servers join through the VIP it holds.
          name: `Wait until kube-vip holds the API VIP ${kubeVip.address}`,
          "ansible.builtin.command": { cmd: "ip -o -4 addr show" },
          register: "hlab_addresses",
          until: `' ${kubeVip.address}/' in hlab_addresses.stdout`,
          retries: 60,
          delay: 5,
          changed_when: false,
        },
      ]
    : [];
  const plays = [
    ...guestPlays(model, ctx),
    startPlay(
      `K3s: ${firstName} first${first!.initialises ? " (it initialises embedded etcd)" : ""}`,
      [first!],
      firstName,
      false,
      vipWait,
    ),
  ];
  if (others.length)
    plays.push(
      startPlay(
        `K3s: the other servers, one at a time, joining through ${k8s.api.endpoint}`,
        others,
        firstName,
        true,
      ),
    );
  if (agents.length) plays.push(startPlay("K3s: the agents", agents, firstName, false));
  plays.push({
    name: "Your kubeconfig, pointing at the API endpoint rather than at one server",
    hosts: firstName,
    gather_facts: false,
    tasks: [
      {
        name: "Read the server's kubeconfig",
        "ansible.builtin.slurp": { src: "/etc/rancher/k3s/k3s.yaml" },
        register: "hlab_k3s_yaml",
      },
      {
        name: "Make the kubeconfig's folder",
        "ansible.builtin.file": { path: "{{ hlab_kubeconfig | dirname }}", state: "directory", mode: "0700" },
        delegate_to: "localhost",
        become: false,
      },
      {
        name: "Write the kubeconfig",
        "ansible.builtin.copy": {
          content: `{{ hlab_k3s_yaml.content | b64decode | replace('127.0.0.1', '${k8s.api.endpoint}') }}`,
          dest: "{{ hlab_kubeconfig }}",
          mode: "0600",
        },
        delegate_to: "localhost",
        become: false,
        no_log: true,
      },
      {
        name: "Say where it is",
        "ansible.builtin.debug": { msg: "K3s is up. export KUBECONFIG={{ hlab_kubeconfig }}" },
      },
    ],
  });
  return plays;
}
