// Every Ansible file hlab writes is rendered here, so the document start, the generated-by header and
// the line width are the same in the inventory, the requirements and each playbook.
import { stringify } from "yaml";
import type { Model } from "../../model/model.js";
import { generatedBy, type GeneratedFile } from "../../artifact/artifact.js";

/** A task, play or handler: plain data, rendered in the key order it is written in. */
export type Yaml = Record<string, unknown>;

export function yamlFile(model: Model, path: string, purpose: string, doc: unknown): GeneratedFile {
  // yamllint (run by ansible-lint) wants the document start first and comments after it; YAML 1.1
  // rules, as Ansible's parser reads them, so a string such as `yes` is quoted.
  return {
    path,
    content: `---\n# ${generatedBy(model)}\n# ${purpose}\n${stringify(doc, { version: "1.1", lineWidth: 0 })}`,
  };
}

/** A list of strings as a Jinja literal: `['a', 'b']`. Names come from the schema ([a-z0-9-]). */
export const jinjaList = (items: readonly string[]): string => `[${items.map((i) => `'${i}'`).join(", ")}]`;
