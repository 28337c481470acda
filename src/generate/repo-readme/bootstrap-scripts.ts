// One shell script per bootstrap phase of seed 004 (1 Proxmox cluster, 2 VMs, 3 K3s HA, 4 MetalLB +
// Longhorn, 5 Argo CD), so each phase is one command. The scripts hold no secret: they decrypt the
// store with the operator's own age identity (sops) and pipe values straight into files on the
// targets. Every step is safe to re-run.
import type { Guest, Model } from "../../model/model.js";
import {
  generatedBy,
  type GenerateContext,
  type GeneratedFile,
  type SecretInstall,
} from "../../artifact/artifact.js";
import { guestSetup, sysctlFile } from "../cloud-init/guest-setup.js";
import { BOOTSTRAP_DIR } from "../cluster/app-of-apps.js";
import { ARGOCD_SERVER, bootstrapOrder, type Step } from "../cluster/deploy-order.js";
import { HELM_CONTROLLER_NAMESPACE } from "../cluster/helmchart-bootstrap.js";
import { clusterLayout } from "../corosync/cluster-layout.js";
import { BOOTSTRAP_FILE } from "../corosync/paths.js";
import { kubeVipApi } from "../../topology/vips.js";
import {
  guestArch,
  k3sInstallCommand,
  k3sNodes,
  k3sService,
  type K3sNode,
} from "../../topology/k3s-nodes.js";
import { K3S_API_PORT } from "../../topology/ports.js";
import { TOFU_DIR } from "../opentofu/opentofu.js";
import { shellQuote as q } from "../../util/shell-quote.js";

export interface Phase {
  number: number;
  title: string;
  /** The one command, or undefined when the lab has nothing to do in this phase. */
  command?: string;
  what: string;
  /** The script's steps in order, each with what it waits for: where a rerun picks up. */
  steps?: string[];
  script?: GeneratedFile;
}

export const kubeconfigPath = (model: Model): string => `\${HLAB_KUBECONFIG:-$HOME/.kube/${model.name}.yaml}`;

/**
 * The same path in a script: the lab's name enters as a quoted assignment, so the double-quoted
 * expansion that follows never parses a spec value.
 */
const kubeconfigLines = (model: Model, assign: string): string[] => [
  `lab=${q(model.name)}`,
  `${assign}="\${HLAB_KUBECONFIG:-$HOME/.kube/$lab.yaml}"`,
];

/** `$SSH TARGET 'COMMAND'`: the command is one word for the local shell, parsed again by the remote one. */
const remote = (target: string, command: string, flags = ""): string =>
  `$SSH ${flags ? `${flags} ` : ""}${q(target)} ${q(command)}`;

const script = (model: Model, n: number, name: string, purpose: string, body: string[]): GeneratedFile => ({
  path: `bootstrap/${n}-${name}.sh`,
  mode: 0o755,
  content: [
    "#!/bin/sh",
    `# ${generatedBy(model)}`,
    `# Phase ${n}: ${purpose}`,
    "set -eu",
    'cd "$(dirname "$0")/.."',
    "",
    ...body,
    "",
  ].join("\n"),
});

const SSH_VAR = 'SSH="${HLAB_SSH:-ssh -o StrictHostKeyChecking=accept-new -o ConnectTimeout=10}"';

