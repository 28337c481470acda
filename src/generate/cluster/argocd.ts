// Argo CD itself: bootstrapped by K3s' Helm controller, then managed from Git like everything else.
// With more than one replica it runs its HA layout (redis-ha over three nodes, two API servers, two
// repo servers), each spread over physical hosts.
import type { Model } from "../../model/model.js";
import { component, type Component, type Workload } from "./component.js";
import { ARGOCD_NAMESPACE } from "./app-of-apps.js";
import { gitServer } from "./git-repo.js";
import { resources, zoneSpread } from "./hardening.js";
import { kubernetesNodes } from "./placement.js";
import { toApiServer, toInternet, toNamespace } from "./network-policy.js";
import { findService, hostnameOf, resourcesOf, serviceNamespace } from "./service-facts.js";
import { chartPin } from "./versions.js";

const RELEASE = "argocd";

/**
 * Argo CD judges no Application's health since 1.8, so a parent app would not wait for a child of a
 * lower sync wave and the waves of cluster/apps/ would order nothing. This restores the check, as
 * argoproj/argo-cd v3.4.4 docs/operator-manual/health.md ("Argocd App") gives it; the argo-cd chart
 * (argo-helm tag argo-cd-10.1.1, templates/argocd-configs/argocd-cm.yaml) writes `configs.cm` keys
 * into argocd-cm.
 */
export const APPLICATION_HEALTH_KEY = "resource.customizations.health.argoproj.io_Application";
const APPLICATION_HEALTH_LUA = [
  "hs = {}",
  'hs.status = "Progressing"',
  'hs.message = ""',
  "if obj.status ~= nil then",
  "  if obj.status.health ~= nil then",
  "    hs.status = obj.status.health.status",
  "    if obj.status.health.message ~= nil then",
  "      hs.message = obj.status.health.message",
  "    end",
  "  end",
  "end",
  "return hs",
  "",
].join("\n");
const SERVER_PORT = 8080;

const workload = (part: string, replicas: number): Workload => ({
  name: `argocd-${part}`,
  selector: { "app.kubernetes.io/name": `argocd-${part}`, "app.kubernetes.io/instance": RELEASE },
  replicas,
});

export function argocdComponent(model: Model): Component {
  const svc = findService(model, "argocd");
  const replicas = svc?.replicas ?? 2;
  // redis-ha places its three members on three different nodes, hard.
  const ha = replicas > 1 && kubernetesNodes(model).length >= 3;
  const scaled = ha ? replicas : 1;
  const res = resources(resourcesOf(svc, "argocd"));
  const host = hostnameOf(model, svc, "argocd");
  const git = gitServer(model);
  const c = component("argocd", ARGOCD_NAMESPACE, -3, "baseline");
  const workloads = [
    workload("server", scaled),
    workload("repo-server", scaled),
    workload("applicationset-controller", scaled),
  ];
  const part = (w: Workload): Record<string, unknown> => ({
    replicas: w.replicas,
    resources: res,
    topologySpreadConstraints: zoneSpread(w.selector),
  });

  c.bootstrap = true;
  c.workloads = workloads;
  c.charts.push({
    pin: chartPin("argo-cd", svc?.version),
    releaseName: RELEASE,
    values: {
      global: { ...(host ? { domain: host } : {}) },
      configs: {
        // TLS ends at Traefik; the API server speaks plain HTTP inside the cluster.
        params: { "server.insecure": true },
        cm: { [APPLICATION_HEALTH_KEY]: APPLICATION_HEALTH_LUA },
      },
      dex: { enabled: false },
      controller: { replicas: 1, resources: res },
      server: part(workloads[0]!),
      repoServer: part(workloads[1]!),
      applicationSet: part(workloads[2]!),
      "redis-ha": { enabled: ha },
    },
  });
  if (host)
    c.web.push({ name: "argocd", host, service: "argocd-server", servicePort: 80, podPort: SERVER_PORT });
  c.network.push(
    toApiServer(model),
    toInternet([{ port: 443, protocol: "TCP" }], "Helm repositories and OCI registries"),
    ...(git ? [toNamespace(serviceNamespace(git), [3000], "the Git server")] : []),
  );
  return c;
}
