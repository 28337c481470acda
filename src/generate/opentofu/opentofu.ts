import type { Generator } from "../artifact.js";

export const opentofuGenerator: Generator = {
  name: "opentofu",
  generate: () => [],
};
