// The deploy phases as playbooks: one per phase with something to do, in the order of seed 004
// (1 Proxmox cluster, 2 VMs, 3 K3s HA, 4 MetalLB + Longhorn, 5 Argo CD), each with a one-line
// wrapper under bootstrap/ that runs it.
import type { GenerateContext, GeneratedFile } from "../../artifact/artifact.js";
import { generatedBy } from "../../artifact/artifact.js";
import type { Model } from "../../model/model.js";
import { k3sNodes } from "../../topology/k3s-nodes.js";
import { gitopsPlays, storageNetworkPlays } from "./bootstrap-play.js";
import { k3sPlays } from "./k3s-play.js";
import { INVENTORY, playbookCommand, playbookPath } from "./paths.js";
import { proxmoxPlays } from "./proxmox-play.js";
import { tofuPlays } from "./tofu-play.js";
import type { Yaml } from "./yaml-file.js";

export interface PlaybookPhase {
  number: 1 | 2 | 3 | 4 | 5;
  /** The playbook, e.g. `ansible/3-k3s.yml`. */
  path: string;
  /** How the README runs it. */
  command: string;
  purpose: string;
  plays: Yaml[];
  wrapper: GeneratedFile;
}

function phase(
  model: Model,
  number: PlaybookPhase["number"],
  name: string,
  purpose: string,
  plays: Yaml[],
): PlaybookPhase {
  const path = playbookPath(number, name);
  return {
    number,
    path,
    command: playbookCommand(path),
    purpose,
    plays,
    wrapper: {
      path: `bootstrap/${number}-${name}.sh`,
      mode: 0o755,
      content: [
        "#!/bin/sh",
        `# ${generatedBy(model)}`,
        `# Phase ${number}: ${purpose} Arguments go to ansible-playbook (--check --diff, --limit ...).`,
        `exec ansible-playbook -i "$(dirname "$0")/../${INVENTORY}" "$(dirname "$0")/../${path}" "$@"`,
        "",
      ].join("\n"),
    },
  };
}

/** The phases that have something to do for this model. */
export function playbookPhases(model: Model, ctx: GenerateContext): PlaybookPhase[] {
  const out: PlaybookPhase[] = [];
  const px = model.proxmox;
  if (px?.nodes.length)
    out.push(
      phase(
        model,
        1,
        "proxmox",
        "install the Proxmox hosts' files and form the cluster.",
        proxmoxPlays(model),
      ),
    );
  if (px && model.guests.some((g) => g.kind !== "metal"))
    out.push(
      phase(model, 2, "vms", "create the VMs and containers on Proxmox VE with OpenTofu.", tofuPlays()),
    );
  if (model.kubernetes && k3sNodes(model).length) {
    out.push(
      phase(
        model,
        3,
        "k3s",
        "install every guest's files and secrets, then start K3s in order.",
        k3sPlays(model, ctx),
      ),
      phase(
        model,
        4,
        "storage-network",
        "MetalLB and Longhorn, before GitOps takes over.",
        storageNetworkPlays(model),
      ),
      phase(
        model,
        5,
        "gitops",
        "Argo CD and the root application; from here on, Git drives the cluster.",
        gitopsPlays(model, ctx),
      ),
    );
  }
  return out;
}