/** Shell helpers shared by the scripts that reach guests. */
const HELPERS = [
  SSH_VAR,
  "# wait_ssh TARGET: until the machine answers on SSH (10 minutes at most).",
  "wait_ssh() {",
  "  n=0",
  '  until $SSH "$1" true 2>/dev/null; do',
  '    n=$((n + 1)); [ "$n" -lt 120 ] || { echo "$1 does not answer on SSH" >&2; exit 1; }; sleep 5',
  "  done",
  "}",
  "# push DIR TARGET SUDO: copy a generated tree onto / (existing folders keep their owners and modes).",
  "push() {",
  '  tar -C "$1" -cf - . | $SSH "$2" "${3}tar -C / -xpf - --no-overwrite-dir --no-same-owner"',
  "}",
  "# secret FILE EXTRACT TARGET SUDO PATH: decrypt one value with your age identity into a root-only file.",
  "secret() {",
  '  sops -d --extract "$2" "$1" | $SSH "$3" "${4}install -D -m 0600 /dev/stdin $5"',
  "}",
  "# activate DIR TARGET SUDO: load what was pushed (sysctls, firewall, load balancer, VPN).",
  "activate() {",
  '  $SSH "$2" "${3}sysctl --system >/dev/null"',
  // Not `systemctl restart nftables`: its stop step flushes the whole ruleset, including the tables
  // kube-proxy, flannel and the Proxmox firewall keep. The file replaces only hlab's own table.
  '  if [ -f "$1/etc/nftables.conf" ]; then $SSH "$2" "${3}systemctl enable nftables && ${3}nft -f /etc/nftables.conf"; fi',
  '  if [ -f "$1/etc/haproxy/haproxy.cfg" ]; then $SSH "$2" "${3}systemctl enable haproxy && ${3}systemctl reload-or-restart haproxy"; fi',
  '  if [ -f "$1/etc/keepalived/keepalived.conf" ]; then $SSH "$2" "${3}systemctl enable keepalived && ${3}systemctl restart keepalived"; fi',
  '  for conf in "$1"/etc/wireguard/*.conf; do',
  '    [ -f "$conf" ] || continue',
  '    wg_if=$(basename "$conf" .conf)',
  '    $SSH "$2" "${3}systemctl enable wg-quick@$wg_if && ${3}systemctl restart wg-quick@$wg_if"',
  "  done",
  "}",
];

interface Login {
  target: string;
  sudo: string;
}

/** VMs log in as the cloud-init admin user, containers as root (their only account), metal as the admin. */
function login(model: Model, guest: Guest, address: string): Login {
  if (guest.kind === "lxc") return { target: `root@${address}`, sudo: "" };
  return { target: `${model.access.user}@${address}`, sudo: "sudo " };
}

const guestAddress = (model: Model, guest: Guest): string =>
  (model.kubernetes && guest.address[model.kubernetes.api.network]) ??
  Object.values(guest.address)[0] ??
  guest.name;

const hostAddress = (model: Model, host: string): string => {
  const h = model.hosts.find((x) => x.name === host);
  const link = model.proxmox?.links[0];
  return (link && h?.address[link]) ?? Object.values(h?.address ?? {})[0] ?? host;
};

