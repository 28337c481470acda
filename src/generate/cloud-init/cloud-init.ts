import type { Generator } from "../artifact.js";

export const cloudInitGenerator: Generator = {
  name: "cloud-init",
  generate: () => [],
};
