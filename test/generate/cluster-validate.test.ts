import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { renderRepository } from "../../src/pipeline/build.js";
import { validateManifests, formatManifestProblem } from "../../src/generate/cluster/validate-manifests.js";
import { checkValue } from "../../src/generate/cluster/crd-schemas/structural-schema.js";
import { application } from "../../src/generate/cluster/crd-schemas/argocd-application.js";
import { EXAMPLES, exampleModel, exampleName, fixedContext } from "./fixtures.js";

const fixture = (name: string): { path: string; content: string } => ({
  path: `cluster/services/demo/${name}`,
  content: readFileSync(`test/fixtures/cluster/${name}`, "utf8"),
});

for (const file of EXAMPLES) {
  test(`every manifest of ${exampleName(file)} validates against the Kubernetes schemas and CRDs`, async () => {
    const model = await exampleModel(file);
    const files = renderRepository(model, fixedContext(model));
    const manifests = files.filter((f) => f.path.startsWith("cluster/") && f.path.endsWith(".yaml"));
    assert.ok(manifests.length > 5, "the example has a GitOps tree");
    assert.deepEqual(validateManifests(files).map(formatManifestProblem), []);
  });
}

test("a Deployment whose replicas is not a number is reported with its file, object and field", () => {
  const problems = validateManifests([fixture("broken-deployment.yaml")]);
  assert.deepEqual(problems, [
    {
      file: "cluster/services/demo/broken-deployment.yaml",
      object: "Deployment/demo/web",
      field: "spec.replicas",
      message: "must be integer",
    },
  ]);
});

test("custom resources are held to their CRD: a missing required field, an unknown field, an unknown kind", () => {
  const problems = validateManifests([fixture("broken-application.yaml")]).map(formatManifestProblem);
  assert.deepEqual(problems, [
    "cluster/services/demo/broken-application.yaml: Application/argocd/demo: spec.destination is required",
    "cluster/services/demo/broken-application.yaml: Cluster/demo/demo-db: spec.instances is required",
    "cluster/services/demo/broken-application.yaml: Cluster/demo/demo-db: spec.instance is not a field of this resource",
    "cluster/services/demo/broken-application.yaml: IPAddressPool/metallb-system/pool: apiVersion no schema for metallb.io/v1/IPAddressPool: hlab does not know this kind",
  ]);
});

test("only the GitOps tree is checked, and SOPS-encrypted Secrets are left alone", () => {
  const encrypted = [
    "apiVersion: v1",
    "kind: Secret",
    "metadata: { name: x, namespace: y }",
    "stringData:",
    "  password: ENC[AES256_GCM,data:abc,iv:def,tag:ghi,type:str]",
    "sops: { version: 3.9.4 }",
    "",
  ].join("\n");
  assert.deepEqual(validateManifests([{ path: "cluster/services/x/secret.yaml", content: encrypted }]), []);
  assert.deepEqual(validateManifests([{ path: "nodes/k3s-1/etc/x.yaml", content: "kind: 3\n" }]), []);
});

test("broken YAML is a problem, not a crash", () => {
  const problems = validateManifests([
    { path: "cluster/apps/x.yaml", content: "apiVersion: v1\nkind: [unclosed\n" },
  ]);
  assert.equal(problems.length, 1);
  assert.match(problems[0]!.message, /^not valid YAML/);
});

test("the structural schema checker reports types, enums and patterns with the field's path", () => {
  const app = {
    apiVersion: "argoproj.io/v1alpha1",
    kind: "Application",
    metadata: { name: "Bad_Name", namespace: "argocd" },
    spec: {
      project: "default",
      destination: { server: "https://kubernetes.default.svc" },
      sources: [{ repoURL: "x", helm: { releaseName: 3 } }],
      syncPolicy: { retry: { limit: "ten" } },
    },
  };
  assert.deepEqual(
    checkValue(application, app).map((e) => `${e.path.join(".")}: ${e.message}`),
    [
      'metadata.name: must match ^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$, not "Bad_Name"',
      "spec.sources.0.helm.releaseName: must be a string, not a number (3)",
      'spec.syncPolicy.retry.limit: must be an integer, not a string ("ten")',
    ],
  );
});
