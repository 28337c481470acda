// AdGuard Home, from plain manifests (no well-established chart). Its configuration is declared here
// and copied into each pod at start, so every replica answers the same and none keeps state a failover
// could lose: a rewrite sends every service host name to the ingress address, and the UI's admin
// password is hashed inside the cluster from the encrypted store.
import { createHash } from "node:crypto";
import type { Model } from "../../model/model.js";
import type { SecretRequest } from "../../artifact/artifact.js";
import { intToIp } from "../../model/ip.js";
import { component, type Component } from "./component.js";
import { nodeDownTolerations, probes, resources, tcpAction, zoneSpread } from "./hardening.js";
import { kubeObject, sortedRecord, toYaml, type KubeObject } from "./manifest.js";
import { fromAnywhere, toInternet } from "./network-policy.js";
import { findService, resourcesOf, serviceNamespace } from "./service-facts.js";
import { imageRef } from "./versions.js";

const WEB_PORT = 3000;
const DNS_PORT = 53;
const CONFIG_DIR = "/opt/adguardhome/conf";
const HASH_PLACEHOLDER = "__ADMIN_PASSWORD_BCRYPT__";
/** AdGuard Home's configuration schema of the pinned release (v0.107.79). */
const SCHEMA_VERSION = 34;

export function adguardSecrets(model: Model): SecretRequest[] {
  const svc = findService(model, "adguard-home");
  if (!svc) return [];
  return [
    {
      name: "adguard-admin",
      kind: "password",
      description: "AdGuard Home admin password (user `admin`)",
      kubernetes: { namespace: serviceNamespace(svc), name: `${svc.name}-admin`, key: "password" },
    },
  ];
}

/**
 * The DNS address clients are given: the last address of the first MetalLB pool, so it stays put while
 * services take addresses from the bottom of the pool. Without MetalLB, DNS answers on every node.
 */
export function dnsServiceAddress(model: Model): string | undefined {
  const pool = model.metallbPools[0];
  if (!pool) return undefined;
  const range = pool.ranges[pool.ranges.length - 1]!;
  const last = intToIp(range.last);
  return last === model.kubernetes?.ingress.address ? intToIp(range.last - 1) : last;
}

/** Every host name the lab serves, answered locally: web UIs to the ingress, the API to its endpoint. */
export function rewrites(
  model: Model,
  webHosts: readonly string[],
): { domain: string; answer: string; enabled: boolean }[] {
  const k = model.kubernetes;
  const answers: Record<string, string> = {};
  const ingress = k?.ingress.address;
  if (ingress) for (const h of webHosts) answers[h] = ingress;
  if (k) answers[k.api.hostname] = k.api.endpoint;
  for (const r of model.dns.records) answers[r.name] = r.address;
  return Object.entries(sortedRecord(answers)).map(([domain, answer]) => ({ domain, answer, enabled: true }));
}

function configText(model: Model, webHosts: readonly string[]): string {
  const upstream = model.networks.find((n) => n.dns.length > 0)?.dns ?? [];
  return toYaml({
    schema_version: SCHEMA_VERSION,
    http: { address: `0.0.0.0:${WEB_PORT}` },
    users: [{ name: "admin", password: HASH_PLACEHOLDER }],
    dns: {
      bind_hosts: ["0.0.0.0"],
      port: DNS_PORT,
      upstream_dns: upstream.length ? upstream : ["https://dns10.quad9.net/dns-query"],
      bootstrap_dns: ["9.9.9.10", "149.112.112.10"],
    },
    filtering: { rewrites_enabled: true, rewrites: rewrites(model, webHosts) },
  });
}

/** htpasswd's bcrypt is what AdGuard Home documents for its users' passwords. */
const renderConfig = [
  "set -eu",
  `hash=$(htpasswd -nbBC 10 admin "$(cat /secret/password)" | cut -d: -f2-)`,
  `sed "s|${HASH_PLACEHOLDER}|$hash|" /template/AdGuardHome.yaml > ${CONFIG_DIR}/AdGuardHome.yaml`,
].join("\n");

function dnsPorts(hostPort: boolean): Record<string, unknown>[] {
  return (["UDP", "TCP"] as const).map((protocol) => ({
    name: `dns-${protocol.toLowerCase()}`,
    containerPort: DNS_PORT,
    protocol,
    ...(hostPort ? { hostPort: DNS_PORT } : {}),
  }));
}

