// The dashboard's service tiles link to what the build publishes: each URL's host name is a DNS
// record of the generated zone and, in the cluster, the host of a generated Ingress.
import assert from "node:assert/strict";
import { test } from "node:test";
import { parseAllDocuments } from "yaml";
import { clusterFiles } from "../../src/generate/cluster/cluster.js";
import { dnsRecords } from "../../src/generate/dns/dns.js";
import { serviceLinks } from "../../src/ui/service-links.js";
import { EXAMPLES, exampleModel, exampleName } from "../generate/fixtures.js";

for (const file of EXAMPLES)
  test(`${exampleName(file)}: every service tile's URL is a generated DNS name and Ingress host`, async () => {
    const model = await exampleModel(file);
    const records = new Map(dnsRecords(model).map((r) => [r.name, r.address]));
    const ingressHosts = new Set(
      clusterFiles(model)
        .filter((f) => f.path.endsWith(".yaml"))
        .flatMap((f) => parseAllDocuments(f.content).map((d) => d.toJS() as Record<string, unknown> | null))
        .filter((o) => o?.kind === "Ingress")
        .flatMap((o) => ((o!.spec as { rules: { host: string }[] }).rules ?? []).map((r) => r.host)),
    );
    for (const l of serviceLinks(model)) {
      if (!l.url) continue;
      const host = new URL(l.url).hostname;
      assert.equal(records.get(host), l.address, `${l.name}: DNS ${host}`);
      const s = model.services.find((x) => x.name === l.name)!;
      if (s.on.length === 0 && model.kubernetes && l.url.startsWith("https:"))
        assert.ok(ingressHosts.has(host), `${l.name}: an Ingress for ${host}`);
    }
  });
