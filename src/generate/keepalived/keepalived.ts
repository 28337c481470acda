import type { Generator } from "../artifact.js";

export const keepalivedGenerator: Generator = {
  name: "keepalived",
  generate: () => [],
};
