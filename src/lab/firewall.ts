// The generated nftables rulesets, loaded in the namespaces of the machines they were written for,
// so the lab rehearses the firewall that ships. One exception is added, and labelled wherever it is
// reported: the lab's observer client (on every network, for etcd, Patroni and HAProxy status) and
// the database routers (stand-ins for in-cluster Services) are admitted everywhere. The exposure
// probes run from other clients, one per segment, which get no exception.
import type { Generated } from "./generated.js";
import { CLIENT_NODE, type LabPlan } from "./lab-plan.js";
import { execIn } from "./netns.js";

const NFT_PATH = "/etc/nftables.conf";

export interface LabFirewall {
  node: string;
  namespace: string;
  /** The generated file it comes from (`nodes/<guest>/etc/nftables.conf`, `proxmox/<host>/...`). */
  file: string;
  content: string;
}

export function labFirewalls(plan: LabPlan, generated: Generated): LabFirewall[] {
  const out: LabFirewall[] = [];
  for (const node of plan.nodes) {
    const sources =
      node.kind === "guest"
        ? [`nodes/${node.name}${NFT_PATH}`]
        : node.kind === "host"
          ? [`proxmox/${node.name}${NFT_PATH}`, ...node.guests.map((g) => `nodes/${g}${NFT_PATH}`)]
          : [];
    // A bare-metal guest is its host's OS: its own ruleset is the one that runs there.
    const file = sources.reverse().find((p) => generated.files.some((f) => f.path === p));
    const content = generated.files.find((f) => f.path === file)?.content;
    if (file && content) out.push({ node: node.name, namespace: node.namespace, file, content });
  }
  return out;
}

/** The lab's own addresses admitted by the exception (observer and database routers). */
export function observerAddresses(plan: LabPlan): string[] {
  return plan.nodes
    .filter((n) => n.name === CLIENT_NODE || n.kind === "router")
    .flatMap((n) => n.ifaces.flatMap((i) => (i.address ? [i.address.split("/")[0]!] : [])));
}

export const OBSERVER_COMMENT = "hlab lab: observer exception";

export async function loadFirewalls(plan: LabPlan, generated: Generated): Promise<LabFirewall[]> {
  const walls = labFirewalls(plan, generated);
  const observers = observerAddresses(plan);
  await Promise.all(
    walls.map(async (w) => {
      const r = await execIn(w.namespace, "nft", ["-f", "-"], 10_000, w.content);
      if (r.code !== 0) throw new Error(`nft -f ${w.file} in ${w.node}: ${r.stderr.trim()}`);
      if (observers.length) {
        const rule = `insert rule inet hlab input ip saddr { ${observers.join(", ")} } accept comment "${OBSERVER_COMMENT}"\n`;
        const x = await execIn(w.namespace, "nft", ["-f", "-"], 10_000, rule);
        if (x.code !== 0) throw new Error(`nft observer exception in ${w.node}: ${x.stderr.trim()}`);
      }
    }),
  );
  return walls;
}
