// The lab's Git server (Gitea or Forgejo, whichever the spec names) and its Actions runner. The server
// keeps its repositories on a replicated volume; the runner runs jobs in its own Docker daemon (a
// sidecar), never on the node's container runtime. Gitea accepts a shared registration token from the
// environment, so the runner registers itself; Forgejo needs one command (cluster/README.md).
import type { Model, Service } from "../../model/model.js";
import type { SecretRequest } from "../../artifact/artifact.js";
import { appSecret, primaryHost } from "./cnpg.js";
import { component, type Component } from "./component.js";
import { gitServer } from "./git-repo.js";
import { nodeDownTolerations, probes, resources, tcpAction } from "./hardening.js";
import { kubeObject, type KubeObject } from "./manifest.js";
import { ARGOCD_NAMESPACE } from "./app-of-apps.js";
import { fromNamespace, toInternet } from "./network-policy.js";
import { monitoringEnabled, resourcesOf, serviceNamespace } from "./service-facts.js";
import { chartPin, imageRef } from "./versions.js";

const HTTP_PORT = 3000;
const DIND_PORT = 2376;

const adminSecretName = (git: Service): string => `${git.name}-admin`;
const runnerSecretName = (git: Service): string => `${git.name}-runner-token`;

export function gitServerSecrets(model: Model): SecretRequest[] {
  const git = gitServer(model);
  if (!git) return [];
  const namespace = serviceNamespace(git);
  const admin: SecretRequest = {
    name: `${git.name}-admin`,
    kind: "password",
    description: `${git.catalog === "forgejo" ? "Forgejo" : "Gitea"} admin password (user \`${model.access.user}\`)`,
    kubernetes: {
      namespace,
      name: adminSecretName(git),
      key: "password",
      literals: { username: model.access.user },
    },
  };
  const runner: SecretRequest = {
    name: `${git.name}-runner-token`,
    kind: "hex32",
    description: "Shared registration token of the Actions runner",
    kubernetes: { namespace, name: runnerSecretName(git), key: "token" },
  };
  return git.runner ? [admin, runner] : [admin];
}

function databaseConfig(
  model: Model,
  git: Service,
): { config: Record<string, unknown>; env: Record<string, unknown>[] } {
  const db = model.databases.find((d) => d.name === git.database && d.engine === "cloudnative-pg");
  if (!db) return { config: { DB_TYPE: "sqlite3" }, env: [] };
  return {
    config: {
      DB_TYPE: "postgres",
      HOST: `${primaryHost(model, db)}:5432`,
      NAME: "app",
      USER: "app",
      SSL_MODE: "require",
    },
    env: [
      {
        name: "GITEA__DATABASE__PASSWD",
        valueFrom: { secretKeyRef: { name: appSecret(db), key: "password" } },
      },
    ],
  };
}

function serverValues(model: Model, git: Service): Record<string, unknown> {
  const host = git.hostname ?? `git.${model.dns.domain}`;
  const db = databaseConfig(model, git);
  const gitea = git.catalog === "gitea";
  const metrics = monitoringEnabled(model);
  return {
    replicaCount: 1,
    // One pod at a time: the repositories volume is ReadWriteOnce.
    strategy: { type: "Recreate" },
    ...(gitea
      ? {
          "postgresql-ha": { enabled: false },
          postgresql: { enabled: false },
          "valkey-cluster": { enabled: false },
          valkey: { enabled: false },
        }
      : {}),
    persistence: {
      enabled: true,
      size: `${Math.max(1, git.persistenceGiB)}Gi`,
      storageClass: model.storage.class,
    },
    resources: resources(resourcesOf(git, git.catalog ?? "gitea")),
    tolerations: nodeDownTolerations(model),
    ingress: { enabled: false },
    deployment: {
      env:
        git.runner && gitea
          ? [
              {
                name: "GITEA_RUNNER_REGISTRATION_TOKEN",
                valueFrom: { secretKeyRef: { name: runnerSecretName(git), key: "token" } },
              },
            ]
          : [],
    },
    gitea: {
      admin: {
        existingSecret: adminSecretName(git),
        email: `${model.access.user}@${model.dns.domain}`,
        passwordMode: "keepUpdated",
      },
      metrics: { enabled: metrics, serviceMonitor: { enabled: metrics } },
      additionalConfigFromEnvs: db.env,
      config: {
        server: { DOMAIN: host, ROOT_URL: `https://${host}/`, SSH_DOMAIN: host },
        database: db.config,
        session: { PROVIDER: "db" },
        cache: { ADAPTER: "memory" },
        queue: { TYPE: "level" },
        service: { DISABLE_REGISTRATION: true },
        actions: { ENABLED: git.runner },
      },
    },
  };
}

