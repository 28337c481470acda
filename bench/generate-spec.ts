// A large synthetic homelab for the plan benchmark: hosts on two switches and two power feeds, three
// K3s servers, an HAProxy + Keepalived pair on shared storage with Proxmox HA, Patroni on three
// guests, agents filling the rest, and user apps with replicas, volumes and databases. Deterministic:
// the same arguments give the same text.
import { stringify } from "yaml";
import { Prng } from "../src/analyze/prng.js";

export interface SyntheticSize {
  hosts: number;
  guests: number;
  services: number;
  seed?: number;
}

const ip = (n: number): string => `10.20.${Math.floor(n / 250)}.${(n % 250) + 2}`;

export function syntheticSpec(size: SyntheticSize): string {
  const rng = new Prng(size.seed ?? 7);
  const pick = (n: number): number => Math.floor(rng.next() * n);
  const hosts: Record<string, unknown> = {};
  let addr = 0;
  for (let i = 0; i < size.hosts; i++) {
    hosts[`pve-${i}`] = {
      kind: "proxmox",
      cpu: 16,
      memory: "128GiB",
      disks: { nvme0: { size: "2TB", type: "nvme" } },
      address: { lan: ip(addr++) },
      dependsOn: ["isp-box", i % 2 ? "switch-b" : "switch-a", i % 2 ? "power-b" : "power-a"],
    };
  }
  const guests: Record<string, unknown> = {};
  const guest = (name: string, host: number, role: string, extra: Record<string, unknown> = {}): void => {
    guests[name] = { host: `pve-${host % size.hosts}`, role, address: { lan: ip(addr++) }, ...extra };
  };
  for (let i = 0; i < 3; i++) guest(`k3s-server-${i}`, i, "k3s-server");
  for (let i = 0; i < 2; i++) guest(`lb-${i}`, 3 + i, "load-balancer", { ha: true, storage: "ceph" });
  for (let i = 0; i < 3; i++) guest(`pg-${i}`, 5 + i, "database");
  const agents = size.guests - Object.keys(guests).length;
  for (let i = 0; i < agents; i++) guest(`k3s-agent-${i}`, 8 + i, "k3s-agent", { memory: "16GiB", cpu: 4 });

  const databases: Record<string, unknown> = {
    "pg-main": { engine: "patroni", guests: ["pg-0", "pg-1", "pg-2"], synchronous: true },
  };
  for (let i = 0; i < 10; i++)
    databases[`db-${i}`] = { engine: "cloudnative-pg", instances: 1 + (i % 3), synchronous: i % 2 === 0 };
  const dbNames = Object.keys(databases);
  const services: Record<string, unknown> = { traefik: {}, longhorn: {}, "cert-manager": {} };
  for (let i = 0; Object.keys(services).length < size.services; i++) {
    const s: Record<string, unknown> = {
      image: `ghcr.io/example/app-${i}:1.0.0`,
      port: 8080,
      replicas: 1 + pick(3),
    };
    if (pick(3) === 0) s.persistence = `${1 + pick(20)}GiB`;
    if (pick(4) === 0) s.database = dbNames[pick(dbNames.length)];
    if (pick(10) === 0) s.target = "99.9%";
    services[`app-${i}`] = s;
  }
  const spec = {
    version: 1,
    name: "bench-lab",
    description: `synthetic: ${size.hosts} hosts, ${size.guests} guests, ${size.services} services`,
    networks: { lan: { cidr: "10.20.0.0/16", gateway: "10.20.0.1", dhcp: ["10.20.200.1-10.20.200.250"] } },
    gear: {
      "isp-box": { kind: "isp-router" },
      "switch-a": { kind: "switch" },
      "switch-b": { kind: "switch" },
      "power-a": { kind: "power" },
      "power-b": { kind: "ups" },
    },
    hosts,
    proxmox: {
      cluster: "bench",
      links: ["lan"],
      storage: { "local-lvm": { type: "lvmthin" }, ceph: { type: "rbd", shared: true } },
    },
    guests,
    loadBalancers: { edge: { guests: ["lb-0", "lb-1"], vip: "10.20.100.1" } },
    kubernetes: {
      api: { vip: "10.20.100.2", holder: "kube-vip" },
      ingress: { via: "load-balancer", loadBalancer: "edge" },
    },
    storage: { class: "longhorn", longhorn: { replicas: 3 } },
    databases,
    services,
  };
  return stringify(spec);
}
