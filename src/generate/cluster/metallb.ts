// MetalLB in layer-2 mode: the spec's pools as IPAddressPools, announced by ARP from whichever node the
// speakers elect. Bootstrapped by K3s (the ingress and DNS addresses come from these pools), then
// managed from Git.
import type { Model } from "../../model/model.js";
import { component, type Component } from "./component.js";
import { resources } from "./hardening.js";
import { kubeObject } from "./manifest.js";
import { fromApiServer, toApiServer } from "./network-policy.js";
import { findService, resourcesOf } from "./service-facts.js";
import { chartPin } from "./versions.js";

export const METALLB_NAMESPACE = "metallb-system";
const WEBHOOK_PORT = 9443;

export function metallbComponent(model: Model): Component | undefined {
  if (model.metallbPools.length === 0) return undefined;
  const svc = findService(model, "metallb");
  const res = resources(resourcesOf(svc, "metallb"));
  // The speakers run on the host network with NET_RAW to answer ARP.
  const c = component("metallb", METALLB_NAMESPACE, -3, "privileged");
  c.bootstrap = true;
  c.charts.push({
    pin: chartPin("metallb", svc?.version),
    values: { controller: { resources: res }, speaker: { resources: res, frr: { enabled: false } } },
  });
  const pools = model.metallbPools.map((p) =>
    kubeObject(
      "metallb.io/v1beta1",
      "IPAddressPool",
      { name: p.name, namespace: METALLB_NAMESPACE },
      {
        spec: { addresses: p.ranges.map((r) => r.text), autoAssign: p.autoAssign },
      },
    ),
  );
  const l2 = kubeObject(
    "metallb.io/v1beta1",
    "L2Advertisement",
    { name: "layer2", namespace: METALLB_NAMESPACE },
    {
      spec: { ipAddressPools: model.metallbPools.map((p) => p.name) },
    },
  );
  c.manifests["pools"] = [...pools, l2];
  c.network.push(fromApiServer(model, WEBHOOK_PORT), toApiServer(model));
  return c;
}