function phase1(model: Model): Phase {
  const px = model.proxmox;
  const title = "Proxmox VE cluster";
  if (!px || !px.nodes.length)
    return { number: 1, title, what: "No Proxmox VE host in the spec: nothing to do." };
  const body: string[] = [
    ...HELPERS,
    "",
    "# The hosts' own files (network, firewall), loaded; then the bridges are reloaded.",
  ];
  for (const n of px.nodes) {
    const target = `root@${hostAddress(model, n)}`;
    const dir = q(`proxmox/${n}`);
    body.push(
      `if [ -d ${dir} ]; then`,
      `  push ${dir} ${q(target)} ''`,
      `  activate ${dir} ${q(target)} ''`,
      `  ${remote(target, "ifreload -a")}`,
      "fi",
    );
  }
  const layout = clusterLayout(model);
  if (layout) {
    const [first, ...rest] = layout.nodes;
    const links = (rings: (string | undefined)[]): string =>
      rings.flatMap((a, i) => (a ? [`--link${i} ${q(a)}`] : [])).join(" ");
    const firstAddr = first!.rings.find((a) => a) ?? hostAddress(model, first!.name);
    body.push(
      "",
      `# The cluster: created on ${first!.name}, joined by the others one at a time (pvecm asks for ${first!.name}'s root password).`,
      remote(
        `root@${firstAddr}`,
        `pvecm status >/dev/null 2>&1 || pvecm create ${q(layout.name)} ${links(first!.rings)}`,
      ),
      ...rest.map((nd) =>
        remote(
          `root@${hostAddress(model, nd.name)}`,
          `pvecm status >/dev/null 2>&1 || pvecm add ${q(firstAddr)} ${links(nd.rings)} --nodeid ${nd.nodeid}`,
          "-t",
        ),
      ),
    );
    const device = layout.quorum.device;
    if (device) {
      // An odd node count (lms) needs --force: proxmox/pve-cluster src/PVE/CLI/pvecm.pm.
      const force = device.algorithm === "lms" ? " --force" : "";
      body.push(
        remote(
          `root@${firstAddr}`,
          `pvecm status | grep -q Qdevice || pvecm qdevice setup ${q(device.address)}${force}`,
          "-t",
        ),
      );
    }
  }
  const snippets = px.storage.find((s) => s.content.includes("snippets"));
  const content = snippets ? snippets.content : ["iso", "vztmpl", "backup", "snippets"];
  body.push(
    "",
    "# OpenTofu uploads cloud-init files as snippets, which a fresh Proxmox VE does not allow.",
    remote(
      `root@${hostAddress(model, px.nodes[0]!)}`,
      `pvesm set ${q(snippets?.name ?? "local")} --content ${q(content.join(","))}`,
    ),
  );
  if (layout)
    body.push(
      `echo ${q(`Cluster formed. Last step: install the generated corosync.conf as ${BOOTSTRAP_FILE} explains.`)}`,
    );
  const s = script(model, 1, "proxmox", "install the Proxmox hosts' files and form the cluster.", body);
  return {
    number: 1,
    title,
    command: `./${s.path}`,
    what: layout
      ? `Installs each host's network files, forms the ${layout.nodes.length}-node cluster \`${layout.name}\` with pvecm (details and quorum: \`${BOOTSTRAP_FILE}\`), and allows snippets on the storage OpenTofu uploads cloud-init files to.`
      : "Installs the host's network files and allows snippets on the storage OpenTofu uploads cloud-init files to.",
    script: s,
  };
}

function phase2(model: Model): Phase {
  const title = "VMs and containers with OpenTofu";
  const guests = model.guests.filter((g) => g.kind !== "metal");
  if (!model.proxmox || !guests.length)
    return { number: 2, title, what: "No VM or container in the spec: nothing to do." };
  const s = script(model, 2, "vms", "create the VMs and containers on Proxmox VE with OpenTofu.", [
    `: "\${TF_VAR_proxmox_api_token:?export TF_VAR_proxmox_api_token='user@pam!token-id=secret' (an API token), then run again}"`,
    `tofu ${q(`-chdir=${TOFU_DIR}`)} init -input=false`,
    `tofu ${q(`-chdir=${TOFU_DIR}`)} apply`,
  ]);
  return {
    number: 2,
    title,
    command: `TF_VAR_proxmox_api_token='user@pam!token-id=secret' ./${s.path}`,
    what: `Creates ${guests.length} guest${guests.length === 1 ? "" : "s"} (${guests.map((g) => g.name).join(", ")}) from \`${TOFU_DIR}/\`. Snippets go over SSH: load your key into ssh-agent first.`,
    script: s,
  };
}

const installsFor = (
  installs: readonly SecretInstall[],
  kind: "guest" | "host",
  name: string,
): SecretInstall[] => installs.filter((i) => i.targets.some((t) => t.kind === kind && t.name === name));

/** What cloud-init does for a VM, done over SSH for a container or a bare-metal guest. */
function osSetup(model: Model, guest: Guest, target: string, sudo: string): string[] {
  const setup = guestSetup(model, guest);
  // A container cannot load kernel modules: its host does.
  const modules = guest.kind === "lxc" ? [] : setup.modules;
  return [
    `$SSH ${q(target)} ${q(`${sudo}sh -s`)} <<'REMOTE'`,
    "set -eu",
    "apt-get update -qq",
    `DEBIAN_FRONTEND=noninteractive apt-get install -y -qq ${setup.packages.map(q).join(" ")}`,
    ...(setup.sysctls.length
      ? ["cat > /etc/sysctl.d/90-hlab.conf <<'EOF'", ...sysctlFile(setup).trimEnd().split("\n"), "EOF"]
      : []),
    ...(modules.length
      ? [
          "cat > /etc/modules-load.d/hlab.conf <<'EOF'",
          ...modules,
          "EOF",
          ...modules.map((m) => `modprobe ${q(m)}`),
        ]
      : []),
    ...setup.services.map((svc) => `systemctl enable --now ${q(svc)}`),
    "REMOTE",
  ];
}