/** The runner's start: register once (the registration lives on its volume), then serve jobs. */
function runnerContainer(model: Model, git: Service): Record<string, unknown> {
  const url = `http://${git.name}-http:${HTTP_PORT}`;
  const name = `${model.name}-runner`;
  const docker = [
    { name: "DOCKER_HOST", value: `tcp://localhost:${DIND_PORT}` },
    { name: "DOCKER_TLS_VERIFY", value: "1" },
    { name: "DOCKER_CERT_PATH", value: "/certs/client" },
  ];
  const tail = {
    resources: resources({ cpuMillis: 100, memoryMiB: 256 }),
    volumeMounts: [
      { name: "data", mountPath: "/data" },
      { name: "certs", mountPath: "/certs", readOnly: true },
      { name: "token", mountPath: "/secret", readOnly: true },
    ],
    // Registered means the registration file exists; the daemon restarts itself on errors.
    livenessProbe: {
      exec: { command: ["test", "-s", "/data/.runner"] },
      initialDelaySeconds: 60,
      periodSeconds: 30,
      failureThreshold: 4,
    },
  };
  if (git.catalog === "gitea") {
    return {
      name: "runner",
      image: imageRef("gitea-runner"),
      workingDir: "/data",
      env: [
        { name: "GITEA_INSTANCE_URL", value: url },
        { name: "GITEA_RUNNER_REGISTRATION_TOKEN_FILE", value: "/secret/token" },
        { name: "GITEA_RUNNER_NAME", value: name },
        { name: "GITEA_RUNNER_LABELS", value: "ubuntu-latest:docker://node:20-bookworm" },
        ...docker,
      ],
      ...tail,
    };
  }
  // Forgejo registers a runner offline from a secret of 40 hex digits shared with the server: the
  // token's SHA-1, computed the same way on both sides (cluster/README.md).
  return {
    name: "runner",
    image: imageRef("forgejo-runner"),
    workingDir: "/data",
    command: ["/bin/sh", "-c"],
    args: [
      `[ -s .runner ] || forgejo-runner create-runner-file --instance ${url} --name ${name} --secret "$(tr -d '\\n' < /secret/token | sha1sum | cut -c1-40)"; exec forgejo-runner daemon`,
    ],
    env: docker,
    ...tail,
  };
}

function runnerManifests(model: Model, git: Service): KubeObject[] {
  const namespace = serviceNamespace(git);
  const name = `${git.name}-runner`;
  const labels = { "app.kubernetes.io/name": name, "app.kubernetes.io/part-of": git.name };
  const pvc = kubeObject(
    "v1",
    "PersistentVolumeClaim",
    { name: `${name}-data`, namespace },
    {
      spec: {
        accessModes: ["ReadWriteOnce"],
        storageClassName: model.storage.class,
        resources: { requests: { storage: "1Gi" } },
      },
    },
  );
  const dind = {
    name: "docker",
    image: imageRef("dind"),
    // Docker-in-Docker needs a privileged container: jobs are isolated in it, not on the node.
    securityContext: { privileged: true },
    env: [{ name: "DOCKER_TLS_CERTDIR", value: "/certs" }],
    resources: resources({ cpuMillis: 500, memoryMiB: 1024 }),
    volumeMounts: [
      { name: "certs", mountPath: "/certs" },
      { name: "docker", mountPath: "/var/lib/docker" },
    ],
    ...probes(tcpAction(DIND_PORT)),
  };
  const deployment = kubeObject(
    "apps/v1",
    "Deployment",
    { name, namespace, labels },
    {
      spec: {
        replicas: 1,
        strategy: { type: "Recreate" },
        selector: { matchLabels: labels },
        template: {
          metadata: { labels },
          spec: {
            tolerations: nodeDownTolerations(model),
            containers: [runnerContainer(model, git), dind],
            volumes: [
              { name: "data", persistentVolumeClaim: { claimName: `${name}-data` } },
              { name: "certs", emptyDir: {} },
              { name: "docker", emptyDir: {} },
              { name: "token", secret: { secretName: runnerSecretName(git) } },
            ],
          },
        },
      },
    },
  );
  return [pvc, deployment];
}

export function gitServerComponent(model: Model): Component | undefined {
  const git = gitServer(model);
  if (!git || !git.catalog) return undefined;
  const namespace = serviceNamespace(git);
  const c = component(git.name, namespace, -1, git.runner ? "privileged" : "baseline");
  // Bootstrapped: Argo CD reads every other Application from this server, so it cannot install it.
  c.bootstrap = true;
  c.charts.push({
    pin: chartPin(git.catalog === "forgejo" ? "forgejo" : "gitea", git.version),
    values: serverValues(model, git),
  });
  c.secrets.push(...gitServerSecrets(model));
  const host = git.hostname ?? `git.${model.dns.domain}`;
  c.web.push({
    name: git.name,
    host,
    service: `${git.name}-http`,
    servicePort: HTTP_PORT,
    podPort: HTTP_PORT,
  });
  c.network.push(
    fromNamespace(ARGOCD_NAMESPACE, [HTTP_PORT], "Argo CD reading the repository"),
    toInternet(
      [80, 443].map((port) => ({ port, protocol: "TCP" as const })),
      "mirrors, job images and packages",
    ),
  );
  if (git.runner) c.manifests["runner"] = runnerManifests(model, git);
  return c;
}
