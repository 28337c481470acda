// Every example's topology in a real browser (Debian's Chromium) at 1024x768 and 1400x900: after
// "fit", every text of the drawing is at least 12 CSS pixels, no two texts overlap, every pod the
// plan places is drawn on its node, and in the
// what-if of each host every chip is coloured. One browser and one page for the whole run;
// screenshots go to test-results/ui/ (gitignored).
import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { placeWorkloads } from "../../src/analyze/placement.js";
import { serviceLinks } from "../../src/ui/service-links.js";
import { startUiServer, type UiServer } from "../../src/ui/server.js";
import { planBackend } from "../../src/ui/wiring.js";
import { EXAMPLES, exampleModel, exampleName } from "../generate/fixtures.js";
import { browserMissing, openBrowser, screenshotDir, type Browser } from "./browser.js";

const skip = browserMissing();
const VIEWPORTS = [
  { width: 1024, height: 768 },
  { width: 1400, height: 900 },
];
const MIN_PX = 12;

let browser: Browser;
before(async () => {
  if (!skip) browser = await openBrowser();
});
after(async () => {
  await browser?.close();
});

interface TextProblem {
  small: string[];
  overlaps: string[];
  scale: number;
}

/** In the page: text sizes on screen and overlapping text boxes. */
const inspectText = (minPx: number): TextProblem => {
  const svg = document.querySelector<SVGSVGElement>("#topology svg")!;
  const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
  const texts = [...svg.querySelectorAll<SVGTextElement>("text")].filter((t) => t.textContent?.trim());
  const small = texts
    .map((t) => ({ t, px: parseFloat(getComputedStyle(t).fontSize) * scale }))
    .filter((x) => x.px < minPx - 0.01)
    .map((x) => `"${x.t.textContent}" ${x.px.toFixed(1)} px`);
  const boxes = texts.map((t) => ({ text: t.textContent ?? "", r: t.getBoundingClientRect() }));
  const overlaps: string[] = [];
  // A pixel of slack: glyph boxes of stacked lines touch.
  const slack = 1;
  for (let i = 0; i < boxes.length; i++)
    for (let j = i + 1; j < boxes.length; j++) {
      const a = boxes[i]!.r;
      const b = boxes[j]!.r;
      const apart =
        a.right - slack <= b.left ||
        b.right - slack <= a.left ||
        a.bottom - slack <= b.top ||
        b.bottom - slack <= a.top;
      if (!apart) overlaps.push(`"${boxes[i]!.text}" / "${boxes[j]!.text}"`);
    }
  return { small, overlaps, scale };
};

/** Pods drawn inside their node's box, with a size on screen: `pod:<name>@<node>`. */
const visiblePods = (): string[] =>
  [...document.querySelectorAll<SVGGElement>("#topology .guest .chip.pod")]
    .filter((c) => {
      const r = c.getBoundingClientRect();
      const node = c.closest<SVGGElement>(".guest")?.dataset.guest;
      return r.width > 0 && r.height > 0 && c.dataset.component?.endsWith(`@${node}`);
    })
    .map((c) => c.dataset.component ?? "")
    .sort();

/** Chips without a state, or whose box is not painted in a state's fill (the stylesheet's). */
const uncoloured = (): string[] => {
  const fills = new Set([
    "rgb(220, 252, 231)",
    "rgb(254, 226, 226)",
    "rgb(254, 243, 199)",
    "rgb(254, 202, 202)",
  ]);
  return [...document.querySelectorAll<SVGGElement>("#topology .chip")]
    .filter((c) => {
      const marked = ["is-ok", "is-down", "is-failover", "is-failed"].some((k) => c.classList.contains(k));
      const rect = c.querySelector("rect");
      return !marked || !rect || !fills.has(getComputedStyle(rect).fill);
    })
    .map((c) => c.textContent ?? "?");
};

for (const file of EXAMPLES) {
  const name = exampleName(file);
  test(
    `${name}: legible after fit at 1024 and 1400 px, every chip coloured in each host's what-if`,
    { skip },
    async () => {
      const server: UiServer = await startUiServer({ spec: file, port: 0, backends: { plan: planBackend } });
      const page = browser.page;
      // Every pod the plan places (analyze/placement.ts), as the page should draw it.
      const placement = placeWorkloads(await exampleModel(file));
      const pods = [
        ...new Set([
          ...[...placement.services, ...placement.databases].flatMap(([n, nodes]) =>
            nodes.map((node) => `pod:${n}@${node}`),
          ),
          ...placement.bundledTraefik.map((node) => `pod:traefik@${node}`),
        ]),
      ].sort();
      try {
        for (const vp of VIEWPORTS) {
          await page.setViewportSize(vp);
          await page.goto(server.url);
          await page.waitForSelector("body[data-ready]");
          await page.waitForSelector("#topology svg");
          await page.click("#zoom-fit");
          const r = await page.evaluate(inspectText, MIN_PX);
          assert.deepEqual(r.small, [], `${name} at ${vp.width}: text below ${MIN_PX} px (scale ${r.scale})`);
          assert.deepEqual(r.overlaps, [], `${name} at ${vp.width}: overlapping text`);
          assert.deepEqual(
            await page.evaluate(visiblePods),
            pods,
            `${name} at ${vp.width}: pods on their nodes`,
          );
          await page.screenshot({ path: join(screenshotDir(), `${name}-${vp.width}.png`) });
        }
        // A tile per service, linking to the URL the build publishes.
        const links = serviceLinks(await exampleModel(file));
        const tiles = await page.locator("#plan-services .tile").evaluateAll((els) =>
          els.map((e) => ({
            name: e.getAttribute("data-service"),
            url: e.querySelector("a")?.getAttribute("href"),
          })),
        );
        assert.deepEqual(
          tiles,
          links.map((l) => ({ name: l.name, url: l.url })),
        );
        // What-if of each host: every chip takes a state colour, and the notes stay legible.
        const hosts = await page
          .locator("#topology .host")
          .evaluateAll((els) => els.map((e) => e.getAttribute("data-host") ?? ""));
        for (const host of hosts) {
          await page.click(`.host-header[data-fail="host:${host}"]`);
          await page.waitForSelector("#whatif-result tr[data-service]");
          await page.waitForSelector(".chip.is-ok, .chip.is-down, .chip.is-failover");
          assert.deepEqual(await page.evaluate(uncoloured), [], `${name}, ${host} down: uncoloured chips`);
          const r = await page.evaluate(inspectText, MIN_PX);
          assert.deepEqual(r.small, [], `${name}, ${host} down: small text`);
          await page.screenshot({ path: join(screenshotDir(), `${name}-whatif-${host}.png`) });
          await page.click("#whatif-clear");
          await page.waitForFunction(() => document.querySelectorAll("#topology .is-failed").length === 0);
        }
      } finally {
        await server.close();
      }
    },
  );
}