function prepareGuest(model: Model, guest: Guest, installs: readonly SecretInstall[]): string[] {
  const { target, sudo } = login(model, guest, guestAddress(model, guest));
  const dir = q(`nodes/${guest.name}`);
  const lines = [`# ${guest.name} (${guest.kind} on ${guest.host}, ${guest.role})`, `wait_ssh ${q(target)}`];
  if (guest.kind === "vm") lines.push(remote(target, "cloud-init status --wait >/dev/null || true"));
  else lines.push(...osSetup(model, guest, target, sudo));
  lines.push(`if [ -d ${dir} ]; then push ${dir} ${q(target)} ${q(sudo)}; fi`);
  for (const i of installsFor(installs, "guest", guest.name))
    lines.push(`secret ${q(i.file)} ${q(i.extract)} ${q(target)} ${q(sudo)} ${q(i.installPath)}`);
  lines.push(`if [ -d ${dir} ]; then activate ${dir} ${q(target)} ${q(sudo)}; fi`, "");
  return lines;
}

function startK3s(model: Model, node: K3sNode): string[] {
  const { target, sudo } = login(model, node.guest, node.address);
  const k8s = model.kubernetes!;
  return [
    `$SSH ${q(target)} ${q(`${sudo}sh -s`)} <<'REMOTE'`,
    "set -eu",
    `[ -x /usr/local/bin/k3s ] || { ${k3sInstallCommand(k8s, node.role, guestArch(model, node.guest))}; }`,
    `systemctl enable --now ${q(k3sService(node.role))}`,
    "REMOTE",
  ];
}

