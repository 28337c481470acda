// The plan's exposure section: for every service with a name, which client side (each public, lan
// and admin segment, and the VPN) reaches it, read from the same facts build generates from
// (src/model/exposure.ts), and the findings: a dashboard a public segment can reach, a service the
// clients it is meant for cannot reach, a name reachable from where it was not meant to be.
import { diagnostic, type Diagnostic, type PathSegment } from "../diagnostic/diagnostic.js";
import { exposureFacts, sidesOf, VPN_SIDE } from "../topology/exposure.js";
import type { Model } from "../model/model.js";
import type { ExposureReport } from "./plan-report.js";

export function exposureSection(model: Model): { report: ExposureReport; findings: Diagnostic[] } {
  const facts = exposureFacts(model);
  const findings: Diagnostic[] = [];
  const clientOf = new Map(facts.clients.map((c) => [c.name, c]));
  const label = (side: string): string => (side === VPN_SIDE ? "the VPN" : `network \`${side}\``);
  for (const s of model.services) {
    const at: PathSegment[] = s.exposureFromSpec ? ["services", s.name, "exposure"] : ["services", s.name];
    if (s.exposureFromSpec) {
      if (s.admin && s.exposure.includes("public"))
        findings.push(
          diagnostic(
            model.source,
            "HL125",
            at,
            `\`${s.name}\` is a dashboard or admin UI, and its exposure includes \`public\``,
            "keep admin UIs on the admin side (`exposure: [admin, vpn]`) and reach them through the VPN",
          ),
        );
      for (const a of s.exposure)
        if (sidesOf(facts.clients, a).length === 0)
          findings.push(
            diagnostic(
              model.source,
              "HL126",
              at,
              `\`${s.name}\` is exposed to \`${a}\`, but the spec has ${a === "vpn" ? "no VPN" : `no network with role ${a}`}`,
              a === "vpn"
                ? "add vpn.wireguard, or drop `vpn` from the exposure"
                : `give a network \`role: ${a}\`, or drop \`${a}\` from the exposure`,
            ),
          );
    }
    const reach = facts.reach.get(s.name);
    const se = facts.services.find((x) => x.service === s.name);
    if (!reach || !se) continue;
    for (const r of reach) {
      const side = clientOf.get(r.side)!;
      if (r.reachable && !r.meant) {
        const leak = s.admin && side.audience === "public";
        findings.push(
          diagnostic(
            model.source,
            leak ? "HL124" : "HL127",
            at,
            `\`${s.name}\` (${s.hostname}) is reachable from ${label(r.side)}, which it is not exposed to: ${r.why}`,
            se.entry.guarded
              ? "give it an address of its own for its audience (a load-balancer address on the admin segment), or let the names that share it share the audience"
              : `nothing filters ${se.entry.address}: put the ingress behind the load-balancer pair, or on a segment ${r.side} cannot reach`,
          ),
        );
      }
      if (!r.reachable && r.meant)
        findings.push(
          diagnostic(
            model.source,
            "HL126",
            at,
            `\`${s.name}\` (${s.hostname}) is exposed to ${label(r.side)}, which cannot reach it: ${r.why}`,
            r.side === VPN_SIDE
              ? `add \`${se.entry.network}\` to vpn.wireguard.exposes, or give the VPN guest an address there`
              : `give the ingress load balancer (or the service's guest) an address on \`${r.side}\`, or change the exposure`,
          ),
        );
    }
  }
  const report: ExposureReport = {
    clients: facts.clients.map((c) => ({ name: c.name, audience: c.audience, cidr: c.cidr })),
    services: facts.services.map((se) => ({
      name: se.service,
      hostname: se.hostname,
      admin: se.admin,
      audiences: se.audiences,
      address: se.entry.address,
      ports: se.entry.ports,
      reach: (facts.reach.get(se.service) ?? []).map((r) => ({ ...r })),
    })),
    vpnRoutes: facts.vpnRoutes,
  };
  return { report, findings };
}

/** The exposure table: one row per named service, one column per client side ("yes"/"no", `*` where not meant). */
export function exposureRows(r: ExposureReport): string[][] {
  const head = ["SERVICE", "FOR", "ADDRESS", ...r.clients.map((c) => c.name)];
  const rows = r.services.map((s) => [
    s.name,
    s.audiences.join(", "),
    `${s.address}:${s.ports.join(",")}`,
    ...r.clients.map((c) => {
      const x = s.reach.find((y) => y.side === c.name);
      if (!x) return "-";
      return `${x.reachable ? "yes" : "no"}${x.reachable !== x.meant ? " !" : ""}`;
    }),
  ]);
  return [head, ...rows];
}

export const EXPOSURE_LEGEND =
  "yes/no: whether a client there gets through (same segment or the VPN, then the generated firewall); `!`: not what its exposure says";
