// The dashboard in a real browser (Debian's Chromium through playwright-core): the seed 004
// topology, a what-if by clicking, the plan's findings, the live reload, and no request leaving
// the local server. Screenshots land in test-results/ui/.
import assert from "node:assert/strict";
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { networkInterfaces, tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { planModel } from "../../src/analyze/plan.js";
import { whatIf } from "../../src/analyze/what-if.js";
import type { Model } from "../../src/model/model.js";
import { loadSpecFile } from "../../src/spec/load.js";
import { startUiServer, type UiServer } from "../../src/ui/server.js";
import { planBackend } from "../../src/ui/wiring.js";
import { browserMissing, openBrowser, screenshotDir, type Browser } from "./browser.js";

const skip = browserMissing();
const tmp = mkdtempSync(join(tmpdir(), "hlab-ui-e2e-"));
const spec = join(tmp, "homelab.yaml");
const original = readFileSync("examples/seed004-three-nodes.yaml", "utf8");
copyFileSync("examples/seed004-three-nodes.yaml", spec);

let server: UiServer;
let browser: Browser;
let model: Model;

before(async () => {
  if (skip) return;
  model = (await loadSpecFile(spec)).model!;
  server = await startUiServer({ spec, port: 0, backends: { plan: planBackend } });
  browser = await openBrowser();
  await browser.page.goto(server.url);
  await browser.page.waitForSelector("body[data-ready]");
});

after(async () => {
  await browser?.close();
  await server?.close();
  rmSync(tmp, { recursive: true, force: true });
});

const shot = (name: string): Promise<Buffer> =>
  browser.page.screenshot({ path: join(screenshotDir(), `${name}.png`), fullPage: true });

async function classOf(selector: string): Promise<string> {
  return (await browser.page.locator(selector).first().getAttribute("class")) ?? "";
}

test(
  "seed 004: the topology shows the three Proxmox hosts (and the Pi), each holding its guest",
  { skip },
  async () => {
    const page = browser.page;
    const hosts = await page
      .locator("#topology svg .host")
      .evaluateAll((els) => els.map((e) => e.getAttribute("data-host")));
    assert.deepEqual(hosts, ["pve-01", "pve-02", "pve-03", "rpi"]);
    for (const [host, guest] of [
      ["pve-01", "k3s-1"],
      ["pve-02", "k3s-2"],
      ["pve-03", "k3s-3"],
      ["rpi", "annex"],
    ] as const) {
      const g = page.locator(`.host[data-host="${host}"] .guest[data-guest="${guest}"]`);
      assert.ok(await g.isVisible(), `${guest} drawn inside ${host}`);
      const hb = (await page.locator(`.host[data-host="${host}"] > rect.host-box`).boundingBox())!;
      const gb = (await g.locator("rect.guest-box").boundingBox())!;
      assert.ok(
        gb.x >= hb.x &&
          gb.y >= hb.y &&
          gb.x + gb.width <= hb.x + hb.width &&
          gb.y + gb.height <= hb.y + hb.height,
        `${guest} inside ${host} on screen`,
      );
    }
    assert.equal(
      await page.locator('.vip.holder[data-vip="192.168.1.50"]').getAttribute("data-guest"),
      "k3s-1",
    );
    assert.equal(await page.locator("#title").textContent(), "homelab");
    await shot("seed004-topology");
  },
);

test("plan tab: summary, SPOFs outlined, findings open the spec line they point at", { skip }, async () => {
  const page = browser.page;
  await page.waitForSelector("#plan-summary");
  const report = planModel(model);
  assert.equal(await page.locator("#plan-verdict").textContent(), report.summary.verdict);
  const spofs = [...new Set(report.availability.services.flatMap((s) => s.spofs))].sort();
  assert.deepEqual(spofs, ["gear:isp-box", "gear:power-strip"]);
  for (const id of spofs) assert.match(await classOf(`[data-fail="${id}"]`), /is-spof/);
  assert.equal(
    await page.locator("#plan-availability tbody tr").count(),
    report.availability.services.length,
  );

  // The IP plan `hlab plan` prints, as a panel: one row per entry; the capacity bars' segments named.
  assert.deepEqual(
    await page
      .locator("#plan-ip tr[data-address]")
      .evaluateAll((rows) => rows.map((r) => r.getAttribute("data-address"))),
    [...report.ipPlan.networks.flatMap((n) => n.entries), ...report.ipPlan.other].map((e) => e.address),
  );
  assert.deepEqual(
    await page
      .locator("#plan-capacity .bar-legend")
      .first()
      .locator("[data-segment]")
      .evaluateAll((s) => s.map((x) => x.getAttribute("data-segment"))),
    ["committed", "overhead", "free", "over"],
  );

  const first = report.findings.find((d) => d.line > 0);
  assert.ok(first, "seed 004 has at least one positioned finding");
  const item = page.locator(`#plan-findings li.finding`).first();
  await item.locator("button.where").click();
  const marked = await item.locator("pre.excerpt mark").textContent();
  assert.ok(
    marked?.includes(original.split("\n")[first.line - 1]!.trimEnd()),
    `the excerpt marks line ${first.line}`,
  );
  await shot("seed004-plan");
});

test(
  "what-if: failing the ISP box takes every service down; failing pve-01 marks what the plan says",
  { skip },
  async () => {
    const page = browser.page;
    await page.click('[data-fail="gear:isp-box"]');
    await page.waitForSelector("#whatif-result tr[data-service]");
    const services = model.services.map((s) => s.name);
    for (const s of services)
      assert.match(await classOf(`.chip[data-service="${s}"]`), /is-down/, `${s} down without the ISP box`);
    assert.match(await classOf('[data-fail="gear:isp-box"]'), /is-failed/);

    await page.click("#whatif-clear");
    await page.waitForFunction(
      () => document.querySelectorAll("#topology .is-down, #topology .is-failed").length === 0,
    );
    await page.click('[data-fail="host:pve-01"]');
    await page.waitForSelector('#whatif-result tr[data-service="traefik"]');
    const expected = whatIf(model, ["host:pve-01"]);
    const cls = { up: /is-ok/, "fails-over": /is-failover/, down: /is-down/ } as const;
    for (const s of expected.services.filter((x) => services.includes(x.name))) {
      assert.match(await classOf(`.chip[data-service="${s.name}"]`), cls[s.status], `${s.name}: ${s.status}`);
      assert.equal(
        await page.locator(`#whatif-result tr[data-service="${s.name}"]`).getAttribute("data-status"),
        s.status,
      );
    }
    assert.ok(
      expected.services.some((s) => s.status === "fails-over"),
      "losing pve-01 makes something fail over",
    );
    assert.ok(expected.guestsDown.includes("k3s-1"));
    assert.match(await classOf('.guest[data-guest="k3s-1"]'), /is-down|is-failed/);
    assert.match(await classOf('.host[data-host="pve-01"]'), /is-failed/);
    // The failover time is written on the topology, next to the chips that fail over.
    assert.ok((await page.locator("#topology .note.failover").count()) > 0);
    await shot("seed004-whatif-pve-01");
    await page.click("#whatif-clear");
    // Keyboard: the failable parts take focus, Enter fails them.
    await page.focus('[data-fail="gear:power-strip"]');
    await page.keyboard.press("Enter");
    await page.waitForSelector('[data-fail="gear:power-strip"].is-failed');
    await page.click("#whatif-clear");
    await page.click("#tab-plan");
  },
);

test("the page follows the spec file without reloading", { skip }, async () => {
  const page = browser.page;
  await page.evaluate(() => {
    (window as unknown as { marker: number }).marker = 42;
  });
  writeFileSync(spec, original.replace("name: homelab", "name: edited-lab"));
  await page.waitForFunction(() => document.getElementById("title")?.textContent === "edited-lab");
  assert.equal(
    await page.evaluate(() => (window as unknown as { marker?: number }).marker),
    42,
    "same page, no navigation",
  );
  assert.match((await page.locator("#topology svg .title").textContent()) ?? "", /edited-lab/);

  writeFileSync(spec, original.replace("cpu: 6", "cpu: six"));
  await page.waitForSelector("#banner:not([hidden])");
  assert.match((await page.locator("#banner").textContent()) ?? "", /error/);
  assert.equal(await page.locator("#topology svg .host").count(), 4, "the last good drawing stays");
  await shot("seed004-broken-spec");
  writeFileSync(spec, original);
  await page.waitForSelector("#banner[hidden]", { state: "attached" });
});

test("every request the page made went to the local server", { skip }, async () => {
  const origin = new URL(server.url).origin;
  assert.ok(browser.requests.length > 5);
  const foreign = browser.requests.filter((u) => new URL(u).origin !== origin);
  assert.deepEqual(foreign, []);
});

/** Opens the page at `url` in a new tab and runs a what-if by clicking: its POST must be answered. */
async function whatIfAt(url: string): Promise<void> {
  const page = await browser.context.newPage();
  try {
    await page.goto(url);
    await page.waitForSelector("body[data-ready]");
    await page.click('[data-fail="gear:isp-box"]');
    await page.waitForSelector("#whatif-result tr[data-service]");
  } finally {
    await page.close();
  }
}

test("opened as http://localhost:PORT, the page's what-if buttons work", { skip }, async () => {
  await whatIfAt(`http://localhost:${server.port}/`);
});

const lanAddress = Object.values(networkInterfaces())
  .flat()
  .find((i) => i && i.family === "IPv4" && !i.internal)?.address;

test(
  "bound to 0.0.0.0 and opened at the machine's LAN address, the page sends its token and the buttons work",
  { skip: skip ?? (lanAddress ? false : "no non-loopback IPv4 address") },
  async () => {
    const wide = await startUiServer({ spec, host: "0.0.0.0", port: 0, backends: { plan: planBackend } });
    try {
      await whatIfAt(`http://${lanAddress}:${wide.port}/`);
    } finally {
      await wide.close();
    }
  },
);

test("a single-host lab: the Plan tab leads with the plan's own verdict, what breaks", { skip }, async () => {
  const single = join(tmp, "single.yaml");
  copyFileSync("examples/seed000-single-node.yaml", single);
  const other = await startUiServer({ spec: single, port: 0, backends: { plan: planBackend } });
  const page = await browser.context.newPage();
  try {
    await page.goto(other.url);
    await page.waitForSelector("#plan-verdict");
    const verdict = planModel((await loadSpecFile(single)).model!).summary.verdict;
    assert.equal(verdict, "Not sound: losing server takes down every service.");
    assert.equal(await page.locator("#plan-verdict").textContent(), verdict);
    assert.equal(await page.locator("#plan-summary .pill").textContent(), "not sound");
  } finally {
    await page.close();
    await other.close();
  }
});
