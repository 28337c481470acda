// The Lab tab against a real lab (network namespaces, keepalived, haproxy, etcd, corosync): the
// seed 003 pair holds its VIP on k3s-lb01; the "power off p1" button moves it to k3s-lb02 and the
// page shows it without reloading. Needs root, the lab's daemons and /usr/bin/chromium; skips
// (saying why) otherwise. The lab runs from a private copy of the spec, so the dashboard follows
// this lab only, and it is always brought down.
import assert from "node:assert/strict";
import { copyFileSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { placeWorkloads } from "../../src/analyze/placement.js";
import { labDown, labUp } from "../../src/lab/lifecycle.js";
import { hasCommand } from "../../src/process/run.js";
import { loadSpecFile } from "../../src/spec/load.js";
import { labBackend } from "../../src/ui/lab-backend.js";
import { startUiServer, type UiServer } from "../../src/ui/server.js";
import { planBackend } from "../../src/ui/wiring.js";
import { browserMissing, openBrowser, screenshotDir, type Browser } from "./browser.js";

const TOOLS = ["ip", "keepalived", "haproxy", "etcd", "etcdctl", "corosync", "nft"];

async function whyNot(): Promise<string | undefined> {
  const browser = browserMissing();
  if (browser) return browser;
  if (process.getuid?.() !== 0) return "the lab needs root (network namespaces)";
  for (const t of TOOLS) if (!(await hasCommand(t))) return `${t} is not installed (scripts/setup.sh)`;
  return undefined;
}

const skip = await whyNot();
const tmp = mkdtempSync(join(tmpdir(), "hlab-ui-lab-"));
const spec = join(tmp, "seed003.yaml");
copyFileSync("examples/seed003-lb-pair.yaml", spec);

let labId: string | undefined;
let server: UiServer | undefined;
let browser: Browser | undefined;

before(async () => {
  if (skip) return;
  const model = (await loadSpecFile(spec)).model!;
  // The database is left out: this test is about the VIP, and Patroni adds a slow start.
  const up = await labUp(model, spec, { skip: ["db"], readyTimeoutMs: 90_000 });
  labId = up.state.id;
  assert.ok(up.ready, `lab ready (waiting for ${up.waitingFor.join(", ")})`);
  server = await startUiServer({
    spec,
    port: 0,
    labPollMs: 250,
    backends: { plan: planBackend, lab: labBackend({ spec, labId }) },
  });
  browser = await openBrowser();
});

after(async () => {
  await browser?.close();
  await server?.close();
  if (labId) {
    const down = await labDown(labId);
    assert.deepEqual(down.leftovers, [], "the lab left nothing behind");
  }
  rmSync(tmp, { recursive: true, force: true });
});

const holderCell = '#lab-vips tr[data-vip="192.168.1.8"] .vip-holder';

/** The service tiles the lab's probes coloured, by the spec's service names. */
const liveTiles = (): { up: string[]; down: string[] } => {
  const names = (cls: string): string[] =>
    [...document.querySelectorAll<HTMLElement>(`#plan-services .tile.${cls}`)].map(
      (t) => t.dataset.service ?? "",
    );
  return { up: names("live-ok"), down: names("live-down") };
};

test(
  "a fault button moves the VIP, the page shows the new holder without reloading, service tiles follow the probes",
  { skip, timeout: 120_000 },
  async () => {
    const page = browser!.page;
    // The lab probes each service with a web address (probe-target.ts); stopping k3s-srv02 loses
    // those whose every replica the plan placed there, and only those.
    const model = (await loadSpecFile(spec)).model!;
    const placement = placeWorkloads(model);
    const probed = model.services.filter((s) => s.on.length === 0 && s.hostname).map((s) => s.name);
    const lost = probed.filter((n) => (placement.services.get(n) ?? []).every((g) => g === "k3s-srv02"));
    assert.ok(
      lost.length > 0 && lost.length < probed.length,
      `k3s-srv02 takes some services, not all: ${lost.join(", ")}`,
    );
    await page.goto(server!.url);
    await page.waitForSelector("body[data-ready]");
    await page.click("#tab-lab");
    await page.waitForFunction(
      (sel) => document.querySelector(sel)?.textContent?.startsWith("k3s-lb01"),
      holderCell,
      { timeout: 30_000 },
    );
    assert.equal(
      await page.locator('#topology .vip.holder[data-vip="192.168.1.8"]').getAttribute("data-guest"),
      "k3s-lb01",
    );
    assert.match((await page.locator('[data-check="etcd"]').textContent()) ?? "", /quorum, leader/);
    await page.waitForFunction(
      (n) => document.querySelectorAll("#plan-services .tile.live-ok").length === n,
      probed.length,
    );
    await page.evaluate(() => {
      (window as unknown as { marker: number }).marker = 7;
    });
    await page.screenshot({ path: join(screenshotDir(), "seed003-lab-before.png"), fullPage: true });

    await page.click('[data-fault="host-down p1"]');
    await page.waitForFunction(
      (sel) => document.querySelector(sel)?.textContent?.startsWith("k3s-lb02"),
      holderCell,
      { timeout: 30_000 },
    );
    assert.equal(
      await page.locator('#topology .vip.holder[data-vip="192.168.1.8"]').getAttribute("data-guest"),
      "k3s-lb02",
    );
    assert.match((await page.locator('[data-fault="host-down p1"]').getAttribute("class")) ?? "", /active/);
    assert.equal(
      await page.evaluate(() => (window as unknown as { marker?: number }).marker),
      7,
      "same page, no reload",
    );
    // p1 held none of the probed services alone: once the VIP has moved, every tile is green; then
    // stopping k3s-srv02 turns the tiles of what it held red, the others stay (or turn green again).
    await page.waitForFunction(
      (n) => document.querySelectorAll("#plan-services .tile.live-ok").length === n,
      probed.length,
      { timeout: 30_000 },
    );
    await page.click('[data-fault="guest-down k3s-srv02"]');
    await page.waitForFunction(
      ([up, down]) => {
        const tiles = (cls: string): string =>
          [...document.querySelectorAll<HTMLElement>(`#plan-services .tile.${cls}`)]
            .map((t) => t.dataset.service)
            .join(",");
        return tiles("live-ok") === up && tiles("live-down") === down;
      },
      [probed.filter((n) => !lost.includes(n)).join(","), lost.join(",")] as const,
      { timeout: 30_000 },
    );
    assert.deepEqual(await page.evaluate(liveTiles), {
      up: probed.filter((n) => !lost.includes(n)),
      down: lost,
    });
    assert.match(
      (await page.locator(`#plan-services .tile[data-service="${lost[0]}"] .tile-live`).textContent()) ?? "",
      /^lab: down/,
    );
    await page.screenshot({ path: join(screenshotDir(), "seed003-lab-srv02-stopped.png"), fullPage: true });
    // The timeline has drawn probe results for the VIP.
    await page.waitForSelector("#lab-timeline svg rect[fill='#16a34a']");
    await page.screenshot({ path: join(screenshotDir(), "seed003-lab-after-p1-down.png"), fullPage: true });

    await page.click("#lab-restore");
    await page.waitForFunction(
      () => !document.querySelector('[data-fault="host-down p1"]')?.classList.contains("active"),
      undefined,
      { timeout: 30_000 },
    );
  },
);

test("the live page made no request but to the local server", { skip }, async () => {
  const origin = new URL(server!.url).origin;
  const foreign = browser!.requests.filter((u) => new URL(u).origin !== origin);
  assert.deepEqual(foreign, []);
});
