import type { Generator } from "../artifact.js";

export const nftablesGenerator: Generator = {
  name: "nftables",
  generate: () => [],
};
