// The rules that keep a service up through a host failure, written once for every service: replicas
// spread over physical hosts, a disruption budget so a drain never takes them all, requests and limits
// so one service cannot starve a node, probes so traffic only reaches pods that answer.
import type { Model } from "../../model/model.js";
import type { Workload } from "./component.js";
import { kubeObject, type KubeObject, type Labels } from "./manifest.js";
import { HOSTNAME_LABEL, ZONE_LABEL } from "./placement.js";

/**
 * One replica per physical host at most ahead of the others (hard), and over VMs inside a host (soft).
 * nodeTaintsPolicy Honor: a dead node is tainted unreachable, so its host stops counting and the
 * surviving hosts can take the replacement pods instead of leaving them Pending.
 */
export function zoneSpread(selector: Labels): Record<string, unknown>[] {
  const labelSelector = { matchLabels: selector };
  return [
    {
      maxSkew: 1,
      topologyKey: ZONE_LABEL,
      whenUnsatisfiable: "DoNotSchedule",
      nodeTaintsPolicy: "Honor",
      labelSelector,
    },
    { maxSkew: 1, topologyKey: HOSTNAME_LABEL, whenUnsatisfiable: "ScheduleAnyway", labelSelector },
  ];
}

/**
 * For charts that take an affinity but no spread constraints: replicas on different physical hosts,
 * required when every replica can have a host of its own, preferred otherwise.
 */
export function zoneAntiAffinity(selector: Labels, required: boolean): Record<string, unknown> {
  const term = { labelSelector: { matchLabels: selector }, topologyKey: ZONE_LABEL };
  return {
    podAntiAffinity: required
      ? { requiredDuringSchedulingIgnoredDuringExecution: [term] }
      : { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 100, podAffinityTerm: term }] },
  };
}

/** A disruption budget for workloads that have replicas to spare; a single pod gets none (it would block drains). */
export function podDisruptionBudget(namespace: string, w: Workload): KubeObject | undefined {
  if (w.replicas < 2) return undefined;
  return kubeObject(
    "policy/v1",
    "PodDisruptionBudget",
    { name: w.name, namespace },
    {
      spec: { maxUnavailable: 1, selector: { matchLabels: w.selector } },
    },
  );
}

export interface ResourceFigures {
  cpuMillis: number;
  memoryMiB: number;
}

/**
 * Requests are what the scheduler reserves (the catalogue's figures); the memory limit turns a leak into
 * one restarted pod instead of a node under memory pressure; the CPU limit leaves room for bursts.
 */
export function resources(f: ResourceFigures): Record<string, unknown> {
  return {
    requests: { cpu: `${f.cpuMillis}m`, memory: `${f.memoryMiB}Mi` },
    limits: { cpu: `${f.cpuMillis * 4}m`, memory: `${f.memoryMiB * 2}Mi` },
  };
}

export const DEFAULT_RESOURCES: ResourceFigures = { cpuMillis: 100, memoryMiB: 128 };

type ProbeAction =
  { httpGet: { path: string; port: number | string } } | { tcpSocket: { port: number | string } };

const probe = (
  action: ProbeAction,
  periodSeconds: number,
  failureThreshold: number,
): Record<string, unknown> => ({
  ...action,
  periodSeconds,
  timeoutSeconds: 2,
  failureThreshold,
});

/** Readiness quickly takes a pod out of its Service; liveness restarts only after a long silence. */
export function probes(action: ProbeAction): Record<string, unknown> {
  return {
    readinessProbe: probe(action, 5, 3),
    livenessProbe: probe(action, 10, 6),
    startupProbe: probe(action, 5, 60),
  };
}

export const httpAction = (path: string, port: number | string): ProbeAction => ({ httpGet: { path, port } });
export const tcpAction = (port: number | string): ProbeAction => ({ tcpSocket: { port } });

/** The StorageClass every PersistentVolumeClaim names, so a local-path → Longhorn migration is one diff. */
export const storageClass = (model: Model): string => model.storage.class;

/** Pods are evicted from a dead node after the spec's toleration (K3s default 300 s), not Kubernetes' own. */
export function nodeDownTolerations(model: Model): Record<string, unknown>[] {
  const seconds = Math.round((model.kubernetes?.nodeDownEvictionMs ?? 300_000) / 1000);
  return ["node.kubernetes.io/not-ready", "node.kubernetes.io/unreachable"].map((key) => ({
    key,
    operator: "Exists",
    effect: "NoExecute",
    tolerationSeconds: seconds,
  }));
}
