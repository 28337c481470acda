import type { Generator } from "../artifact.js";

export const k3sGenerator: Generator = {
  name: "k3s",
  generate: () => [],
};
