// The Proxmox VE cluster layer: corosync.conf (once, the same on every node) and the pvecm bootstrap
// guide. Nothing is generated for fewer than two Proxmox nodes.
import type { GeneratedFile, Generator } from "../../artifact/artifact.js";
import type { Model } from "../../model/model.js";
import { bootstrapDoc } from "./bootstrap-doc.js";
import { clusterLayout } from "./cluster-layout.js";
import { corosyncConfig } from "./corosync-config.js";
import { PROXMOX_BOOTSTRAP_FILE } from "../../artifact/repo-layout.js";
import { COROSYNC_FILE } from "./paths.js";

export const corosyncGenerator: Generator = {
  name: "corosync",
  generate(model: Model): GeneratedFile[] {
    const layout = clusterLayout(model);
    if (!layout) return [];
    return [
      { path: COROSYNC_FILE, content: corosyncConfig(model, layout) },
      { path: PROXMOX_BOOTSTRAP_FILE, content: bootstrapDoc(model, layout) },
    ];
  },
};