function phase3(model: Model, ctx: GenerateContext): Phase {
  const title = "K3s HA";
  const k8s = model.kubernetes;
  const nodes = k3sNodes(model);
  if (!k8s || !nodes.length) return { number: 3, title, what: "No Kubernetes in the spec: nothing to do." };
  const installs = ctx.secretInstalls ?? [];
  const k3sNames = new Set(nodes.map((n) => n.guest.name));
  // Load balancers and the VPN first: servers may join through the load balancers' VIP.
  const ordered = [...model.guests.filter((g) => !k3sNames.has(g.name)), ...nodes.map((n) => n.guest)];
  const body = [...HELPERS, "", "# 1. Every guest: its packages, its generated files, its secrets."];
  for (const g of ordered) body.push(...prepareGuest(model, g, installs));
  for (const host of model.proxmox?.nodes ?? []) {
    for (const i of installsFor(installs, "host", host))
      body.push(
        `secret ${q(i.file)} ${q(i.extract)} ${q(`root@${hostAddress(model, host)}`)} '' ${q(i.installPath)}`,
      );
  }
  const [first, ...others] = nodes.filter((n) => n.role === "server");
  const agents = nodes.filter((n) => n.role === "agent");
  const firstLogin = login(model, first!.guest, first!.address);
  const kubectl = `${firstLogin.sudo}k3s kubectl`;
  body.push(
    // $1 expands locally, so these remote commands stay in double quotes; the names passed are
    // quoted at each call, and the schema keeps them to [a-z0-9-], which the remote shell reads as is.
    "# wait_node NAME: until the node has registered and is Ready.",
    "wait_node() {",
    `  until $SSH ${q(firstLogin.target)} "${kubectl} get node $1" >/dev/null 2>&1; do sleep 5; done`,
    `  $SSH ${q(firstLogin.target)} "${kubectl} wait --for=condition=Ready node/$1 --timeout=600s"`,
    "}",
    "",
    `# 2. ${first!.guest.name} first${first!.initialises ? ": it initialises embedded etcd" : ""}.`,
    ...startK3s(model, first!),
    `wait_node ${q(first!.guest.name)}`,
  );
  const kubeVip = kubeVipApi(model);
  if (kubeVip) {
    body.push(
      `# kube-vip (deployed from the server's manifests) must hold the VIP before anyone joins through it.`,
      `until ${remote(firstLogin.target, `ip -o -4 addr show | grep -qw ${q(kubeVip.address)}`)}; do sleep 5; done`,
    );
  }
  if (others.length)
    body.push(
      "",
      `# 3. The other servers, one at a time: each joins through ${k8s.api.endpoint}:${K3S_API_PORT}.`,
    );
  for (const n of others) body.push(...startK3s(model, n), `wait_node ${q(n.guest.name)}`);
  if (agents.length) body.push("", "# 4. Agents.");
  for (const n of agents) body.push(...startK3s(model, n), `wait_node ${q(n.guest.name)}`);
  body.push(
    "",
    "# Your kubeconfig, pointing at the API endpoint rather than at one server.",
    ...kubeconfigLines(model, "kubeconfig"),
    'mkdir -p "$(dirname "$kubeconfig")"',
    `( umask 077; ${remote(firstLogin.target, `${firstLogin.sudo}cat /etc/rancher/k3s/k3s.yaml`)} | sed ${q(`s/127.0.0.1/${k8s.api.endpoint}/`)} > "$kubeconfig" )`,
    'echo "K3s is up. export KUBECONFIG=$kubeconfig"',
  );
  const s = script(
    model,
    3,
    "k3s",
    "install every guest's files and secrets, then start K3s in order.",
    body,
  );
  const servers = nodes.filter((n) => n.role === "server").length;
  return {
    number: 3,
    title,
    command: `./${s.path}`,
    what:
      `Installs \`nodes/<guest>/\` on every guest and the secrets they use (decrypted with your age identity by sops), ` +
      `then starts ${servers === 1 ? "the K3s server" : `the ${servers} K3s servers one by one`}` +
      `${agents.length ? `, then ${agents.length === 1 ? "the agent" : `${agents.length} agents`}` : ""}, and writes your kubeconfig.`,
    script: s,
  };
}

// k3s-io/helm-controller (main, 2026-07), pkg/controllers/chart/chart.go: the Job that installs a
// HelmChart is `helm-install-<name>`, in the HelmChart's namespace.
const WAIT_CHART = [
  "# wait_chart NAME: until K3s' Helm controller has installed the HelmChart NAME (its Job completed).",
  "wait_chart() {",
  "  n=0",
  `  until kubectl -n ${HELM_CONTROLLER_NAMESPACE} get job "helm-install-$1" >/dev/null 2>&1; do`,
  `    n=$((n + 1)); [ "$n" -lt 120 ] || { echo "no Job helm-install-$1 after 10 minutes: kubectl -n ${HELM_CONTROLLER_NAMESPACE} describe helmchart $1" >&2; exit 1; }; sleep 5`,
  "  done",
  `  kubectl -n ${HELM_CONTROLLER_NAMESPACE} wait --for=condition=Complete "job/helm-install-$1" --timeout=15m`,
  "}",
];

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
  "Every step is safe to rerun: after a failure, run the script again; what is already applied or installed stays as it is.";

/** One step of the deploy order as a command. */
function stepCommand(step: Step): string {
  switch (step.op) {
    case "apply":
      return `kubectl apply -f ${q(step.file)}`;
    case "wait-chart":
      return `wait_chart ${q(step.release)}`;
    case "wait-crds":
      return `kubectl wait --for=condition=Established --timeout=5m ${step.crds.map((c) => q(`crd/${c}`)).join(" ")}`;
    case "wait-rollout":
      return `kubectl -n ${q(step.namespace)} rollout status ${q(step.workload)} --timeout=15m`;
  }
}

