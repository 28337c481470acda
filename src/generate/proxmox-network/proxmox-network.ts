import type { Generator } from "../artifact.js";

export const proxmoxNetworkGenerator: Generator = {
  name: "proxmox-network",
  generate: () => [],
};
