// metallb.io/v1beta1 IPAddressPool and L2Advertisement, from metallb config/crd/bases (v0.16).
import { anyValue, bool, closed, customResource, strings, type Schema } from "./structural-schema.js";

const poolSpec: Schema = closed(
  {
    addresses: { type: "array", items: { type: "string" }, minItems: 1 },
    autoAssign: bool,
    avoidBuggyIPs: bool,
    serviceAllocation: anyValue,
  },
  ["addresses"],
);

const l2Spec: Schema = closed(
  { ipAddressPools: strings, interfaces: strings },
  [],
  ["ipAddressPoolSelectors", "nodeSelectors", "preferredNodeSelectors", "serviceSelectors"],
);

export const ipAddressPool = customResource("metallb.io/v1beta1", "IPAddressPool", poolSpec, {
  namespaced: true,
  specRequired: true,
});
export const l2Advertisement = customResource("metallb.io/v1beta1", "L2Advertisement", l2Spec, {
  namespaced: true,
  specRequired: false,
});
