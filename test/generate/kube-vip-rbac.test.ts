// kube-vip's ClusterRole grants what upstream's own manifest generator grants at the pinned version
// (kube-vip/kube-vip v1.2.3, pkg/kubevip/config_generator.go): leader election lists pods.
import assert from "node:assert/strict";
import { test } from "node:test";
import { parseAllDocuments } from "yaml";
import { renderRepository } from "../../src/pipeline/build.js";
import { EXAMPLES, exampleModel, exampleName, fixedContext } from "./fixtures.js";

const UPSTREAM_RULES = [
  { apiGroups: [""], resources: ["services/status"], verbs: ["update"] },
  { apiGroups: [""], resources: ["services", "endpoints"], verbs: ["list", "get", "watch", "update"] },
  { apiGroups: [""], resources: ["nodes"], verbs: ["list", "get", "watch", "update", "patch"] },
  {
    apiGroups: ["coordination.k8s.io"],
    resources: ["leases"],
    verbs: ["list", "get", "watch", "update", "create"],
  },
  {
    apiGroups: ["discovery.k8s.io"],
    resources: ["endpointslices"],
    verbs: ["list", "get", "watch", "update"],
  },
  { apiGroups: [""], resources: ["pods"], verbs: ["list"] },
];

for (const file of EXAMPLES) {
  test(`${exampleName(file)}: kube-vip's ClusterRole has upstream's rules`, async () => {
    const model = await exampleModel(file);
    const rbac = renderRepository(model, fixedContext(model)).filter((f) =>
      f.path.endsWith("/kube-vip-rbac.yaml"),
    );
    for (const f of rbac) {
      const role = parseAllDocuments(f.content)
        .map((d) => d.toJS() as { kind: string; rules?: unknown })
        .find((o) => o.kind === "ClusterRole");
      assert.deepEqual(role?.rules, UPSTREAM_RULES, f.path);
    }
  });
}
