import assert from "node:assert/strict";
import { test } from "node:test";
import { renderRepository } from "../../src/pipeline/build.js";
import { dnsRecords } from "../../src/generate/dns/dns.js";
import { exposureFacts } from "../../src/topology/exposure.js";
import { EXAMPLES, exampleModel, exampleName, fixedContext } from "./fixtures.js";

for (const file of EXAMPLES) {
  test(`${exampleName(file)}: every service name points where the exposure facts say, in both files`, async () => {
    const model = await exampleModel(file);
    const files = renderRepository(model, fixedContext(model));
    const hosts = files.find((f) => f.path === "dns/hosts")!.content;
    const zone = files.find((f) => f.path === `dns/${model.dns.domain}.zone`)!.content;
    assert.match(zone, new RegExp(`^\\$ORIGIN ${model.dns.domain.replaceAll(".", "\\.")}\\.$`, "m"));
    const records = dnsRecords(model);
    for (const s of model.services.filter((x) => x.hostname && !x.on.length)) {
      const r = records.find((x) => x.name === s.hostname)!;
      const entry = exposureFacts(model).services.find((x) => x.service === s.name)!.entry;
      assert.equal(r.address, entry.address, `${s.hostname} → its entry`);
      const line = hosts.split("\n").find((l) => l.split(/\s+/).includes(s.hostname!));
      assert.ok(line?.startsWith(`${r.address}\t`), `hosts: ${s.hostname}`);
      const label = s.hostname!.slice(0, -(model.dns.domain.length + 1));
      assert.match(
        zone,
        new RegExp(`^${label.replaceAll(".", "\\.")}\\s+IN A ${r.address.replaceAll(".", "\\.")}\\s`, "m"),
        `zone: ${label}`,
      );
    }
    const api = records.find((x) => x.name === model.kubernetes?.api.hostname);
    if (model.kubernetes) assert.equal(api?.address, model.kubernetes.api.endpoint);
  });
}

test("seed 003 after the fix: service names follow the load balancers' VIP, not a node", async () => {
  const model = await exampleModel("examples/seed003-lb-pair.yaml");
  const vip = model.loadBalancers[0]!.vip;
  const nodes = new Set(model.guests.flatMap((g) => Object.values(g.address)));
  for (const r of dnsRecords(model).filter((x) => x.why.startsWith("service"))) {
    assert.equal(r.address, vip);
    assert.ok(!nodes.has(r.address));
  }
});

for (const file of EXAMPLES) {
  test(`${exampleName(file)}: every host an Ingress serves has a DNS record`, async () => {
    const model = await exampleModel(file);
    const files = renderRepository(model, fixedContext(model));
    const hosts = files.find((f) => f.path === "dns/hosts")?.content ?? "";
    const named = new Set(
      hosts.split("\n").flatMap((l) => (l.startsWith("#") ? [] : l.split(/\s+/).slice(1))),
    );
    const served = files
      .filter((f) => f.path.startsWith("cluster/"))
      .flatMap((f) => [...f.content.matchAll(/^\s+- host: (\S+)$/gm)].map((m) => m[1]!));
    for (const h of served) assert.ok(named.has(h), `${h} has an Ingress but no DNS record`);
  });
}
