// The Ansible side of a generated repository: the inventory, the collections the playbooks need
// (pinned), one playbook per deploy phase and its one-line wrapper under bootstrap/.
import type { GenerateContext, GeneratedFile, Generator } from "../../artifact/artifact.js";
import type { Model } from "../../model/model.js";
import { inventory } from "./inventory.js";
import { COLLECTIONS, INVENTORY, REQUIREMENTS } from "./paths.js";
import { playbookPhases } from "./phases.js";
import { yamlFile } from "./yaml-file.js";

export const ansibleGenerator: Generator = {
  name: "ansible",
  generate(model: Model, ctx: GenerateContext): GeneratedFile[] {
    const phases = playbookPhases(model, ctx);
    if (!phases.length) return [];
    return [
      yamlFile(model, INVENTORY, "Every machine Ansible reaches, grouped by role.", inventory(model)),
      yamlFile(
        model,
        REQUIREMENTS,
        "The collections the playbooks use: ansible-galaxy collection install -r ansible/requirements.yml",
        { collections: COLLECTIONS.map((c) => ({ name: c.name, version: c.version })) },
      ),
      ...phases.flatMap((p) => [
        yamlFile(model, p.path, `Phase ${p.number}: ${p.purpose}`, p.plays),
        p.wrapper,
      ]),
    ];
  },
};
