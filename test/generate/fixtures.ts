// What the generator tests share: every example's model, and a fixed context whose public keys are
// made up from the secret names (deterministic, and never a real key).
import { createHash } from "node:crypto";
import { readdirSync } from "node:fs";
import { basename, join } from "node:path";
import type { GenerateContext } from "../../src/artifact/artifact.js";
import { secretRequests } from "../../src/pipeline/registry.js";
import type { Model } from "../../src/model/model.js";
import { loadSpecFile, loadSpecText } from "../../src/spec/load.js";

export const EXAMPLES = readdirSync("examples")
  .filter((f) => f.endsWith(".yaml"))
  .sort()
  .map((f) => join("examples", f));

export const exampleName = (file: string): string => basename(file, ".yaml");

export async function exampleModel(file: string): Promise<Model> {
  const r = await loadSpecFile(file);
  if (!r.model) throw new Error(`${file} does not load: ${r.diagnostics.map((d) => d.message).join("; ")}`);
  return r.model;
}

export function specModel(text: string): Model {
  const r = loadSpecText(text, "test.yaml");
  if (!r.model)
    throw new Error(
      `test spec does not load: ${r.diagnostics.map((d) => `${d.path}: ${d.message}`).join("; ")}`,
    );
  return r.model;
}

/** A stand-in public key: 32 bytes in base64 like a real WireGuard key, derived from the name. */
export const fakePublicKey = (name: string): string =>
  createHash("sha256").update(`hlab-test-public-key:${name}`).digest("base64");

export function fixedContext(model: Model): GenerateContext {
  const keys = secretRequests(model).filter((r) => r.kind === "wireguard-key");
  return { publicKeys: new Map(keys.map((r) => [r.name, fakePublicKey(r.name)])) };
}

/**
 * A lab the examples do not cover: agents, a bare-metal server with its own NIC names, a tagged
 * network, an HA VM in a group, a container, tight kube-vip timings and a short eviction time.
 */
export const MIXED_SPEC = `
version: 1
name: mixed
networks:
  lan: { cidr: 192.168.10.0/24, gateway: 192.168.10.1, dns: [192.168.10.1] }
  storage: { cidr: 10.20.0.0/24, vlan: 20 }
hosts:
  pve-a: { kind: proxmox, cpu: 8, memory: 32GiB, address: { lan: 192.168.10.11, storage: 10.20.0.11 } }
  pve-b: { kind: proxmox, cpu: 8, memory: 32GiB, address: { lan: 192.168.10.12, storage: 10.20.0.12 } }
  nuc: { kind: baremetal, cpu: 4, memory: 16GiB, address: { lan: 192.168.10.13 }, nics: { enp2s0: { networks: [lan] } } }
proxmox:
  cluster: mixed
  haGroups: { pair: { nodes: [pve-a, pve-b], restricted: true } }
guests:
  srv-a: { host: pve-a, role: k3s-server, address: { lan: 192.168.10.21, storage: 10.20.0.21 }, ha: true, haGroup: pair }
  srv-b: { host: pve-b, role: k3s-server, address: { lan: 192.168.10.22, storage: 10.20.0.22 } }
  srv-c: { kind: metal, host: nuc, role: k3s-server }
  work-a: { host: pve-a, role: k3s-agent, address: { lan: 192.168.10.31 } }
  tools: { kind: lxc, host: pve-b, role: generic, address: { lan: 192.168.10.40 } }
kubernetes:
  api: { vip: 192.168.10.50, holder: kube-vip }
  kubeVip: { leaseDuration: 5s, renewDeadline: 3s, retryPeriod: 1s }
  nodeDownEviction: 45s
  ingress: { via: kube-vip, address: 192.168.10.50 }
services:
  grafana: {}
access:
  sshKeys: ["ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIMixedLabTestKeyOnly0000000000000000000000 t@t"]
`;
