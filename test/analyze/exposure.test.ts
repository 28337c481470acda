import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { planModel } from "../../src/analyze/plan.js";
import { renderRepository } from "../../src/pipeline/build.js";
import { exposureFacts } from "../../src/topology/exposure.js";
import { exampleModel, fixedContext, specModel } from "../generate/fixtures.js";

const SEED002 = readFileSync("examples/seed002-segmented.yaml", "utf8");
const exposureCodes = (text: string): string[] =>
  planModel(specModel(text))
    .findings.filter((d) => /^HL12[4-7]$/.test(d.code))
    .map((d) => `${d.code} ${d.path}`);

test("seed 002: the dashboards are admin-only, reached from admin and the VPN, never from public", async () => {
  const model = await exampleModel("examples/seed002-segmented.yaml");
  const r = planModel(model);
  assert.deepEqual(
    r.exposure.services.map((s) => s.name),
    ["argocd", "grafana", "prometheus"],
  );
  for (const s of r.exposure.services) {
    assert.deepEqual(s.audiences, ["admin", "vpn"], s.name);
    const reach = Object.fromEntries(s.reach.map((x) => [x.side, x.reachable]));
    assert.deepEqual(reach, { public: false, admin: true, vpn: true }, s.name);
    assert.equal(s.address, "10.10.1.20");
  }
  assert.deepEqual(exposureCodes(SEED002), [], "the plan is clean");
});

test("seed 002: HAProxy, nftables, DNS and WireGuard read the same exposure facts", async () => {
  const model = await exampleModel("examples/seed002-segmented.yaml");
  const facts = exposureFacts(model);
  assert.deepEqual(
    facts.openings.map((o) => [o.guest, o.address, o.ports, o.sides]),
    [["lb", "10.10.1.20", [80, 443], ["admin", "vpn"]]],
  );
  const files = new Map(renderRepository(model, fixedContext(model)).map((f) => [f.path, f.content]));
  const haproxy = files.get("nodes/lb/etc/haproxy/haproxy.cfg")!;
  assert.match(haproxy, /bind 10\.10\.1\.20:443/);
  assert.doesNotMatch(haproxy, /bind 192\.168\.1\.20:/, "nothing is published on the public segment");
  assert.match(
    files.get("nodes/lb/etc/nftables.conf")!,
    /iifname "admin" ip daddr 10\.10\.1\.20 ip saddr \{ 10\.10\.1\.0\/24, 10\.10\.1\.21 \} tcp dport \{ 80, 443 \} accept/,
  );
  assert.match(files.get("dns/hosts")!, /^10\.10\.1\.20\t.*grafana\.lab\.home\.arpa/m);
  assert.match(
    files.get("wireguard/peers/laptop.conf")!,
    /AllowedIPs = 10\.99\.0\.0\/24, 10\.10\.1\.0\/24\n/,
  );
});

test("a public app sharing the load balancer's public address with the dashboards is HL124 at each dashboard", () => {
  const text = SEED002.replace(", admin: 10.10.1.20 }", " }").replace(
    "  prometheus: {}",
    "  prometheus: {}\n  blog: { image: nginx, exposure: public }",
  );
  const codes = exposureCodes(text);
  for (const s of ["argocd", "grafana", "prometheus"])
    assert.ok(codes.includes(`HL124 services.${s}`), codes.join("; "));
  assert.ok(!codes.some((c) => c.endsWith("services.blog")), "the blog is where it is meant to be");
});

test("a dashboard exposed to public is HL125 at its exposure line; an audience with no segment is HL126", () => {
  const pub = exposureCodes(SEED002.replace("  grafana: {}", "  grafana: { exposure: [public, admin] }"));
  assert.ok(pub.includes("HL125 services.grafana.exposure"), pub.join("; "));
  const lan = exposureCodes(SEED002.replace("  grafana: {}", "  grafana: { exposure: lan }"));
  assert.ok(lan.includes("HL126 services.grafana.exposure"), lan.join("; "));
});

test("flat LAN designs: admin means the LAN, so every example but seed 002 stays clean too", async () => {
  for (const f of ["seed000-single-node", "seed003-lb-pair", "seed004-three-nodes"]) {
    const r = planModel(await exampleModel(`examples/${f}.yaml`));
    assert.ok(r.exposure.services.length > 0, f);
    assert.deepEqual(
      r.findings.filter((d) => /^HL12[4-7]$/.test(d.code)),
      [],
      f,
    );
  }
});
