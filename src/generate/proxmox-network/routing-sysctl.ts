// IPv4 forwarding on a host that routes a segment (src/topology/host-routing.ts decides which).
import type { Host, Model } from "../../model/model.js";
import { hashHeader } from "../../artifact/artifact.js";
import { hostRouting } from "../../topology/host-routing.js";

/** What the host needs to route, or undefined when it routes nothing (or has no uplink). */
export function routingSysctl(model: Model, host: Host): string | undefined {
  const r = hostRouting(model, host);
  if (r.segments.length === 0 || !r.uplink) return undefined;
  return [
    hashHeader(model).trimEnd(),
    `# ${host.name} is the gateway of ${r.segments.map((s) => s.network).join(", ")}: it forwards their traffic`,
    `# out through ${r.uplink}, masqueraded (nftables.conf).`,
    "net.ipv4.ip_forward = 1",
    "",
  ].join("\n");
}
