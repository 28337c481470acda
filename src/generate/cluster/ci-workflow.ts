// The repository checks itself on every push, with tools that exist at pinned versions: the hlab the
// spec names (gitops.hlab: a Git URL and a commit) runs `hlab check` on the spec copy and rebuilds the
// tree in place, every file must come out byte for byte as committed (hlab's build also validates
// every manifest against the pinned CRD schemas); ansible-playbook --syntax-check and ansible-lint at
// the versions hlab's own tests run; `tofu validate` on the OpenTofu tree. Without gitops.hlab the
// tool checks run alone (no hlab package is published to install by version).
//
// Actions and their inputs: actions/checkout@v4 (no input), actions/setup-node@v4 `node-version`
// (action.yml), actions/setup-python@v5 `python-version` (action.yml), opentofu/setup-opentofu@v1
// `tofu_version`, `tofu_wrapper` (action.yml: the wrapper would hide tofu's exit code otherwise).
import type { Model } from "../../model/model.js";
import type { GeneratedFile } from "../../artifact/artifact.js";
import { hashHeader } from "../../artifact/artifact.js";
import { shellQuote as q } from "../../util/shell-quote.js";
import { TOFU_DIR } from "../../artifact/repo-layout.js";
import { gitServer } from "./git-repo.js";
import { toYaml } from "./manifest.js";
import { SPEC_COPY, specText } from "./spec-copy.js";

/** The hlab CLI inside the workflow, once the install step has built it. */
export const HLAB_CLI = 'node "$HLAB"';

export { CI_TOOLS } from "../../model/versions.js";
import { CI_TOOLS } from "../../model/versions.js";

/** Fails, showing the difference, when the rebuild changed any file (hlab's own bookkeeping aside). */
const UNCHANGED = [
  "changes=$(git status --porcelain -- . ':!.hlab')",
  'if [ -n "$changes" ]; then echo "$changes"; git diff -- . \':!.hlab\'; exit 1; fi',
  "",
].join("\n");

type Step = Record<string, unknown>;

function hlabSteps(model: Model): Step[] {
  const src = model.gitops.hlab;
  if (!src)
    return [
      {
        name: "No hlab to rebuild with",
        run: "echo 'gitops.hlab is not set in the spec: the check and rebuild diff are skipped.'",
      },
    ];
  return [
    { uses: "actions/setup-node@v4", with: { "node-version": CI_TOOLS.node } },
    {
      name: `Install hlab ${src.commit.slice(0, 12)}`,
      run: [
        `git clone --quiet ${q(src.git)} "$RUNNER_TEMP/hlab"`,
        `git -C "$RUNNER_TEMP/hlab" checkout --quiet ${src.commit}`,
        '(cd "$RUNNER_TEMP/hlab" && npm ci --no-audit --no-fund --loglevel=error && npm run build --silent)',
        'echo "HLAB=$RUNNER_TEMP/hlab/dist/src/cli/bin.js" >> "$GITHUB_ENV"',
        "",
      ].join("\n"),
    },
    { name: "Check the spec", run: `${HLAB_CLI} check ${SPEC_COPY}` },
    // In place: the encrypted store is reused as committed, so CI needs no age key.
    { name: "Rebuild in place from the spec", run: `${HLAB_CLI} build ${SPEC_COPY} --out .` },
    { name: "The committed tree is what the spec builds", run: UNCHANGED },
  ];
}

const ANSIBLE_STEPS: Step[] = [
  { uses: "actions/setup-python@v5", with: { "python-version": CI_TOOLS.python } },
  {
    name: "Install Ansible and the pinned collections",
    run: [
      `python -m pip install --quiet ansible-core==${CI_TOOLS.ansibleCore} ansible-lint==${CI_TOOLS.ansibleLint}`,
      "ansible-galaxy collection install -r ansible/requirements.yml",
      "",
    ].join("\n"),
  },
  {
    name: "Playbooks parse",
    run: "ansible-playbook -i ansible/inventory.yml --syntax-check ansible/[0-9]*.yml",
  },
  { name: "ansible-lint", run: "ansible-lint --offline ansible/" },
];

const tofuSteps = (): Step[] => [
  {
    uses: "opentofu/setup-opentofu@v1",
    with: { tofu_version: CI_TOOLS.opentofu, tofu_wrapper: false },
  },
  {
    name: "OpenTofu validate",
    run: `tofu -chdir=${TOFU_DIR} init -backend=false -input=false\ntofu -chdir=${TOFU_DIR} validate\n`,
  },
];

export function ciWorkflow(model: Model): GeneratedFile[] {
  const git = gitServer(model);
  if (!git?.runner || specText(model) === undefined) return [];
  const dir = git.catalog === "forgejo" ? ".forgejo" : ".gitea";
  // The same condition as the OpenTofu generator's: a Proxmox VE with VMs or containers.
  const tofu = model.proxmox && model.guests.some((g) => g.kind === "vm" || g.kind === "lxc");
  const workflow = {
    name: "hlab",
    on: { push: { branches: ["main"] }, pull_request: {} },
    jobs: {
      check: {
        "runs-on": "ubuntu-latest",
        steps: [
          { uses: "actions/checkout@v4" },
          ...hlabSteps(model),
          // Only a model with Kubernetes has a CI runner, and then the Ansible phases 3 to 5 exist.
          ...ANSIBLE_STEPS,
          ...(tofu ? tofuSteps() : []),
        ],
      },
    },
  };
  return [{ path: `${dir}/workflows/hlab.yaml`, content: hashHeader(model) + toYaml(workflow) }];
}
