// Host firewalls (nftables) for the machines where they carry the design.
//
// Segmented designs (seed 002: public/admin/apps roles): every load balancer, VPN guest, K3s node,
// manager and Proxmox host gets a default-drop input chain that enforces the segmentation.
// Flat single-LAN designs (seeds 000, 003, 004): only the load balancers and the VPN guest. On one
// LAN shared with the owner's own devices a per-node firewall separates nothing, and K3s, flannel,
// MetalLB and Longhorn open ports that a hand-kept allow-list would break as they change; the load
// balancers' list is short and stable, and it keeps strangers out of the VRRP election.
// Database and generic guests are left alone: their services are not described by the model.
import { proxmoxFile, nodeFile, type GeneratedFile, type Generator } from "../../artifact/artifact.js";
import type { Guest, Model } from "../../model/model.js";
import { exposureRules } from "./exposure-rules.js";
import { k3sRuleset } from "./k3s-rules.js";
import { lbRuleset } from "./lb-rules.js";
import { hostRouting } from "../../topology/host-routing.js";
import { proxmoxRuleset } from "./proxmox-rules.js";
import { mergeRulesets, renderRuleset, fromSources, type Ruleset } from "./ruleset.js";
import { isSegmented, managementSources } from "./segmentation.js";
import { vpnRuleset } from "./vpn-rules.js";
import { vrrpRules } from "./vrrp-rules.js";

const NFT_PATH = "/etc/nftables.conf";

function managerRuleset(model: Model, guest: Guest): Ruleset {
  return {
    intro: [`Firewall of manager ${guest.name}: SSH from management only.`],
    input: fromSources(managementSources(model), "tcp dport 22 accept"),
  };
}

export function guestRulesets(model: Model, guest: Guest): Ruleset[] {
  const segmented = isSegmented(model);
  const k = model.kubernetes;
  const out: Ruleset[] = [];
  if (model.loadBalancers.some((lb) => lb.guests.includes(guest.name))) out.push(lbRuleset(model, guest));
  if (model.wireguard?.guest === guest.name) out.push(vpnRuleset(model, guest, model.wireguard));
  if (segmented && k && (k.servers.includes(guest.name) || k.agents.includes(guest.name)))
    out.push(k3sRuleset(model, guest));
  if (segmented && guest.role === "manager") out.push(managerRuleset(model, guest));
  // Exposure and VRRP only join a firewall that exists: they never create one on their own (flat
  // LAN K3s servers).
  const exposure = exposureRules(model, guest);
  if (out.length && exposure.length) out.push({ intro: [], input: exposure });
  const vrrp = vrrpRules(model, guest);
  if (out.length && vrrp.length) out.push({ intro: [], input: vrrp });
  return out;
}

export const nftablesGenerator: Generator = {
  name: "nftables",
  generate(model: Model): GeneratedFile[] {
    const files: GeneratedFile[] = [];
    for (const guest of model.guests) {
      const rs = guestRulesets(model, guest);
      if (rs.length)
        files.push({
          path: nodeFile(guest.name, NFT_PATH),
          content: renderRuleset(model, mergeRulesets(rs)),
        });
    }
    for (const host of model.hosts.filter((h) => h.kind === "proxmox")) {
      // A flat LAN leaves the host's firewall to Proxmox; a host that routes needs its NAT rules.
      if (isSegmented(model) || hostRouting(model, host).segments.length > 0) {
        files.push({
          path: proxmoxFile(host.name, NFT_PATH),
          content: renderRuleset(model, proxmoxRuleset(model, host)),
        });
      }
    }
    return files;
  },
};
