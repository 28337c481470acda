// VRRP adverts, on any guest that runs keepalived and has a firewall: protocol 112 from the other
// members of each group only, on the VIP's interface.
import type { Guest, Model } from "../../model/model.js";
import { vrrpGroups } from "../../topology/vrrp-groups.js";
import { fromSources, type Line } from "./ruleset.js";

export function vrrpRules(model: Model, guest: Guest): Line[] {
  const lines = vrrpGroups(model).flatMap((group) => {
    const me = group.members.find((m) => m.guest.name === guest.name);
    if (!me) return [];
    const peers = group.members.filter((m) => m !== me && m.address !== undefined).map((m) => m.address!);
    return fromSources(peers, `ip protocol vrrp iifname "${me.interface}" accept`);
  });
  return lines.length ? ["# VRRP adverts from the other members of the group only.", ...lines] : [];
}
