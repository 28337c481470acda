// Random valid-looking specs over one fixed universe of machine names and addresses, so that two
// of them differ the way a homelab changes: hosts and guests added, removed or moved, the API's
// holder, the datastore, storage and replicas changed. Deterministic for a seed.
import { stringify } from "yaml";
import { Prng } from "../../src/analyze/prng.js";

const HOSTS = ["h1", "h2", "h3", "h4"];
const SERVERS = ["s1", "s2", "s3", "s4"];
const AGENTS = ["a1", "a2"];

export function randomSpec(seed: number): string {
  const rng = new Prng(seed);
  const chance = (p: number): boolean => rng.next() < p;
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rng.next() * xs.length)]!;
  const subset = <T>(xs: readonly T[], min: number): T[] => {
    for (;;) {
      const s = xs.filter(() => chance(0.6));
      if (s.length >= min) return s;
    }
  };
  const hosts = subset(HOSTS, 1);
  const withPi = chance(0.4);
  const hostSpec: Record<string, unknown> = {};
  for (const h of hosts)
    hostSpec[h] = {
      kind: "proxmox",
      cpu: 16,
      memory: "64GiB",
      address: { lan: `192.168.1.${10 + HOSTS.indexOf(h)}` },
      dependsOn: ["isp-box"],
    };
  if (withPi)
    hostSpec.pi = {
      kind: "sbc",
      arch: "arm64",
      cpu: 4,
      memory: "4GiB",
      address: { lan: "192.168.1.20" },
      dependsOn: ["isp-box"],
    };
  const guests: Record<string, unknown> = {};
  const vm = (name: string, role: string, n: number): void => {
    guests[name] = {
      host: pick(hosts),
      role,
      cpu: 2,
      memory: "2GiB",
      disk: "20GiB",
      address: { lan: `192.168.1.${n}` },
    };
  };
  const servers = subset(SERVERS, 1);
  servers.forEach((s) => vm(s, "k3s-server", 50 + SERVERS.indexOf(s) + 1));
  const agents = subset(AGENTS, 0);
  agents.forEach((a) => vm(a, "k3s-agent", 60 + AGENTS.indexOf(a) + 1));
  const api = pick(["kube-vip", "load-balancer", "none"] as const);
  const spec: Record<string, unknown> = {
    version: 1,
    name: "random-lab",
    networks: {
      lan: { cidr: "192.168.1.0/24", gateway: "192.168.1.1", dhcp: ["192.168.1.150-192.168.1.250"] },
    },
    gear: { "isp-box": { kind: "isp-router" } },
    hosts: hostSpec,
    proxmox: {
      cluster: "lab",
      links: ["lan"],
      ...(withPi && hosts.length % 2 === 0 && chance(0.7) ? { qdevice: { host: "pi" } } : {}),
    },
    guests,
  };
  const k8s: Record<string, unknown> = {
    datastore: servers.length > 1 || chance(0.5) ? "embedded-etcd" : "sqlite",
  };
  if (api === "kube-vip") {
    k8s.api = { vip: "192.168.1.40", holder: "kube-vip" };
    k8s.ingress = { via: "kube-vip", address: "192.168.1.40" };
  } else if (api === "load-balancer") {
    vm("lb1", "load-balancer", 6);
    vm("lb2", "load-balancer", 7);
    spec.loadBalancers = {
      edge: { guests: ["lb1", "lb2"], vip: "192.168.1.8", profile: pick(["balanced", "fast", "seed003"]) },
    };
    k8s.api = { vip: "192.168.1.8", holder: "load-balancer", loadBalancer: "edge" };
    k8s.ingress = { via: "load-balancer", loadBalancer: "edge" };
  } else {
    k8s.api = { endpoint: `192.168.1.${50 + SERVERS.indexOf(servers[0]!) + 1}` };
    k8s.ingress = { via: "node", node: servers[0] };
  }
  spec.kubernetes = k8s;
  const longhorn = chance(0.6);
  spec.storage = longhorn
    ? { class: "longhorn", longhorn: { replicas: 1 + Math.floor(rng.next() * 3) } }
    : { class: "local-path" };
  const services: Record<string, unknown> = { traefik: {} };
  if (longhorn) services.longhorn = {};
  services.blog = {
    image: "ghcr.io/example/blog:1.4.2",
    port: 8080,
    replicas: 1 + Math.floor(rng.next() * 3),
    ...(chance(0.5) ? { persistence: "5GiB" } : {}),
  };
  spec.services = services;
  return stringify(spec);
}
