// cluster/README.md: how the GitOps tree comes alive (the few steps no file can do by itself), how the
// encrypted Secrets reach the cluster, and what each Application installs.
import type { Model } from "../../model/model.js";
import type { GeneratedFile } from "../../artifact/artifact.js";
import { generatedBy } from "../../artifact/artifact.js";
import { dnsServiceAddress } from "./adguard.js";
import { BOOTSTRAP_DIR } from "../../artifact/repo-layout.js";
import { APPS_DIR, ROOT_APP, SERVICES_DIR } from "./app-of-apps.js";
import { backupCredentials, cnpgDatabases, databaseNamespace } from "./cnpg.js";
import type { Component } from "./component.js";
import { ROOT_CA_SECRET, CERT_MANAGER_NAMESPACE } from "./cert-manager.js";
import { secretFilePath, sopsExtractPath } from "../../artifact/secret-layout.js";
import { gitRepoUrl, gitServer, repoPath } from "./git-repo.js";
import { gitServerSecrets } from "./git-server.js";
import { platformSecrets } from "./platform.js";
import { ZONE_LABEL } from "./placement.js";
import { findService, installsTraefik, serviceNamespace } from "./service-facts.js";

function applicationsTable(components: readonly Component[]): string[] {
  const rows = components.map((c) => {
    const charts = c.charts.map((h) => `${h.pin.chart} ${h.pin.version}`).join(", ") || "manifests only";
    const hosts = c.web.map((w) => `https://${w.host}/`).join(" ") || "-";
    return `| ${c.name} | ${c.namespace} | ${c.wave} | ${charts} | ${hosts} |`;
  });
  return ["| Application | Namespace | Wave | Charts | Web |", "|---|---|---|---|---|", ...rows];
}

function bootstrapSteps(model: Model, components: readonly Component[]): string[] {
  const git = gitServer(model);
  const bootstrapped = components.filter((c) => c.bootstrap).map((c) => c.name);
  const steps = [
    `1. The bootstrap phases of the root README apply \`${BOOTSTRAP_DIR}/\` with kubectl: K3s' Helm controller installs`,
    `   ${bootstrapped.join(", ")} from their HelmChart objects, and the root Application starts (it waits for the repository).`,
    "2. Apply the encrypted Secrets (next section) before the services that read them start.",
  ];
  if (model.gitops.repository) {
    steps.push(
      `3. Push this tree to the \`main\` branch of ${model.gitops.repository} (\`gitops.repository\` in the spec); the root Application reads it there.`,
      `4. If the repository is private, give Argo CD read access: \`argocd repo add ${model.gitops.repository}\` with a token or deploy key.`,
    );
  } else if (git) {
    steps.push(
      `3. When ${git.name} answers, create the repository \`${repoPath(model)}\` and push this tree to its \`main\` branch`,
      `   (through the ingress or a port-forward); Argo CD reads it from inside the cluster at ${gitRepoUrl(model)}.`,
      `4. If the repository is private, give Argo CD read access: \`argocd repo add ${gitRepoUrl(model)} --username ${model.access.user}\`.`,
    );
  } else {
    steps.push(
      `3. The spec has no Git server: host this repository at \`${gitRepoUrl(model)}\` (the root Application reads it there).`,
    );
  }
  const runnerToken = gitServerSecrets(model).find((r) => r.kind === "hex32");
  if (git?.catalog === "forgejo" && runnerToken) {
    const token = `sops -d --extract '${sopsExtractPath(runnerToken)}' ${secretFilePath(runnerToken.name)}`;
    steps.push(
      "5. Forgejo registers the runner from the shared token once (its secret is the token's SHA-1, 40 hex digits):",
      `   \`kubectl -n ${serviceNamespace(git)} exec deploy/${git.name} -- forgejo forgejo-cli actions register --name ${model.name}-runner --secret "$(${token} | tr -d '\\n' | sha1sum | cut -c1-40)"\``,
    );
  }
  return steps;
}

