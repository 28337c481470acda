// `hlab versions` prints the one versions file, and what a build pins is what it prints.
import assert from "node:assert/strict";
import { test } from "node:test";
import { main } from "../../src/cli/main.js";
import { CHARTS, DEFAULT_K3S_VERSION, type VersionRow } from "../../src/model/versions.js";
import { renderRepository } from "../../src/pipeline/build.js";
import { exampleModel, fixedContext } from "../generate/fixtures.js";
import { captureIo } from "./capture-io.js";

test("hlab versions lists every pin with its source; the charts a build installs are those pins", async () => {
  const o = captureIo();
  assert.equal(await main(["versions", "--json"], o), 0);
  const rows = JSON.parse(o.stdout) as VersionRow[];
  const find = (kind: string, name: string): VersionRow | undefined =>
    rows.find((r) => r.kind === kind && r.name === name);
  assert.equal(find("k3s", "k3s")?.version, DEFAULT_K3S_VERSION);
  for (const [name, c] of Object.entries(CHARTS)) assert.equal(find("chart", name)?.version, c.version, name);
  for (const r of rows) assert.ok(r.source.length > 0, `${r.kind} ${r.name} has a source`);
  assert.ok(
    rows.some((r) => r.kind === "os-image" && /\d{8}/.test(r.version)),
    "cloud images are dated builds",
  );

  const model = await exampleModel("examples/seed004-three-nodes.yaml");
  const tree = renderRepository(model, fixedContext(model))
    .map((f) => f.content)
    .join("\n");
  // Argo CD Applications (chart, targetRevision) and K3s HelmCharts (chart, version).
  const installed = [...tree.matchAll(/^\s+chart: (\S+)\n\s+(?:targetRevision|version): "?([^"\s]+)"?$/gm)];
  assert.ok(installed.length >= 5, "the tree installs charts");
  for (const m of installed)
    assert.equal(find("chart", m[1]!)?.version, m[2], `the tree installs ${m[1]} ${m[2]}`);

  const text = captureIo();
  assert.equal(await main(["versions"], text), 0);
  assert.match(text.stdout, /^chart +argo-cd +\S+ +https:\/\/argoproj\.github\.io\/argo-helm/m);
});
