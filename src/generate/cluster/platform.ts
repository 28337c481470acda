// Which components a lab gets. The spec's services decide the applications; the platform they stand on
// is added whenever it is needed, listed or not: Argo CD (it delivers everything), cert-manager (every
// UI is served over TLS), MetalLB when there are pools, Longhorn when it is the StorageClass, the
// CloudNativePG operator when there is a database. Traefik is hlab's when the spec lists it, else
// K3s' bundled one serves (the K3s configs disable it exactly when the spec lists it).
import type { Model } from "../../model/model.js";
import type { SecretRequest } from "../../artifact/artifact.js";
import { adguardComponent, adguardSecrets } from "./adguard.js";
import { argocdComponent } from "./argocd.js";
import { certManagerComponent } from "./cert-manager.js";
import { cnpgDatabases, cnpgOperatorComponent, databaseNamespace, databaseParts } from "./cnpg.js";
import { component, type Component } from "./component.js";
import { gitServerComponent, gitServerSecrets } from "./git-server.js";
import { longhornComponent } from "./longhorn.js";
import { lokiComponent } from "./loki.js";
import { metallbComponent } from "./metallb.js";
import { grafanaAdminSecret, monitoringComponent, prometheusCrdsComponent } from "./monitoring.js";
import { findService, installsTraefik } from "./service-facts.js";
import { traefikComponent } from "./traefik.js";
import { userAppComponent, userApps } from "./user-app.js";
import { vaultwardenComponent, vaultwardenSecrets } from "./vaultwarden.js";

const present = (c: Component | undefined): c is Component => c !== undefined;

/** Each database goes with the first service that uses it, or into an Application of its own. */
function attachDatabases(model: Model, components: Component[]): Component[] {
  const extra: Component[] = [];
  for (const db of cnpgDatabases(model)) {
    const parts = databaseParts(model, db);
    const consumer = model.services
      .filter((s) => s.database === db.name)
      .map((s) => s.name)
      .sort()[0];
    const owner = components.find((c) => c.name === consumer);
    const target = owner ?? component(`db-${db.name}`, databaseNamespace(model, db), 1, "baseline");
    target.manifests[`database-${db.name}`] = parts.objects;
    target.network.push(...parts.network);
    if (!owner) extra.push(target);
  }
  return [...components, ...extra];
}

/** Every component of the lab, in sync-wave order then by name. Empty without a Kubernetes cluster. */
export function platformComponents(model: Model): Component[] {
  if (!model.kubernetes) return [];
  const base = [
    argocdComponent(model),
    metallbComponent(model),
    longhornComponent(model),
    certManagerComponent(model),
    installsTraefik(model) ? traefikComponent(model) : undefined,
    cnpgOperatorComponent(model),
    prometheusCrdsComponent(model),
    monitoringComponent(model),
    lokiComponent(model),
    gitServerComponent(model),
    vaultwardenComponent(model),
    ...userApps(model).map((s) => userAppComponent(model, s)),
  ].filter(present);
  const withDatabases = attachDatabases(model, base);
  const hosts = withDatabases.flatMap((c) => c.web.map((w) => w.host));
  const adguard = adguardComponent(model, hosts);
  const all = adguard ? [...withDatabases, adguard] : withDatabases;
  return all.sort((a, b) => a.wave - b.wave || a.name.localeCompare(b.name));
}

/** The secrets the platform needs; the encrypted store creates them, manifests name them. */
export function platformSecrets(model: Model): SecretRequest[] {
  if (!model.kubernetes) return [];
  return [
    ...gitServerSecrets(model),
    ...(findService(model, "grafana") ? [grafanaAdminSecret()] : []),
    ...vaultwardenSecrets(model),
    ...adguardSecrets(model),
  ];
}
