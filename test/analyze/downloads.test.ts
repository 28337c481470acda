import assert from "node:assert/strict";
import { test } from "node:test";
import { downloadFindings } from "../../src/analyze/downloads.js";
import type { Model } from "../../src/model/model.js";
import { EXAMPLES, exampleModel } from "../generate/fixtures.js";

const codes = (model: Model): string[] => downloadFindings(model).map((d) => `${d.code} ${d.path}`);

const firstVm = (model: Model) => model.guests.find((g) => g.kind === "vm")!;

test("catalogue cloud images are dated and checked against their publisher's list; only container templates (no checksum list) warn", async () => {
  for (const file of EXAMPLES) {
    const model = await exampleModel(file);
    const lxc = model.guests.filter((g) => g.kind === "lxc").map((g) => `HL140 guests.${g.name}.image`);
    assert.deepEqual(codes(model), lxc, file);
  }
});

test("a moving URL without a checksum is warned twice; a checksum in the spec settles HL140", async () => {
  const model = await exampleModel("examples/seed004-three-nodes.yaml");
  const vm = firstVm(model);
  vm.image = "https://cloud.debian.org/images/cloud/bookworm/latest/debian-12-genericcloud-amd64.qcow2";
  assert.deepEqual(codes(model), [`HL141 guests.${vm.name}.image`, `HL140 guests.${vm.name}.image`]);
  vm.imageChecksum = `sha512:${"0".repeat(128)}`;
  assert.deepEqual(codes(model), [`HL141 guests.${vm.name}.image`]);
});

test("a user app's image with no tag or :latest is warned; a release tag or a digest is not", async () => {
  const model = await exampleModel("examples/seed003-before.yaml");
  const app = model.services.find((s) => s.image)!;
  for (const [image, warned] of [
    ["ghcr.io/example/blog", true],
    ["ghcr.io/example/blog:latest", true],
    ["registry.lan:5000/blog", true],
    ["registry.lan:5000/blog:1.4.2", false],
    [`ghcr.io/example/blog@sha256:${"a".repeat(64)}`, false],
  ] as const) {
    app.image = image;
    assert.deepEqual(codes(model), warned ? [`HL142 services.${app.name}.image`] : [], image);
  }
});
