import type { Generator } from "../artifact.js";

export const kubeVipGenerator: Generator = {
  name: "kube-vip",
  generate: () => [],
};
