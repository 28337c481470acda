// Every values key hlab sets for a chart is one the pinned chart reads (facts in chart-values-keys.ts,
// each checked upstream at the pinned tag): Helm ignores an unknown key without a word.
import assert from "node:assert/strict";
import { test } from "node:test";
import { CHART_VALUES_KEYS, unknownValueKeys } from "../../src/generate/cluster/chart-values-keys.js";
import { platformComponents } from "../../src/generate/cluster/platform.js";
import { CHARTS, type ChartName } from "../../src/generate/cluster/versions.js";
import { EXAMPLES, exampleModel, exampleName } from "./fixtures.js";

const chartName = (chart: string): ChartName => {
  const name = Object.keys(CHARTS).find((k) => CHARTS[k as ChartName].chart === chart);
  assert.ok(name, `chart ${chart} is pinned in versions.ts`);
  return name as ChartName;
};

for (const file of EXAMPLES) {
  test(`${exampleName(file)}: every chart values key hlab sets is a key of the pinned chart`, async () => {
    const model = await exampleModel(file);
    const unknown = platformComponents(model).flatMap((c) =>
      c.charts.flatMap((h) =>
        unknownValueKeys(chartName(h.pin.chart), h.values).map((k) => `${h.pin.chart}: ${k}`),
      ),
    );
    assert.deepEqual(unknown, []);
  });
}

test("a key the pinned chart does not read is reported (Longhorn's UI takes no spread constraints)", () => {
  assert.deepEqual(
    unknownValueKeys("longhorn", { longhornUI: { replicas: 2, topologySpreadConstraints: [] } }),
    ["longhornUI.topologySpreadConstraints"],
  );
  assert.deepEqual(unknownValueKeys("longhorn", { longhornUI: { affinity: { podAntiAffinity: {} } } }), []);
});

test("every pinned chart has its values keys recorded with their source", () => {
  for (const name of Object.keys(CHARTS) as ChartName[]) assert.ok(CHART_VALUES_KEYS[name].source, name);
});
