import type { Generator } from "../artifact.js";

export const haproxyGenerator: Generator = {
  name: "haproxy",
  generate: () => [],
};
