// Where the Ansible files of a generated repository live, and how a phase's playbook is run. The
// playbooks find the rest of the repository from their own folder (`{{ playbook_dir }}/..`), so they
// run from any working directory.
export const ANSIBLE_DIR = "ansible";
export const INVENTORY = `${ANSIBLE_DIR}/inventory.yml`;
export const REQUIREMENTS = `${ANSIBLE_DIR}/requirements.yml`;
/** The repository root as a playbook sees it. */
export const REPO = "{{ playbook_dir }}/..";

export const playbookPath = (n: number, name: string): string => `${ANSIBLE_DIR}/${n}-${name}.yml`;
export const playbookCommand = (path: string): string => `ansible-playbook -i ${INVENTORY} ${path}`;

/** The collections the playbooks use, pinned in the versions file. */
export { ANSIBLE_COLLECTIONS as COLLECTIONS } from "../../model/versions.js";
