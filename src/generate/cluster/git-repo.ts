// The Git repository Argo CD reads: the generated tree pushed to the lab's own Gitea or Forgejo, reached
// inside the cluster so GitOps keeps working when the ingress or DNS is down.
import type { Model, Service } from "../../model/model.js";
import { inCluster, serviceNamespace } from "./service-facts.js";

export const GIT_REVISION = "main";

export function gitServer(model: Model): Service | undefined {
  return model.services.find((s) => (s.catalog === "gitea" || s.catalog === "forgejo") && inCluster(s));
}

/** Owner/name of the repository on the Git server: the admin user and the lab's name. */
export const repoPath = (model: Model): string => `${model.access.user}/${model.name}`;

export function gitRepoUrl(model: Model): string {
  if (model.gitops.repository) return model.gitops.repository;
  const git = gitServer(model);
  const domain = model.kubernetes?.clusterDomain ?? "cluster.local";
  if (!git) {
    // No Git server and no gitops.repository: expected at git.<domain> (see cluster/README.md).
    return `https://git.${model.dns.domain}/${repoPath(model)}.git`;
  }
  return `http://${git.name}-http.${serviceNamespace(git)}.svc.${domain}:3000/${repoPath(model)}.git`;
}