export function adguardComponent(model: Model, webHosts: readonly string[]): Component | undefined {
  const svc = findService(model, "adguard-home");
  if (!svc) return undefined;
  const namespace = serviceNamespace(svc);
  const name = svc.name;
  const labels = { "app.kubernetes.io/name": name };
  const dnsAddress = dnsServiceAddress(model);
  const hostPort = dnsAddress === undefined;
  const c = component(name, namespace, 0, hostPort ? "privileged" : "baseline");
  const text = configText(model, svc.hostname ? [...webHosts, svc.hostname] : webHosts);
  const config = kubeObject(
    "v1",
    "ConfigMap",
    { name: `${name}-config`, namespace },
    { data: { "AdGuardHome.yaml": text } },
  );
  // A changed configuration rolls the pods: they only read it at start.
  const configHash = createHash("sha256").update(text).digest("hex").slice(0, 16);
  const deployment = kubeObject(
    "apps/v1",
    "Deployment",
    { name, namespace, labels },
    {
      spec: {
        replicas: svc.replicas,
        selector: { matchLabels: labels },
        template: {
          metadata: { labels, annotations: { "hlab.dev/config-hash": configHash } },
          spec: {
            topologySpreadConstraints: zoneSpread(labels),
            tolerations: nodeDownTolerations(model),
            initContainers: [
              {
                name: "config",
                image: imageRef("htpasswd"),
                command: ["/bin/sh", "-c", renderConfig],
                resources: resources({ cpuMillis: 50, memoryMiB: 32 }),
                volumeMounts: [
                  { name: "template", mountPath: "/template", readOnly: true },
                  { name: "admin", mountPath: "/secret", readOnly: true },
                  { name: "conf", mountPath: CONFIG_DIR },
                ],
              },
            ],
            containers: [
              {
                name: "adguard-home",
                image: imageRef("adguard-home", svc.version),
                args: [
                  "--no-check-update",
                  "-c",
                  `${CONFIG_DIR}/AdGuardHome.yaml`,
                  "-w",
                  "/opt/adguardhome/work",
                ],
                ports: [{ name: "http", containerPort: WEB_PORT, protocol: "TCP" }, ...dnsPorts(hostPort)],
                resources: resources(resourcesOf(svc, "adguard-home")),
                ...probes(tcpAction(DNS_PORT)),
                volumeMounts: [
                  { name: "conf", mountPath: CONFIG_DIR },
                  { name: "work", mountPath: "/opt/adguardhome/work" },
                ],
              },
            ],
            volumes: [
              { name: "template", configMap: { name: `${name}-config` } },
              { name: "admin", secret: { secretName: `${name}-admin` } },
              { name: "conf", emptyDir: {} },
              { name: "work", emptyDir: {} },
            ],
          },
        },
      },
    },
  );
  const web = kubeObject(
    "v1",
    "Service",
    { name, namespace, labels },
    {
      spec: {
        selector: labels,
        ports: [{ name: "http", port: WEB_PORT, targetPort: WEB_PORT, protocol: "TCP" }],
      },
    },
  );
  const dns: KubeObject = kubeObject(
    "v1",
    "Service",
    {
      name: `${name}-dns`,
      namespace,
      labels,
      ...(dnsAddress ? { annotations: { "metallb.io/loadBalancerIPs": dnsAddress } } : {}),
    },
    {
      spec: {
        type: dnsAddress ? "LoadBalancer" : "ClusterIP",
        ...(dnsAddress ? { externalTrafficPolicy: "Local" } : {}),
        selector: labels,
        ports: (["UDP", "TCP"] as const).map((protocol) => ({
          name: `dns-${protocol.toLowerCase()}`,
          port: DNS_PORT,
          targetPort: DNS_PORT,
          protocol,
        })),
      },
    },
  );
  c.manifests["adguard-home"] = [config, deployment, web, dns];
  c.workloads = [{ name, selector: labels, replicas: svc.replicas }];
  c.secrets.push(...adguardSecrets(model));
  if (svc.hostname)
    c.web.push({ name, host: svc.hostname, service: name, servicePort: WEB_PORT, podPort: WEB_PORT });
  c.network.push(
    fromAnywhere(
      (["UDP", "TCP"] as const).map((protocol) => ({ port: DNS_PORT, protocol })),
      "DNS queries from the LAN",
    ),
    toInternet(
      [
        { port: 53, protocol: "UDP" },
        { port: 53, protocol: "TCP" },
        { port: 443, protocol: "TCP" },
      ],
      "upstream resolvers and filter lists",
    ),
  );
  return c;
}
