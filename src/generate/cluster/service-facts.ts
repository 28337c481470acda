// What the generators ask of a spec service: its namespace, its resources, and whether the spec lists
// a catalogue entry at all. Services the spec pins to guests (`on`) run outside Kubernetes.
import { CATALOG } from "../../model/catalog.js";
import type { CatalogName, Model, Service } from "../../model/model.js";
import type { ResourceFigures } from "./hardening.js";

/** Catalogue services live in the catalogue's namespace; a user app gets a namespace of its own. */
export const serviceNamespace = (s: Service): string => (s.catalog ? CATALOG[s.catalog].namespace : s.name);

export const inCluster = (s: Service): boolean => s.on.length === 0;

export function findService(model: Model, catalog: CatalogName): Service | undefined {
  return model.services.find((s) => s.catalog === catalog && inCluster(s));
}

/** The catalogue's figures for the service's entry (or for `fallback` when the spec does not list it). */
export const resourcesOf = (s: Service | undefined, fallback: CatalogName): ResourceFigures =>
  CATALOG[s?.catalog ?? fallback];

/** The host name a catalogue UI gets when the spec does not list the service (platform pieces hlab adds). */
export function hostnameOf(model: Model, s: Service | undefined, catalog: CatalogName): string | undefined {
  if (s) return s.hostname;
  const prefix = CATALOG[catalog].hostname;
  return prefix ? `${prefix}.${model.dns.domain}` : undefined;
}

/** Prometheus runs (and its operator's CRDs exist): charts may ship ServiceMonitors and rules. */
export const monitoringEnabled = (model: Model): boolean => findService(model, "prometheus") !== undefined;

/**
 * hlab installs its own pinned Traefik when the spec lists it (and K3s then runs without its bundled
 * one); otherwise K3s' bundled Traefik in kube-system serves the Ingresses.
 */
export const installsTraefik = (model: Model): boolean => findService(model, "traefik") !== undefined;
