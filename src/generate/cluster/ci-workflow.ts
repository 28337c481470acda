// The repository checks itself: on every push the Actions runner runs `hlab check` on the spec copy and
// rebuilds the tree from it in place; every file must come out byte for byte as committed, so a hand
// edit or a spec change without a rebuild fails before Argo CD syncs it.
import type { Model } from "../../model/model.js";
import type { GeneratedFile } from "../../artifact/artifact.js";
import { hashHeader } from "../../artifact/artifact.js";
import { gitServer } from "./git-repo.js";
import { toYaml } from "./manifest.js";
import { SPEC_COPY, specText } from "./spec-copy.js";

/** The hlab release the workflow runs; kept equal to package.json's version (a test checks it). */
export const HLAB_PACKAGE_VERSION = "0.1.0";

const hlab = (args: string): string => `npx --yes hlab@${HLAB_PACKAGE_VERSION} ${args}`;

/** Fails, showing the difference, when the rebuild changed any file (hlab's own bookkeeping aside). */
const UNCHANGED = [
  "changes=$(git status --porcelain -- . ':!.hlab')",
  'if [ -n "$changes" ]; then echo "$changes"; git diff -- . \':!.hlab\'; exit 1; fi',
  "",
].join("\n");

export function ciWorkflow(model: Model): GeneratedFile[] {
  const git = gitServer(model);
  if (!git?.runner || specText(model) === undefined) return [];
  const dir = git.catalog === "forgejo" ? ".forgejo" : ".gitea";
  const workflow = {
    name: "hlab",
    on: { push: { branches: ["main"] }, pull_request: {} },
    jobs: {
      check: {
        "runs-on": "ubuntu-latest",
        steps: [
          { uses: "actions/checkout@v4" },
          { uses: "actions/setup-node@v4", with: { "node-version": "20" } },
          { name: "Check the spec", run: hlab(`check ${SPEC_COPY}`) },
          // In place: the encrypted store is reused as committed, so CI needs no age key.
          { name: "Rebuild in place from the spec", run: hlab(`build ${SPEC_COPY} --out .`) },
          { name: "The committed tree is what the spec builds", run: UNCHANGED },
        ],
      },
    },
  };
  return [{ path: `${dir}/workflows/hlab.yaml`, content: hashHeader(model) + toYaml(workflow) }];
}
