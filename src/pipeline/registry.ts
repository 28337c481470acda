// Every generator, in the order their files are listed. Adding a target means adding a folder under
// src/generate/ and one line here.
import type { GenerateContext, GeneratedFile, Generator, SecretRequest } from "../artifact/artifact.js";
import type { Model } from "../model/model.js";
import { ansibleGenerator } from "../generate/ansible/ansible.js";
import { cloudInitGenerator } from "../generate/cloud-init/cloud-init.js";
import { clusterGenerator } from "../generate/cluster/cluster.js";
import { corosyncGenerator } from "../generate/corosync/corosync.js";
import { dnsGenerator } from "../generate/dns/dns.js";
import { haproxyGenerator } from "../generate/haproxy/haproxy.js";
import { k3sGenerator } from "../generate/k3s/k3s.js";
import { keepalivedGenerator } from "../generate/keepalived/keepalived.js";
import { kubeVipGenerator } from "../generate/kube-vip/kube-vip.js";
import { nftablesGenerator } from "../generate/nftables/nftables.js";
import { opentofuGenerator } from "../generate/opentofu/opentofu.js";
import { proxmoxNetworkGenerator } from "../generate/proxmox-network/proxmox-network.js";
import { repoReadmeGenerator } from "../generate/repo-readme/repo-readme.js";
import { wireguardGenerator } from "../generate/wireguard/wireguard.js";

export const GENERATORS: readonly Generator[] = [
  opentofuGenerator,
  cloudInitGenerator,
  k3sGenerator,
  kubeVipGenerator,
  haproxyGenerator,
  keepalivedGenerator,
  corosyncGenerator,
  proxmoxNetworkGenerator,
  nftablesGenerator,
  wireguardGenerator,
  dnsGenerator,
  clusterGenerator,
  ansibleGenerator,
  repoReadmeGenerator,
];

export function secretRequests(model: Model): SecretRequest[] {
  const all = GENERATORS.flatMap((g) => g.secrets?.(model) ?? []);
  const byName = new Map(all.map((s) => [s.name, s]));
  return [...byName.values()].sort((a, b) => a.name.localeCompare(b.name));
}

/** All generated files, sorted by path. Pure: same model and context, same files. */
export function generateAll(model: Model, ctx: GenerateContext): GeneratedFile[] {
  const files = GENERATORS.flatMap((g) => g.generate(model, ctx));
  const seen = new Set<string>();
  for (const f of files) {
    if (seen.has(f.path)) throw new Error(`two generators wrote ${f.path}`);
    seen.add(f.path);
  }
  return files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}
