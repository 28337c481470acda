// Every custom resource kind the GitOps tree may contain, by `apiVersion/kind`. A kind missing here is
// reported, not waved through: a new CRD in a generator needs its schema first.
import { application } from "./argocd-application.js";
import { certificate, clusterIssuer } from "./cert-manager.js";
import { cnpgCluster, scheduledBackup } from "./cnpg.js";
import { helmChart } from "./helm-chart.js";
import { recurringJob } from "./longhorn.js";
import { ipAddressPool, l2Advertisement } from "./metallb.js";
import { podMonitor, prometheusRule } from "./prometheus-operator.js";
import type { Schema } from "./structural-schema.js";
import { middleware } from "./traefik.js";

export const CRD_SCHEMAS: ReadonlyMap<string, Schema> = new Map([
  ["argoproj.io/v1alpha1/Application", application],
  ["helm.cattle.io/v1/HelmChart", helmChart],
  ["metallb.io/v1beta1/IPAddressPool", ipAddressPool],
  ["metallb.io/v1beta1/L2Advertisement", l2Advertisement],
  ["cert-manager.io/v1/Certificate", certificate],
  ["cert-manager.io/v1/ClusterIssuer", clusterIssuer],
  ["postgresql.cnpg.io/v1/Cluster", cnpgCluster],
  ["postgresql.cnpg.io/v1/ScheduledBackup", scheduledBackup],
  ["monitoring.coreos.com/v1/PrometheusRule", prometheusRule],
  ["monitoring.coreos.com/v1/PodMonitor", podMonitor],
  ["longhorn.io/v1beta2/RecurringJob", recurringJob],
  ["traefik.io/v1alpha1/Middleware", middleware],
]);