function secretsSection(model: Model): string[] {
  const secrets = platformSecrets(model).filter((s) => s.kubernetes);
  const lines = [
    "## Secrets",
    "",
    "No Secret value is in this tree. `hlab build` writes each Secret below SOPS-encrypted to the age recipients of",
    "the spec (a Kubernetes Secret manifest under `secrets/`); the manifests only name them. Argo CD does not",
    "decrypt: apply them with your age key after the bootstrap and whenever one changes,",
    "",
    "```sh",
    ...[...new Set(secrets.map((s) => s.kubernetes!.namespace))]
      .sort()
      .map((ns) => `kubectl create namespace ${ns} --dry-run=client -o yaml | kubectl apply -f -`),
    ...secrets.map((s) => `sops -d ${secretFilePath(s.name)} | kubectl apply -f -`),
    "```",
    "",
    "or install KSOPS in the Argo CD repo server and let it decrypt them in place.",
    "",
    "| Secret | Namespace | Key | What |",
    "|---|---|---|---|",
    ...secrets.map(
      (s) =>
        `| ${s.kubernetes!.name} | ${s.kubernetes!.namespace} | ${s.kubernetes!.key} | ${s.description} |`,
    ),
  ];
  const dbs = cnpgDatabases(model).filter((d) => d.backups?.destination);
  if (dbs.length) {
    lines.push(
      "",
      "Object-store credentials are yours, not generated: create them (keys `ACCESS_KEY_ID`, `ACCESS_SECRET_KEY`) before the first backup:",
      "",
      ...dbs.map(
        (d) =>
          `- \`${backupCredentials(d)}\` in namespace \`${databaseNamespace(model, d)}\` for ${d.backups!.destination}`,
      ),
    );
  }
  return lines;
}

function operationsSection(model: Model): string[] {
  const dns = dnsServiceAddress(model);
  const adguard = findService(model, "adguard-home");
  const lines = [
    "## Operating it",
    "",
    `- Host names resolve to the ingress address ${model.kubernetes?.ingress.address ?? "(none: see the plan)"}.` +
      (adguard
        ? ` AdGuard Home answers them${dns ? ` at ${dns}` : " on every node's port 53"}; give that address to DHCP clients as their DNS server.`
        : ""),
    `- Certificates come from the lab's own CA. Trust it once: \`kubectl -n ${CERT_MANAGER_NAMESPACE} get secret ${ROOT_CA_SECRET} -o jsonpath='{.data.ca\\.crt}' | base64 -d > ${model.name}-ca.crt\`.`,
    `- Spreading relies on the node label \`${ZONE_LABEL}\` = physical host, which the K3s configs set.`,
    installsTraefik(model)
      ? "- Traefik is this tree's pinned chart; the K3s configs disable K3s' bundled one."
      : "- The spec lists no Traefik: K3s' bundled Traefik serves the Ingresses.",
    `- Removing a service from the spec removes its Application; its volumes stay until you delete them (no cascading finalizer).`,
    ...(gitServer(model)?.runner
      ? [
          `- The runner's jobs clone from https://${gitServer(model)!.hostname ?? `git.${model.dns.domain}`}/, whose certificate the lab CA signs: jobs that verify TLS need that CA.`,
        ]
      : []),
    `- Argo CD's initial admin password: \`kubectl -n argocd get secret argocd-initial-admin-secret -o jsonpath='{.data.password}' | base64 -d\`.`,
  ];
  return lines;
}

export function clusterReadme(model: Model, components: readonly Component[]): GeneratedFile {
  const content = [
    `<!-- ${generatedBy(model)} -->`,
    "",
    `# GitOps tree of ${model.name}`,
    "",
    `Argo CD syncs \`${APPS_DIR}/\` through the \`${ROOT_APP}\` Application (app of apps). Each Application installs its`,
    `pinned Helm charts and the manifests under \`${SERVICES_DIR}/<name>/\`; \`${BOOTSTRAP_DIR}/\` is what K3s installs before Argo CD runs.`,
    "",
    "## Bootstrap",
    "",
    ...bootstrapSteps(model, components),
    "",
    ...secretsSection(model),
    "",
    ...operationsSection(model),
    "",
    "## Applications",
    "",
    ...applicationsTable(components),
    "",
  ].join("\n");
  return { path: "cluster/README.md", content };
}
