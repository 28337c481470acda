// Where things sit in a generated repository, named once: a generator that points at another's file
// (OpenTofu at the cloud-init snippets, the README at the bootstrap folder) reads the path here
// rather than importing the other generator.
export const TOFU_DIR = "tofu";
export const BOOTSTRAP_DIR = "cluster/bootstrap";
/** Proxmox's cluster set-up steps, one file for every host. */
export const PROXMOX_BOOTSTRAP_FILE = "proxmox/bootstrap.md";
export const userDataPath = (guest: string): string => `cloud-init/${guest}/user-data.yaml`;
export const networkConfigPath = (guest: string): string => `cloud-init/${guest}/network-config.yaml`;
