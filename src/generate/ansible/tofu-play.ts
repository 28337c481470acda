// Phase 2: the VMs and containers, with OpenTofu on the controller. The plan is saved and applied
// only when it changes something (`-detailed-exitcode`: 0 nothing to do, 2 changes), so a rerun
// reports ok, and `--check` stops at the plan.
import { TOFU_DIR } from "../../artifact/repo-layout.js";
import { REPO } from "./paths.js";
import type { Yaml } from "./yaml-file.js";

const TOKEN = "TF_VAR_proxmox_api_token";

export function tofuPlays(): Yaml[] {
  const chdir = `-chdir=${REPO}/${TOFU_DIR}`;
  return [
    {
      name: "VMs and containers on Proxmox VE, with OpenTofu",
      hosts: "localhost",
      connection: "local",
      gather_facts: false,
      tasks: [
        {
          name: `Check that ${TOKEN} is set`,
          "ansible.builtin.assert": {
            that: [`lookup('ansible.builtin.env', '${TOKEN}') | length > 0`],
            fail_msg: `export ${TOKEN}='user@pam!token-id=secret' (an API token), then run again`,
          },
        },
        {
          name: "Initialise OpenTofu (providers at the pinned versions)",
          "ansible.builtin.command": { cmd: `tofu "${chdir}" init -input=false` },
          changed_when: false,
          check_mode: false,
        },
        {
          name: "Plan",
          "ansible.builtin.command": {
            cmd: `tofu "${chdir}" plan -input=false -detailed-exitcode -out=hlab.tfplan`,
          },
          register: "hlab_tofu_plan",
          changed_when: "hlab_tofu_plan.rc == 2",
          failed_when: "hlab_tofu_plan.rc not in [0, 2]",
          check_mode: false,
        },
        {
          name: "Apply the saved plan",
          "ansible.builtin.command": { cmd: `tofu "${chdir}" apply -input=false hlab.tfplan` },
          changed_when: true,
          when: "hlab_tofu_plan.rc == 2",
        },
      ],
    },
  ];
}
