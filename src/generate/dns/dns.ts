import type { Generator } from "../artifact.js";

export const dnsGenerator: Generator = {
  name: "dns",
  generate: () => [],
};
