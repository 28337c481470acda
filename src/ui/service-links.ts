// Where each service of the spec is reached, as the build decides it: the URL from the cluster
// generator's ingress (serviceUrl) and the address its DNS record answers with (the DNS generator).
// Read, never recomputed, so a tile links to exactly what `hlab build` publishes.
import { serviceUrl } from "../generate/cluster/ingress.js";
import { dnsRecords } from "../generate/dns/dns.js";
import type { Model } from "../model/model.js";
import type { ServiceLink } from "./api-types.js";

export function serviceLinks(model: Model): ServiceLink[] {
  const records = new Map(dnsRecords(model).map((r) => [r.name, r.address]));
  return model.services.map((s) => {
    const url = serviceUrl(model, s);
    const address = s.hostname ? records.get(s.hostname) : undefined;
    return {
      name: s.name,
      ...(url ? { url } : {}),
      ...(s.hostname ? { hostname: s.hostname } : {}),
      ...(address ? { address } : {}),
      ...(s.target !== undefined ? { target: s.target } : {}),
    };
  });
}
