// Longhorn: the default StorageClass, with the plan's replica count, replicas kept on different physical
// hosts wherever there are enough of them, pods of a dead node deleted so their volumes can attach
// elsewhere, and recurring snapshots (and backups when the spec names a target).
import type { Model } from "../../model/model.js";
import { needsSingleReplicaClass, singleReplicaStorageClass } from "./cnpg.js";
import { component, type Component } from "./component.js";
import { resources, zoneAntiAffinity } from "./hardening.js";
import { kubeObject, type KubeObject } from "./manifest.js";
import { fromApiServer, fromNodes, toApiServer, toInternet } from "./network-policy.js";
import { fitsOnePerZone, kubernetesNodes } from "./placement.js";
import { findService, hostnameOf, monitoringEnabled, resourcesOf } from "./service-facts.js";
import { chartPin } from "./versions.js";

export const LONGHORN_NAMESPACE = "longhorn-system";
/** The RecurringJob that backs volumes up; the backup-missed alert watches its CronJob. */
export const LONGHORN_BACKUP_JOB = "backup";
const UI_PORT = 8000;
const UI_SELECTOR = { app: "longhorn-ui" };

function recurringJob(name: string, task: "snapshot" | "backup", cron: string, retain: number): KubeObject {
  return kubeObject(
    "longhorn.io/v1beta2",
    "RecurringJob",
    { name, namespace: LONGHORN_NAMESPACE },
    {
      spec: { name, task, cron, retain, concurrency: 1, groups: ["default"], labels: {} },
    },
  );
}

export function longhornComponent(model: Model): Component | undefined {
  const lh = model.storage.longhorn;
  if (model.storage.class !== "longhorn" || !lh) return undefined;
  const svc = findService(model, "longhorn");
  const host = hostnameOf(model, svc, "longhorn");
  const replicas = lh.replicas;
  const perEngine = (v: string): string => JSON.stringify({ v1: v, v2: v });
  const uiReplicas = Math.min(2, Math.max(1, kubernetesNodes(model).length));
  // Bootstrapped: the Git server Argo CD reads keeps its repositories on a Longhorn volume.
  const c = component("longhorn", LONGHORN_NAMESPACE, -2, "privileged");
  c.bootstrap = true;
  c.workloads = [{ name: "longhorn-ui", selector: UI_SELECTOR, replicas: uiReplicas }];
  c.charts.push({
    pin: chartPin("longhorn", svc?.version),
    values: {
      persistence: { defaultClass: true, defaultClassReplicaCount: replicas },
      defaultSettings: {
        defaultReplicaCount: perEngine(String(replicas)),
        nodeDownPodDeletionPolicy: lh.nodeDownPodDeletion,
        // Zone = physical host: never two replicas of a volume on one machine when the hosts suffice.
        replicaZoneSoftAntiAffinity: String(!fitsOnePerZone(model, replicas)),
        // After a host comes back, move replicas back so each host holds one again.
        replicaAutoBalance: "best-effort",
      },
      ...(lh.backupTarget ? { defaultBackupStore: { backupTarget: lh.backupTarget } } : {}),
      // The UI Deployment reads replicas, affinity, priorityClass, tolerations and nodeSelector only
      // (longhorn/longhorn v1.12.1, chart/templates/deployment-ui.yaml): spread it by affinity.
      longhornUI: {
        replicas: uiReplicas,
        affinity: zoneAntiAffinity(UI_SELECTOR, fitsOnePerZone(model, uiReplicas)),
      },
      longhornManager: { resources: resources(resourcesOf(svc, "longhorn")) },
      metrics: { serviceMonitor: { enabled: monitoringEnabled(model) } },
    },
  });
  c.manifests["recurring-jobs"] = [
    recurringJob("snapshot", "snapshot", lh.snapshotSchedule, 7),
    ...(lh.backupTarget && lh.backups
      ? [recurringJob(LONGHORN_BACKUP_JOB, "backup", lh.backups.schedule, lh.backups.retain)]
      : []),
  ];
  if (needsSingleReplicaClass(model)) c.manifests["storage-classes"] = [singleReplicaStorageClass()];
  if (host)
    c.web.push({ name: "longhorn", host, service: "longhorn-frontend", servicePort: 80, podPort: UI_PORT });
  c.network.push(
    fromApiServer(model, 9501, 9502, 9503),
    fromNodes(model, [3260], "iSCSI from the nodes' initiators to the volume engines"),
    toApiServer(model),
    ...(lh.backupTarget ? [toInternet([], "the backup target")] : []),
  );
  return c;
}
