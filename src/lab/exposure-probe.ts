// `hlab lab probe exposure`: every named service, from one client per segment and from the VPN
// side, through the generated HAProxy and nftables, so reachability is measured, not assumed.
// WireGuard cannot run here (this kernel has no wireguard link type), so the VPN side is a
// stand-in, labelled as one: requests leave the VPN guest's own namespace from its address on the
// target's segment (what the masquerade makes of a peer's packets), and only to destinations inside
// the peers' AllowedIPs.
import { exposureFacts, VPN_SIDE } from "../topology/exposure.js";
import { inCidr, parseCidr } from "../model/ip.js";
import type { Model } from "../model/model.js";
import { peerAllowedIps } from "../generate/wireguard/wireguard.js";
import { standinScript } from "./daemons/context.js";
import { sideClientNode, type LabPlan } from "./lab-plan.js";
import { execIn } from "./netns.js";
import { INGRESS_PORT } from "./probe-target.js";

export interface ExposureProbe {
  service: string;
  hostname: string;
  side: string;
  /** The namespace the request left from, and how that stands for the side. */
  from: string;
  standin: boolean;
  address: string;
  port: number;
  meant: boolean;
  reachable: boolean;
  /** HTTP status, or the error. */
  detail: string;
}

export const VPN_STANDIN_LABEL = "stand-in: VPN guest's namespace, routes = peers' AllowedIPs";

async function httpFrom(namespace: string, url: string, host: string, bind?: string): Promise<string> {
  const args = [standinScript("client"), "http", url, "1000", host, ...(bind ? [bind] : [])];
  const r = await execIn(namespace, process.execPath, args, 5000);
  try {
    const j = JSON.parse(r.stdout.trim().split("\n").pop() ?? "") as { status?: number; error?: string };
    return j.status !== undefined ? `HTTP ${j.status}` : `error: ${j.error ?? "no answer"}`;
  } catch {
    return `error: ${(r.stderr || `exit ${r.code}`).trim().slice(0, 120)}`;
  }
}

export async function probeExposure(plan: LabPlan, model: Model): Promise<ExposureProbe[]> {
  const facts = exposureFacts(model);
  const wg = model.wireguard;
  const vpnNode = wg ? plan.nodes.find((n) => n.name === wg.guest) : undefined;
  const allowed = wg ? peerAllowedIps(model, wg).map(parseCidr) : [];
  const asks: Promise<ExposureProbe>[] = [];
  for (const se of facts.services) {
    const address = se.entry.address;
    const url = `http://${address}:${INGRESS_PORT}/`;
    for (const side of facts.clients) {
      const meant = se.meant.includes(side.name);
      const base = {
        service: se.service,
        hostname: se.hostname,
        side: side.name,
        address,
        port: INGRESS_PORT,
        meant,
      };
      if (side.name === VPN_SIDE) {
        if (!vpnNode) continue;
        if (!allowed.some((c) => inCidr(address, c))) {
          asks.push(
            Promise.resolve({
              ...base,
              from: vpnNode.namespace,
              standin: true,
              reachable: false,
              detail: "not in the peers' AllowedIPs: no route",
            }),
          );
          continue;
        }
        const bind = vpnNode.ifaces.find((i) => i.address && inCidr(address, parseCidr(i.address)))?.address;
        asks.push(
          httpFrom(vpnNode.namespace, url, se.hostname, bind?.split("/")[0]).then((detail) => ({
            ...base,
            from: vpnNode.namespace,
            standin: true,
            reachable: detail.startsWith("HTTP "),
            detail: bind ? detail : `${detail} (the VPN guest has no address on that segment)`,
          })),
        );
        continue;
      }
      const node = plan.nodes.find((n) => n.name === sideClientNode(side.network!));
      if (!node) continue;
      // Also the ingress load balancer's own addresses on this segment: a name not published there
      // must not answer there either (seed 002: the public leg of lb).
      const cidr = parseCidr(side.cidr);
      const extra = (
        model.loadBalancers.find((l) => l.name === model.kubernetes?.ingress.loadBalancer)?.guests ?? []
      )
        .flatMap((g) => Object.values(model.guests.find((x) => x.name === g)?.address ?? {}))
        .filter((a) => a !== address && inCidr(a, cidr));
      asks.push(
        Promise.all(
          [address, ...extra].map((a) =>
            httpFrom(node.namespace, `http://${a}:${INGRESS_PORT}/`, se.hostname).then((d) => `${a}: ${d}`),
          ),
        ).then((details) => ({
          ...base,
          from: node.namespace,
          standin: false,
          reachable: details.some((d) => /: HTTP /.test(d)),
          detail: details.join("; "),
        })),
      );
    }
  }
  return Promise.all(asks);
}

export function renderExposureProbes(probes: readonly ExposureProbe[]): string {
  const sides = [...new Set(probes.map((p) => p.side))];
  const services = [...new Set(probes.map((p) => p.service))];
  const head = ["SERVICE", "ADDRESS", ...sides.map((s) => (s === VPN_SIDE ? `${s} (stand-in)` : s))];
  const rows = services.map((svc) => {
    const mine = probes.filter((p) => p.service === svc);
    return [
      svc,
      `${mine[0]!.address}:${mine[0]!.port}`,
      ...sides.map((s) => {
        const p = mine.find((x) => x.side === s);
        if (!p) return "-";
        return `${p.reachable ? "reached" : "blocked"}${p.reachable !== p.meant ? " !" : ""}`;
      }),
    ];
  });
  const width = head.map((_, i) => Math.max(...[head, ...rows].map((r) => r[i]!.length)));
  const line = (r: string[]): string =>
    "  " +
    r
      .map((c, i) => c.padEnd(width[i]!))
      .join("  ")
      .trimEnd();
  const notes = [
    "  measured: an HTTP request with the name's Host header from a client namespace on each segment, through the generated HAProxy and nftables",
    ...(sides.includes(VPN_SIDE)
      ? [`  vpn: ${VPN_STANDIN_LABEL} (this kernel has no wireguard link type)`]
      : []),
    "  `!`: not what the service's exposure says",
  ];
  return ["Exposure, measured", line(head), ...rows.map(line), ...notes].join("\n");
}
