// DNS for the lab's names. Every service host name points at the ingress address (the VIP), never
// at one node: seed 003's outage was DNS still naming a dead node while the pods had moved. Written
// twice: a hosts file (dnsmasq `addn-hosts`, Pi-hole, /etc/hosts) and a BIND zone file.
import { exposureFacts } from "../../topology/exposure.js";
import type { Model } from "../../model/model.js";
import { ipToInt } from "../../model/ip.js";
import { platformComponents } from "../cluster/platform.js";
import { generatedBy, type GeneratedFile, type Generator } from "../../artifact/artifact.js";

export interface DnsRecord {
  /** Fully qualified, without the trailing dot. */
  name: string;
  address: string;
  why: string;
}

const firstAddress = (addresses: Record<string, string>, prefer?: string): string | undefined =>
  (prefer ? addresses[prefer] : undefined) ?? Object.values(addresses)[0];

/** Every name the lab defines; explicit `dns.records` win over derived ones. */
export function dnsRecords(model: Model): DnsRecord[] {
  const domain = model.dns.domain;
  // A bare label lives in the lab's domain; a dotted name is already fully qualified.
  const fq = (name: string): string => (name.includes(".") ? name : `${name}.${domain}`);
  const records = new Map<string, DnsRecord>();
  const add = (name: string, address: string | undefined, why: string): void => {
    if (address) records.set(fq(name), { name: fq(name), address, why });
  };
  const link = model.proxmox?.links[0];
  for (const h of model.hosts) add(h.name, firstAddress(h.address, link), `host ${h.name}`);
  for (const g of model.guests)
    add(g.name, firstAddress(g.address, model.kubernetes?.api.network), `guest ${g.name}`);
  for (const lb of model.loadBalancers) add(lb.name, lb.vip, `VIP of load balancer ${lb.name}`);
  const k8s = model.kubernetes;
  if (k8s) add(k8s.api.hostname, k8s.api.endpoint, "Kubernetes API endpoint");
  // A name answers with the address the exposure facts chose for its audience (src/model/exposure.ts).
  const exposure = exposureFacts(model);
  for (const s of model.services) {
    if (!s.hostname) continue;
    const se = exposure.services.find((x) => x.service === s.name);
    if (se) {
      const via = se.entry.kind === "guest" ? `on ${se.entry.guest}` : "via the ingress";
      add(s.hostname, se.entry.address, `service ${s.name} ${via}, for ${se.audiences.join(", ")}`);
      continue;
    }
    const onGuest = s.on[0]
      ? firstAddress(model.guests.find((g) => g.name === s.on[0])?.address ?? {})
      : undefined;
    add(
      s.hostname,
      onGuest ?? k8s?.ingress.address,
      onGuest ? `service ${s.name} on ${s.on[0]}` : `service ${s.name} via the ingress`,
    );
  }
  // UIs of platform pieces the spec does not list (Argo CD, ...) get an Ingress and a certificate from
  // the cluster generator: their names must resolve too.
  if (k8s)
    for (const c of platformComponents(model))
      for (const w of c.web)
        if (!records.has(fq(w.host))) add(w.host, k8s.ingress.address, `${c.name} UI via the ingress`);
  for (const r of model.dns.records) add(r.name, r.address, "dns.records in the spec");
  return [...records.values()].sort(
    (a, b) => ipToInt(a.address) - ipToInt(b.address) || (a.name < b.name ? -1 : 1),
  );
}

function hostsFile(model: Model, records: DnsRecord[]): string {
  const byAddress = new Map<string, string[]>();
  for (const r of records) byAddress.set(r.address, [...(byAddress.get(r.address) ?? []), r.name]);
  const lines = [...byAddress.entries()].map(([addr, names]) => `${addr}\t${names.join(" ")}`);
  return `# ${generatedBy(model)}\n# Every service name resolves to where its audience reaches the ingress (docs/exposure.md), never to one node.\n${lines.join("\n")}\n`;
}

function zoneFile(model: Model, records: DnsRecord[]): string {
  const domain = model.dns.domain;
  const rel = (name: string): string => (name === domain ? "@" : name.slice(0, -(domain.length + 1)));
  // The name server: the spec's own record for ns if any, else the first network's resolver.
  const nsAddress =
    records.find((r) => r.name === `ns.${domain}`)?.address ??
    model.networks.find((n) => n.dns.length)?.dns[0];
  const all =
    nsAddress && !records.some((r) => r.name === `ns.${domain}`)
      ? [...records, { name: `ns.${domain}`, address: nsAddress, why: "name server" }]
      : records;
  // Names outside the domain cannot live in its zone (they stay in the hosts file).
  const inZone = all.filter((r) => r.name === domain || r.name.endsWith(`.${domain}`));
  const width = Math.max(8, ...inZone.map((r) => rel(r.name).length)) + 2;
  return [
    `; ${generatedBy(model)}`,
    `$ORIGIN ${domain}.`,
    "$TTL 300",
    // A fixed serial keeps builds reproducible; bump it by hand only if secondaries transfer this zone.
    `@ IN SOA ns.${domain}. hostmaster.${domain}. ( 1 3600 600 604800 300 )`,
    `@ IN NS ns.${domain}.`,
    ...inZone.map((r) => `${rel(r.name).padEnd(width)}IN A ${r.address.padEnd(15)} ; ${r.why}`),
    "",
  ].join("\n");
}

export const dnsGenerator: Generator = {
  name: "dns",
  generate(model: Model): GeneratedFile[] {
    const records = dnsRecords(model);
    if (!records.length) return [];
    return [
      { path: "dns/hosts", content: hostsFile(model, records) },
      { path: `dns/${model.dns.domain}.zone`, content: zoneFile(model, records) },
    ];
  },
};
