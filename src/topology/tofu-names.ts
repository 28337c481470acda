// OpenTofu resource names, decided once: the OpenTofu generator names its resources with them and
// the change runbook targets them (`tofu apply -target=...`), so the two cannot drift apart.
import type { Guest } from "../model/model.js";

/** Resource names: letters, digits, '_' and '-', starting with a letter or '_'. */
export const tfName = (...parts: string[]): string => {
  const s = parts.join("_").replace(/[^A-Za-z0-9_-]/g, "_");
  return /^[A-Za-z_]/.test(s) ? s : `_${s}`;
};

/** The resource type a Proxmox guest is declared with. */
export const tofuGuestType = (g: Guest): string =>
  g.kind === "vm" ? "proxmox_virtual_environment_vm" : "proxmox_virtual_environment_container";

/** `type.name` of a guest's resource, what `-target` takes. */
export const tofuGuestAddress = (g: Guest): string => `${tofuGuestType(g)}.${tfName(g.name)}`;
