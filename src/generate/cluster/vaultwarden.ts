// Vaultwarden: sign-ups closed (accounts come by invitation from the admin page), the admin token from
// the encrypted store, the vault on a replicated volume, or in PostgreSQL when the spec gives it one.
import type { Model } from "../../model/model.js";
import type { SecretRequest } from "../../artifact/artifact.js";
import { appSecret } from "./cnpg.js";
import { component, type Component } from "./component.js";
import { nodeDownTolerations, resources, zoneAntiAffinity } from "./hardening.js";
import { fitsOnePerZone } from "./placement.js";
import { toInternet } from "./network-policy.js";
import { findService, resourcesOf, serviceNamespace } from "./service-facts.js";
import { chartPin } from "./versions.js";

const POD_PORT = 8080;

export function vaultwardenSecrets(model: Model): SecretRequest[] {
  const svc = findService(model, "vaultwarden");
  if (!svc) return [];
  return [
    {
      name: "vaultwarden-admin-token",
      kind: "token",
      description: "Vaultwarden's admin page token",
      kubernetes: { namespace: serviceNamespace(svc), name: `${svc.name}-admin`, key: "token" },
    },
  ];
}

export function vaultwardenComponent(model: Model): Component | undefined {
  const svc = findService(model, "vaultwarden");
  if (!svc) return undefined;
  const host = svc.hostname ?? `vault.${model.dns.domain}`;
  const db = model.databases.find((d) => d.name === svc.database && d.engine === "cloudnative-pg");
  const c = component(svc.name, serviceNamespace(svc), 0, "baseline");
  const replicas = db ? svc.replicas : 1;
  const selector = { "app.kubernetes.io/name": "vaultwarden", "app.kubernetes.io/instance": svc.name };
  c.workloads = [{ name: svc.name, selector, replicas }];
  c.charts.push({
    pin: chartPin("vaultwarden", svc.version),
    values: {
      // SQLite allows one writer: more replicas only with PostgreSQL.
      replicas,
      ...(replicas > 1 ? { affinity: zoneAntiAffinity(selector, fitsOnePerZone(model, replicas)) } : {}),
      domain: `https://${host}`,
      signupsAllowed: false,
      adminToken: { existingSecret: `${svc.name}-admin`, existingSecretKey: "token" },
      storage: {
        data: {
          name: `${svc.name}-data`,
          size: `${Math.max(1, svc.persistenceGiB)}Gi`,
          class: model.storage.class,
          path: "/data",
          keepPvc: true,
          accessMode: "ReadWriteOnce",
        },
      },
      database: db
        ? { type: "postgresql", existingSecret: appSecret(db), existingSecretKey: "uri" }
        : { type: "default" },
      resources: resources(resourcesOf(svc, "vaultwarden")),
      tolerations: nodeDownTolerations(model),
    },
  });
  c.secrets.push(...vaultwardenSecrets(model));
  c.web.push({ name: svc.name, host, service: svc.name, servicePort: 80, podPort: POD_PORT });
  c.network.push(toInternet([{ port: 443, protocol: "TCP" }], "icons and push notifications"));
  return c;
}
