import type { Generator } from "../artifact.js";

export const clusterGenerator: Generator = {
  name: "cluster",
  generate: () => [],
};