/** Applies bootstrap files in the deploy order, waiting wherever a kind is not served yet. */
function applyBootstrap(
  model: Model,
  n: 4 | 5,
  name: string,
  purpose: string,
  steps: readonly Step[],
  after: string[],
  before: string[] = [],
): GeneratedFile {
  const waits = steps.some((s) => s.op === "wait-chart");
  return script(model, n, name, purpose, [
    ...kubeconfigLines(model, "export KUBECONFIG"),
    ...(waits ? WAIT_CHART : []),
    ...before,
    "# Each file once the kinds it holds are served: chart installed, CRDs Established, webhook running.",
    ...steps.map(stepCommand),
    ...after,
  ]);
}

function phase4(model: Model): Phase {
  const title = "Longhorn and MetalLB";
  if (!model.kubernetes) return { number: 4, title, what: "No Kubernetes in the spec: nothing to do." };
  const s = applyBootstrap(
    model,
    4,
    "storage-network",
    "MetalLB and Longhorn, before GitOps takes over.",
    bootstrapOrder(model).storageNetwork,
    ['echo "K3s\' Helm controller installs the charts; watch with: kubectl get helmcharts -A"'],
  );
  const parts = [
    model.metallbPools.length
      ? `MetalLB with the pool${model.metallbPools.length === 1 ? "" : "s"} ${model.metallbPools.map((p) => p.name).join(", ")}`
      : undefined,
    model.storage.class === "longhorn"
      ? `Longhorn (${model.storage.longhorn?.replicas ?? 3} replicas)`
      : undefined,
  ].filter(Boolean);
  return {
    number: 4,
    title,
    command: `./${s.path}`,
    what: `Applies the bootstrap charts of \`${BOOTSTRAP_DIR}/\` for ${parts.length ? parts.join(" and ") : "MetalLB and Longhorn, when the spec has them"}, each after the CRDs and webhooks its objects need; what is not bootstrapped here, Argo CD installs in phase 5. ${RERUN}`,
    steps: bootstrapOrder(model).storageNetwork.map(stepText),
    script: s,
  };
}

function phase5(model: Model): Phase {
  const title = "Argo CD GitOps";
  if (!model.kubernetes) return { number: 5, title, what: "No Kubernetes in the spec: nothing to do." };
  const s = applyBootstrap(
    model,
    5,
    "gitops",
    "Argo CD and the root application; from here on, Git drives the cluster.",
    bootstrapOrder(model).gitops,
    [
      stepCommand({ op: "wait-rollout", ...ARGOCD_SERVER }),
      `echo "Argo CD is up. Push this repository where cluster/README.md says; Argo CD syncs from there."`,
    ],
    [
      "# The services' Secrets first, decrypted with your age identity, so charts find them when they start.",
      "find secrets -name '*.sops.yaml' | sort | while read -r f; do",
      "  grep -q '^kind: Secret' \"$f\" || continue",
      '  ns=$(sops -d --extract \'["metadata"]["namespace"]\' "$f")',
      '  kubectl create namespace "$ns" --dry-run=client -o yaml | kubectl apply -f -',
      '  sops -d "$f" | kubectl apply -f -',
      "done",
    ],
  );
  return {
    number: 5,
    title,
    command: `./${s.path}`,
    what: `Applies the rest of the bootstrap folder (Argo CD, the Git server it reads, then the root app-of-apps once the Application CRD is established); Argo CD then syncs every service from this repository once it is pushed (see \`cluster/README.md\`). ${RERUN}`,
    steps: [
      "apply the encrypted Secrets of `secrets/`, decrypted with your age identity",
      ...bootstrapOrder(model).gitops.map(stepText),
      stepText({ op: "wait-rollout", ...ARGOCD_SERVER }).replace(" (its admission webhook answers)", ""),
    ],
    script: s,
  };
}

export function bootstrapPhases(model: Model, ctx: GenerateContext): Phase[] {
  return [phase1(model), phase2(model), phase3(model, ctx), phase4(model), phase5(model)];
}
