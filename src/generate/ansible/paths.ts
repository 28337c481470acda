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

/**
 * The collections the playbooks use beyond ansible-core 2.14, pinned at the versions Debian 12's
 * `ansible` 7.7.0 package ships (/usr/lib/python3/dist-packages/ansible_collections/<ns>/<name>/
 * MANIFEST.json), which is what the tests run ansible-lint against. Every argument used is checked
 * against these tags: ansible-collections/community.sops 1.6.2, kubernetes/kubernetes.core 2.4.0.
 */
export const COLLECTIONS = [
  { name: "community.sops", version: "1.6.2" },
  { name: "kubernetes.core", version: "2.4.0" },
] as const;
