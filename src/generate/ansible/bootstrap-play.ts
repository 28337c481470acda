// Phases 4 and 5: the bootstrap files of cluster/bootstrap/, applied from the controller in the deploy
// order src/generate/cluster/deploy-order.ts decides, each wait a task of its own. Phase 5 first
// installs the services' Secrets, decrypted on the controller, so charts find them when they start.
//
// kubernetes/kubernetes.core 2.4.0 (the Python `kubernetes` client on the controller):
// - plugins/modules/k8s.py: `src` (a file of one or more objects), `state: present`, `apply: true`
//   (server-side comparison with the last applied configuration, so a rerun reports ok), `definition`;
//   check mode is a dry run and `--diff` shows each object's change (plugins/module_utils/k8s/service.py).
// - plugins/modules/k8s_info.py with plugins/doc_fragments/k8s_wait_options.py: `wait`,
//   `wait_condition` (type, status), `wait_timeout`, `wait_sleep`; service.py `find` first waits for
//   the object to exist, then for the condition, or for Deployments and DaemonSets, for them to be
//   ready (plugins/module_utils/k8s/waiter.py RESOURCE_PREDICATES).
import type { GenerateContext } from "../../artifact/artifact.js";
import type { Model } from "../../model/model.js";
import { ARGOCD_SERVER, bootstrapOrder, type Step } from "../cluster/deploy-order.js";
import { HELM_CONTROLLER_NAMESPACE } from "../cluster/helmchart-bootstrap.js";
import { sopsLookup } from "./machine-files.js";
import { REPO } from "./paths.js";
import type { Yaml } from "./yaml-file.js";

const KUBECONFIG = "{{ hlab_kubeconfig }}";

const WORKLOAD_KINDS: Record<string, string> = {
  deployment: "Deployment",
  daemonset: "DaemonSet",
  statefulset: "StatefulSet",
};

/** `deployment/argocd-server` as the kind and name k8s_info takes. */
function workload(ref: string): { kind: string; name: string } {
  const [kind, name] = ref.split("/");
  const k = WORKLOAD_KINDS[kind!];
  if (!k || !name) throw new Error(`unknown workload ${ref}`);
  return { kind: k, name };
}

/** One step of the deploy order as tasks. */
export function stepTasks(step: Step): Yaml[] {
  switch (step.op) {
    case "apply":
      return [
        {
          name: `Apply ${step.file}`,
          "kubernetes.core.k8s": {
            kubeconfig: KUBECONFIG,
            src: `${REPO}/${step.file}`,
            state: "present",
            apply: true,
          },
        },
      ];
    case "wait-chart":
      // k3s-io/helm-controller pkg/controllers/chart/chart.go: the install Job is helm-install-<name>.
      return [
        {
          name: `Wait until K3s' Helm controller has installed ${step.release}`,
          "kubernetes.core.k8s_info": {
            kubeconfig: KUBECONFIG,
            api_version: "batch/v1",
            kind: "Job",
            namespace: HELM_CONTROLLER_NAMESPACE,
            name: `helm-install-${step.release}`,
            wait: true,
            wait_condition: { type: "Complete", status: "True" },
            wait_timeout: 900,
          },
        },
      ];
    case "wait-crds":
      return step.crds.map((crd) => ({
        name: `Wait until ${crd} is Established`,
        "kubernetes.core.k8s_info": {
          kubeconfig: KUBECONFIG,
          api_version: "apiextensions.k8s.io/v1",
          kind: "CustomResourceDefinition",
          name: crd,
          wait: true,
          wait_condition: { type: "Established", status: "True" },
          wait_timeout: 300,
        },
      }));
    case "wait-rollout": {
      const w = workload(step.workload);
      return [
        {
          name: `Wait until ${step.namespace}/${step.workload} has rolled out`,
          "kubernetes.core.k8s_info": {
            kubeconfig: KUBECONFIG,
            api_version: "apps/v1",
            kind: w.kind,
            namespace: step.namespace,
            name: w.name,
            wait: true,
            wait_timeout: 900,
          },
        },
      ];
    }
  }
}

const play = (name: string, tasks: Yaml[]): Yaml => ({
  name,
  hosts: "localhost",
  connection: "local",
  gather_facts: false,
  tasks,
});

export const storageNetworkPlays = (model: Model): Yaml[] => [
  play(
    "MetalLB and Longhorn, each after the kinds its objects need are served",
    bootstrapOrder(model).storageNetwork.flatMap(stepTasks),
  ),
];

function secretTasks(ctx: GenerateContext): Yaml[] {
  const secrets = ctx.kubernetesSecrets ?? [];
  const namespaces = [...new Set(secrets.map((s) => s.namespace))].sort();
  return [
    ...namespaces.map((ns) => ({
      name: `Namespace ${ns}`,
      "kubernetes.core.k8s": {
        kubeconfig: KUBECONFIG,
        definition: { apiVersion: "v1", kind: "Namespace", metadata: { name: ns } },
        state: "present",
      },
    })),
    ...secrets.map((s) => ({
      name: `Secret from ${s.file}`,
      "kubernetes.core.k8s": {
        kubeconfig: KUBECONFIG,
        definition: `{{ ${sopsLookup(s.file)} | from_yaml }}`,
        state: "present",
        apply: true,
      },
      no_log: true,
    })),
  ];
}

export function gitopsPlays(model: Model, ctx: GenerateContext): Yaml[] {
  return [
    play("Argo CD, the Git server it reads, then the root application", [
      ...secretTasks(ctx),
      ...bootstrapOrder(model).gitops.flatMap(stepTasks),
      ...stepTasks({ op: "wait-rollout", ...ARGOCD_SERVER }),
      {
        name: "Say what is next",
        "ansible.builtin.debug": {
          msg: "Argo CD is up. Push this repository where cluster/README.md says; Argo CD syncs from there.",
        },
      },
    ]),
  ];
}
