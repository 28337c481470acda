// The five deploy phases of seed 004 (1 Proxmox cluster, 2 VMs, 3 K3s HA, 4 MetalLB + Longhorn,
// 5 Argo CD) as the README tells them: one Ansible command each (the playbooks of
// src/generate/ansible/), what it does, and for the cluster phases the steps of the deploy order with
// what each waits for.
import type { Model } from "../../model/model.js";
import type { GenerateContext } from "../../artifact/artifact.js";
import { ARGOCD_SERVER, bootstrapOrder, type Step } from "../cluster/deploy-order.js";
import { HELM_CONTROLLER_NAMESPACE } from "../cluster/helmchart-bootstrap.js";
import { clusterLayout } from "../corosync/cluster-layout.js";
import { playbookPhases } from "../ansible/phases.js";
import { k3sNodes } from "../../topology/k3s-nodes.js";
import {
  BOOTSTRAP_DIR,
  PROXMOX_BOOTSTRAP_FILE as BOOTSTRAP_FILE,
  TOFU_DIR,
} from "../../artifact/repo-layout.js";

export interface Phase {
  number: number;
  title: string;
  /** The one command, or undefined when the phase has nothing to do. */
  command?: string;
  what: string;
  /** The playbook's steps in order, each with what it waits for. */
  steps?: string[];
}

export const kubeconfigPath = (model: Model): string => `\${HLAB_KUBECONFIG:-$HOME/.kube/${model.name}.yaml}`;

/** One step of the deploy order, as the README says it. */
function stepText(step: Step): string {
  switch (step.op) {
    case "apply":
      return `apply \`${step.file}\``;
    case "wait-chart":
      return `wait until K3s' Helm controller has installed \`${step.release}\` (Job \`${HELM_CONTROLLER_NAMESPACE}/helm-install-${step.release}\` complete)`;
    case "wait-crds":
      return `wait until ${step.crds.map((c) => `\`${c}\``).join(", ")} ${step.crds.length === 1 ? "is" : "are"} Established`;
    case "wait-rollout":
      return `wait until \`${step.namespace}/${step.workload}\` has rolled out (its admission webhook answers)`;
  }
}

const RERUN =
  "Every task is idempotent: after a failure, run the same command again; what is already applied or installed is reported `ok` and left as it is.";

function phase1(model: Model): Omit<Phase, "number" | "title" | "command"> {
  const layout = clusterLayout(model);
  return {
    what: layout
      ? `Installs each host's network files, forms the ${layout.nodes.length}-node cluster \`${layout.name}\` with pvecm (details and quorum: \`${BOOTSTRAP_FILE}\`; it prompts for the first host's root password, which \`pvecm add\` asks for), and allows snippets on the storage OpenTofu uploads cloud-init files to.`
      : "Installs the host's network files and allows snippets on the storage OpenTofu uploads cloud-init files to.",
  };
}

function phase2(model: Model): Omit<Phase, "number" | "title" | "command"> {
  const guests = model.guests.filter((g) => g.kind !== "metal");
  return {
    what: `Creates ${guests.length} guest${guests.length === 1 ? "" : "s"} (${guests.map((g) => g.name).join(", ")}) from \`${TOFU_DIR}/\`: \`tofu plan\`, applied only when it changes something. Needs \`TF_VAR_proxmox_api_token\`; snippets go over SSH, so load your key into ssh-agent first.`,
  };
}

function phase3(model: Model): Omit<Phase, "number" | "title" | "command"> {
  const nodes = k3sNodes(model);
  const servers = nodes.filter((n) => n.role === "server").length;
  const agents = nodes.length - servers;
  return {
    what:
      `Installs \`nodes/<guest>/\` on every guest and the secrets they use (decrypted on your machine by community.sops), ` +
      `then starts ${servers === 1 ? "the K3s server" : `the ${servers} K3s servers one by one`}` +
      `${agents ? `, then ${agents === 1 ? "the agent" : `${agents} agents`}` : ""}, each once the one before is Ready, and writes your kubeconfig. ${RERUN}`,
  };
}

function phase4(model: Model): Omit<Phase, "number" | "title" | "command"> {
  const parts = [
    model.metallbPools.length
      ? `MetalLB with the pool${model.metallbPools.length === 1 ? "" : "s"} ${model.metallbPools.map((p) => p.name).join(", ")}`
      : undefined,
    model.storage.class === "longhorn"
      ? `Longhorn (${model.storage.longhorn?.replicas ?? 3} replicas)`
      : undefined,
  ].filter(Boolean);
  return {
    what: `Applies the bootstrap charts of \`${BOOTSTRAP_DIR}/\` for ${parts.length ? parts.join(" and ") : "MetalLB and Longhorn, when the spec has them"}, each after the CRDs and webhooks its objects need; what is not bootstrapped here, Argo CD installs in phase 5. ${RERUN}`,
    steps: bootstrapOrder(model).storageNetwork.map(stepText),
  };
}

function phase5(model: Model): Omit<Phase, "number" | "title" | "command"> {
  return {
    what: `Applies the rest of the bootstrap folder (Argo CD, the Git server it reads, then the root app-of-apps once the Application CRD is established); Argo CD then syncs every service from this repository once it is pushed (see \`cluster/README.md\`). ${RERUN}`,
    steps: [
      "apply the Secrets of `secrets/`, decrypted on your machine by community.sops",
      ...bootstrapOrder(model).gitops.map(stepText),
      stepText({ op: "wait-rollout", ...ARGOCD_SERVER }).replace(" (its admission webhook answers)", ""),
    ],
  };
}

const PHASES: {
  title: string;
  nothing: string;
  text: (m: Model) => Omit<Phase, "number" | "title" | "command">;
}[] = [
  { title: "Proxmox VE cluster", nothing: "No Proxmox VE host in the spec: nothing to do.", text: phase1 },
  {
    title: "VMs and containers with OpenTofu",
    nothing: "No VM or container in the spec: nothing to do.",
    text: phase2,
  },
  { title: "K3s HA", nothing: "No Kubernetes in the spec: nothing to do.", text: phase3 },
  { title: "Longhorn and MetalLB", nothing: "No Kubernetes in the spec: nothing to do.", text: phase4 },
  { title: "Argo CD GitOps", nothing: "No Kubernetes in the spec: nothing to do.", text: phase5 },
];

/** A play as one step of the README: its name, and what its tasks wait for. */
function playStep(play: Record<string, unknown>): string {
  const tasks = (play["tasks"] ?? []) as { name?: string }[];
  const waits = tasks
    .map((t) => t.name ?? "")
    .filter((n) => n.startsWith("Wait until"))
    .map((n) => n.replace(/^Wait until /, ""));
  return `${String(play["name"])}${waits.length ? `; waits until ${waits.join(", and until ")}` : ""}`;
}

export function deployPhases(model: Model, ctx: GenerateContext): Phase[] {
  const playbooks = new Map(playbookPhases(model, ctx).map((p) => [p.number, p]));
  return PHASES.map((p, i) => {
    const pb = playbooks.get((i + 1) as 1 | 2 | 3 | 4 | 5);
    return pb
      ? {
          number: i + 1,
          title: p.title,
          command: i === 1 ? `TF_VAR_proxmox_api_token='user@pam!token-id=secret' ${pb.command}` : pb.command,
          // Phases 4 and 5 list the deploy order; the others their plays, from the playbook itself.
          ...(pb.plays.length > 1 ? { steps: pb.plays.map(playStep) } : {}),
          ...p.text(model),
        }
      : { number: i + 1, title: p.title, what: p.nothing };
  });
}
