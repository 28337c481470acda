// Phase 1: the Proxmox VE hosts' own files, loaded; the cluster created on the first host and joined
// by the others one at a time; the QDevice; snippets allowed on the storage OpenTofu uploads to.
//
// proxmox/pve-cluster src/PVE/CLI/pvecm.pm (master, 2026-11): `create` and `add` refuse to run when
// /etc/pve/corosync.conf exists (the file every member has once joined), hence `creates:`; `add`
// reads the first host's root password from the terminal ("Please enter superuser (root) password
// for '<host>': ") and, with no --fingerprint, asks to accept the API certificate's fingerprint;
// `qdevice setup` copies its SSH key to the QNetd host with ssh-copy-id (that host's password).
// ansible/ansible v2.14.18 lib/ansible/modules/expect.py answers them (`command`, `responses` as
// regular expressions, `creates`, `timeout`; needs pexpect on the host, installed first).
import type { Model } from "../../model/model.js";
import { clusterLayout } from "../corosync/cluster-layout.js";
import { PROXMOX_BOOTSTRAP_FILE as BOOTSTRAP_FILE } from "../../artifact/repo-layout.js";
import { shellQuote as q } from "../../util/shell-quote.js";
import { hostAddress } from "./inventory.js";
import { machineFileHandlers, machineFileTasks, treeVars } from "./machine-files.js";
import { jinjaList, type Yaml } from "./yaml-file.js";

const COROSYNC_CONF = "/etc/pve/corosync.conf";

const PEXPECT: Yaml = {
  name: "Install pexpect, which ansible.builtin.expect needs",
  "ansible.builtin.apt": { name: "python3-pexpect", state: "present" },
};

export function proxmoxPlays(model: Model): Yaml[] {
  const px = model.proxmox!;
  const plays: Yaml[] = [
    {
      name: "Proxmox hosts: their generated files (network, firewall), loaded",
      hosts: "proxmox",
      gather_facts: false,
      vars: treeVars("proxmox"),
      tasks: machineFileTasks({ ifreload: true }),
      handlers: machineFileHandlers({ ifreload: true }),
    },
  ];
  const layout = clusterLayout(model);
  if (layout) {
    const [first, ...rest] = layout.nodes;
    const links = (rings: (string | undefined)[]): string =>
      rings.flatMap((a, i) => (a ? [`--link${i} ${q(a)}`] : [])).join(" ");
    const firstAddr = first!.rings.find((a) => a) ?? hostAddress(model, first!.name);
    plays.push({
      name: `Create the cluster ${layout.name} on ${first!.name}`,
      hosts: first!.name,
      gather_facts: false,
      tasks: [
        {
          name: `Create cluster ${layout.name}`,
          "ansible.builtin.command": {
            cmd: `pvecm create ${q(layout.name)} ${links(first!.rings)}`,
            creates: COROSYNC_CONF,
          },
        },
      ],
    });
    if (rest.length)
      plays.push({
        name: `Join ${rest.map((n) => n.name).join(", ")} to ${layout.name}, one at a time`,
        hosts: rest.map((n) => n.name).join(":"),
        serial: 1,
        gather_facts: false,
        vars_prompt: [
          {
            name: "hlab_pve_root_password",
            prompt: `root password of ${first!.name}, which pvecm add asks for (Enter if every host has joined)`,
            private: true,
          },
        ],
        tasks: [
          PEXPECT,
          ...rest.map((nd) => ({
            name: `Join ${nd.name} as node ${nd.nodeid}`,
            "ansible.builtin.expect": {
              command: `pvecm add ${q(firstAddr)} ${links(nd.rings)} --nodeid ${nd.nodeid}`,
              creates: COROSYNC_CONF,
              responses: {
                "superuser \\(root\\) password": "{{ hlab_pve_root_password }}",
                // The certificate of a host this playbook just installed, on the cluster's own link.
                "continue connecting \\(yes/no\\)": "yes",
              },
              timeout: 600,
            },
            no_log: true,
            when: `inventory_hostname == '${nd.name}'`,
          })),
        ],
      });
    const device = layout.quorum.device;
    if (device) {
      // An odd node count (lms) needs --force: proxmox/pve-cluster src/PVE/CLI/pvecm.pm.
      const force = device.algorithm === "lms" ? " --force" : "";
      plays.push({
        name: `Add the QDevice ${device.address} to ${layout.name}`,
        hosts: first!.name,
        gather_facts: false,
        vars_prompt: [
          {
            name: "hlab_qnetd_root_password",
            prompt: `root password of the QNetd host ${device.address} (Enter if the QDevice is set up)`,
            private: true,
          },
        ],
        tasks: [
          PEXPECT,
          {
            name: "Read the cluster's quorum status",
            "ansible.builtin.command": { cmd: "pvecm status" },
            register: "hlab_pvecm_status",
            changed_when: false,
            check_mode: false,
          },
          {
            name: `Set up the QDevice on ${device.address}`,
            "ansible.builtin.expect": {
              command: `pvecm qdevice setup ${q(device.address)}${force}`,
              responses: {
                "password:": "{{ hlab_qnetd_root_password }}",
                "continue connecting \\(yes/no": "yes",
              },
              timeout: 600,
            },
            no_log: true,
            when: "'Qdevice' not in hlab_pvecm_status.stdout",
          },
        ],
      });
    }
  }
  const snippets = px.storage.find((s) => s.content.includes("snippets"));
  const storage = snippets?.name ?? "local";
  const content = (snippets ? snippets.content : ["iso", "vztmpl", "backup", "snippets"]).join(",");
  const sorted = content.split(",").sort();
  plays.push({
    name: "Allow snippets on the storage OpenTofu uploads cloud-init files to",
    hosts: px.nodes[0]!,
    gather_facts: false,
    tasks: [
      {
        name: `Read storage ${storage}`,
        "ansible.builtin.command": { cmd: `pvesh get /storage/${storage} --output-format json` },
        register: "hlab_storage",
        changed_when: false,
        check_mode: false,
      },
      {
        name: `Set the content types of ${storage}`,
        "ansible.builtin.command": { cmd: `pvesm set ${q(storage)} --content ${q(content)}` },
        changed_when: true,
        when: `(hlab_storage.stdout | from_json).content.split(',') | sort != ${jinjaList(sorted)}`,
      },
      ...(layout
        ? [
            {
              name: "Say what is left",
              "ansible.builtin.debug": {
                msg: `Cluster formed. Last step: install the generated corosync.conf as ${BOOTSTRAP_FILE} explains.`,
              },
            },
          ]
        : []),
    ],
  });
  return plays;
}
