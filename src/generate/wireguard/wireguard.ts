import type { Generator } from "../artifact.js";

export const wireguardGenerator: Generator = {
  name: "wireguard",
  generate: () => [],
};
