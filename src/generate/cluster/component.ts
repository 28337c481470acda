// What one platform service contributes to the GitOps tree, as data: its Helm charts with values, its
// own manifests, the secrets it needs, what it must reach on the network and which workloads need a
// disruption budget. cluster.ts turns every Component into an Argo CD Application plus files; the
// hardening shared by all (PDB, NetworkPolicy, Ingress) is applied there once, not in each service.
import type { SecretRequest } from "../../artifact/artifact.js";
import type { KubeObject, Labels } from "./manifest.js";
import type { NetworkRule } from "./network-policy.js";
import type { ChartPin } from "./versions.js";

export type PodSecurityLevel = "privileged" | "baseline" | "restricted";

export interface HelmSource {
  pin: ChartPin;
  /** Helm release name; default the Application name. */
  releaseName?: string;
  values: Record<string, unknown>;
}

/** A web UI published through the ingress controller with a certificate. */
export interface WebEndpoint {
  /** Names the Ingress and its certificate Secret. */
  name: string;
  host: string;
  service: string;
  servicePort: number;
  /** The container port behind the Service: NetworkPolicies match it, not the Service port. */
  podPort: number;
}

/** A set of pods that must keep running through a node drain. */
export interface Workload {
  name: string;
  /** Labels that select exactly its pods (the chart's selector labels). */
  selector: Labels;
  replicas: number;
}

export interface Component {
  /** Application name, file names and the folder of its manifests. */
  name: string;
  namespace: string;
  /** Argo CD sync wave: CRDs and storage before what uses them. */
  wave: number;
  podSecurity: PodSecurityLevel;
  charts: HelmSource[];
  /** Extra manifests by concern: `services/<name>/<concern>.yaml`. */
  manifests: Record<string, KubeObject[]>;
  secrets: SecretRequest[];
  web: WebEndpoint[];
  workloads: Workload[];
  /** What its pods must reach or be reached from, beyond the namespace baseline. */
  network: NetworkRule[];
  /** Installed by K3s from cluster/bootstrap/ before Argo CD runs; Argo CD then manages that file. */
  bootstrap?: boolean;
}

/** A component with nothing yet: each service file fills in what it has. */
export const component = (
  name: string,
  namespace: string,
  wave: number,
  podSecurity: PodSecurityLevel,
): Component => ({
  name,
  namespace,
  wave,
  podSecurity,
  charts: [],
  manifests: {},
  secrets: [],
  web: [],
  workloads: [],
  network: [],
});
