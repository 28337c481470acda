// The spec travels with the tree it built: the repository's CI checks it (`hlab check homelab.yaml`)
// and rebuilds from it. The model keeps the spec's lines for diagnostics; they are the text itself.
import type { Model } from "../../model/model.js";
import type { GeneratedFile } from "../../artifact/artifact.js";

export const SPEC_COPY = "homelab.yaml";

/** The spec as written, or undefined when it did not come from a text file (a typed config). */
export function specText(model: Model): string | undefined {
  const lines: string[] = [];
  for (let n = 1; ; n++) {
    const line = model.source.lineText(n);
    if (line === undefined) break;
    lines.push(line);
  }
  const text = lines.join("\n");
  return text.trim() === "" ? undefined : text;
}

/** Not marked as generated: this is the one file of the repository people edit. */
export function specCopy(model: Model): GeneratedFile[] {
  const text = specText(model);
  return text === undefined ? [] : [{ path: SPEC_COPY, content: text.endsWith("\n") ? text : `${text}\n` }];
}
