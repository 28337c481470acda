import type { Generator } from "../artifact.js";

export const repoReadmeGenerator: Generator = {
  name: "repo-readme",
  generate: () => [],
};
