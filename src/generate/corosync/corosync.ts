import type { Generator } from "../artifact.js";

export const corosyncGenerator: Generator = {
  name: "corosync",
  generate: () => [],
};
