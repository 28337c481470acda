// Alerts derived from the plan: the thresholds come from the spec (how many servers make a quorum,
// which nodes may hold the VIP, when backups are due), so an alert fires exactly when the margin the
// plan counted on is gone — before the next failure turns into an outage.
import type { Model } from "../../model/model.js";
import { majority } from "../../topology/majority.js";
import { cnpgDatabases, databaseNamespace } from "./cnpg.js";
import { backendGuests } from "../../topology/backend-address.js";
import { kubeVipApi } from "../../topology/vips.js";
import { frontendName } from "../../topology/lb-frontends.js";
import { LB_JOB, lbTargets } from "./lb-metrics.js";
import { kubeObject, type KubeObject } from "./manifest.js";
import { LONGHORN_BACKUP_JOB, LONGHORN_NAMESPACE } from "./longhorn.js";
import { MONITORING_NAMESPACE } from "./network-policy.js";
import { sloRuleGroups } from "./slo-rules.js";

interface Rule {
  alert: string;
  expr: string;
  for: string;
  labels: { severity: "warning" | "critical" };
  annotations: { summary: string; description: string };
}

const rule = (
  alert: string,
  expr: string,
  forDuration: string,
  severity: Rule["labels"]["severity"],
  summary: string,
  description: string,
): Rule => ({
  alert,
  expr,
  for: forDuration,
  labels: { severity },
  annotations: { summary, description },
});

// Guest names are DNS labels (letters, digits, '-'): nothing to escape in a regex alternation.
const nodeRegex = (names: readonly string[]): string => names.join("|");

function quorumRules(model: Model): Rule[] {
  const k = model.kubernetes;
  if (!k || k.datastore !== "embedded-etcd" || k.servers.length < 3) return [];
  const n = k.servers.length;
  const quorum = majority(n);
  const ready = `sum(kube_node_status_condition{condition="Ready",status="true",node=~"${nodeRegex(k.servers)}"})`;
  return [
    rule(
      "EtcdQuorumAtRisk",
      `${ready} <= ${quorum}`,
      "2m",
      "warning",
      "One more K3s server failure loses etcd quorum",
      `Only {{ $value }} of ${n} K3s servers are Ready; etcd needs ${quorum}. Repair or replace the missing server before anything else fails.`,
    ),
    rule(
      "EtcdQuorumLost",
      `${ready} < ${quorum}`,
      "1m",
      "critical",
      "etcd has lost quorum: the Kubernetes API is read-only or down",
      `{{ $value }} of ${n} K3s servers are Ready, fewer than the ${quorum} etcd needs.`,
    ),
  ];
}

function storageRules(model: Model): Rule[] {
  const lh = model.storage.longhorn;
  if (model.storage.class !== "longhorn" || !lh) return [];
  return [
    rule(
      "LonghornVolumeDegraded",
      'max by (volume, pvc, pvc_namespace) (longhorn_volume_robustness{state="degraded"}) == 1',
      "10m",
      "warning",
      "A Longhorn volume runs with fewer replicas than planned",
      `Volume {{ $labels.volume }} ({{ $labels.pvc_namespace }}/{{ $labels.pvc }}) has fewer than its ${lh.replicas} healthy replicas: one more host failure may take its data offline.`,
    ),
    rule(
      "LonghornVolumeFaulted",
      'max by (volume, pvc, pvc_namespace) (longhorn_volume_robustness{state="faulted"}) == 1',
      "2m",
      "critical",
      "A Longhorn volume has no healthy replica",
      "Volume {{ $labels.volume }} ({{ $labels.pvc_namespace }}/{{ $labels.pvc }}) is faulted: its pods cannot start until a replica is salvaged.",
    ),
  ];
}

/**
 * kube-vip records its leader in the `plndr-cp-lock` Lease. The holder is a label, so each server is
 * given a number and the VIP's moves are the changes of that number.
 */
function vipRules(model: Model): Rule[] {
  const k = model.kubernetes;
  const vip = kubeVipApi(model);
  if (!k || !vip || vip.candidates.length < 2) return [];
  const holder = vip.candidates
    .map(
      (s, i) =>
        `(max(kube_lease_owner{namespace="kube-system",lease="plndr-cp-lock",lease_holder="${s}"}) or vector(0)) * ${i + 1}`,
    )
    .join(" + ");
  return [
    rule(
      "KubeVipMovingTooOften",
      `changes((${holder})[1h:30s]) > 3`,
      "0m",
      "warning",
      `The API VIP ${vip.address} moved between servers more than three times in an hour`,
      "Leader elections this frequent mean a flapping link, an overloaded server or timers too tight for this network (kube-vip lease " +
        `${k.kubeVip.leaseMs / 1000}s, renew ${k.kubeVip.renewMs / 1000}s).`,
    ),
  ];
}

/** The HAProxy pair outside the cluster, from its scraped metrics (lb-metrics.ts). */
function loadBalancerRules(model: Model): Rule[] {
  const scraped = new Set(lbTargets(model).map((t) => t.loadBalancer));
  return model.loadBalancers
    .filter((lb) => scraped.has(lb.name))
    .flatMap((lb) => {
      const sel = `job="${LB_JOB}",load_balancer="${lb.name}"`;
      const pair = lb.guests.length > 1;
      // Each frontend's backend against the number of servers the spec gives it.
      const expected = lb.frontends
        .map((f) => ({ proxy: frontendName(lb, f), servers: backendGuests(model, f.backends).length }))
        .filter((x) => x.servers > 0);
      const rules = [
        rule(
          "LoadBalancerDown",
          `up{${sel}} == 0`,
          "2m",
          pair ? "warning" : "critical",
          pair
            ? `A load balancer of "${lb.name}" is down: the VIP ${lb.vip} has no spare`
            : `The load balancer "${lb.name}" is down: nothing answers on ${lb.vip}`,
          pair
            ? "HAProxy on {{ $labels.guest }} does not answer Prometheus. keepalived has moved the VIP to a peer if it could; one more failure and the VIP is gone."
            : "HAProxy on {{ $labels.guest }} does not answer Prometheus, and it is the only guest of this load balancer.",
        ),
      ];
      if (expected.length === 0) return rules;
      return [
        ...rules,
        rule(
          "LoadBalancerBackendEmpty",
          `haproxy_backend_active_servers{${sel}} == 0`,
          "1m",
          "critical",
          `A backend of load balancer "${lb.name}" has no server up`,
          "{{ $labels.proxy }} on {{ $labels.guest }} routes to nothing. Its /healthz fails, so keepalived gives the VIP to a peer that can still route, if there is one.",
        ),
        rule(
          "LoadBalancerBackendDegraded",
          expected
            .map((x) => `haproxy_backend_active_servers{${sel},proxy="${x.proxy}"} < ${x.servers}`)
            .join(" or "),
          "10m",
          "warning",
          `A backend of load balancer "${lb.name}" runs with fewer servers than planned`,
          "{{ $labels.proxy }} on {{ $labels.guest }} has {{ $value }} servers up; the plan counted on all of them.",
        ),
      ];
    });
}

function certificateRules(): Rule[] {
  return [
    rule(
      "CertificateExpiresSoon",
      "certmanager_certificate_expiration_timestamp_seconds - time() < 21 * 24 * 3600",
      "1h",
      "warning",
      "A certificate expires in less than three weeks",
      "cert-manager has not renewed {{ $labels.namespace }}/{{ $labels.name }}; it renews a third of the lifetime before expiry, so renewal is failing.",
    ),
    rule(
      "CertificateNotReady",
      'max by (namespace, name) (certmanager_certificate_ready_status{condition="True"}) == 0',
      "15m",
      "warning",
      "A certificate is not ready",
      "{{ $labels.namespace }}/{{ $labels.name }} has no valid certificate: its Ingress serves Traefik's default one.",
    ),
  ];
}

/**
 * Seconds between two runs of a five-field cron schedule, for the common shapes (every N hours, daily,
 * weekly, monthly); anything else counts as daily.
 */
export function cronIntervalSeconds(cron: string): number {
  const [minute = "0", hour = "*", dom = "*", , dow = "*"] = cron.trim().split(/\s+/);
  const hourSeconds = 3600;
  if (dow !== "*") return 7 * 24 * hourSeconds;
  if (dom !== "*") return 31 * 24 * hourSeconds;
  const every = /^\*\/(\d+)$/.exec(hour);
  if (every) return Number(every[1]) * hourSeconds;
  if (hour === "*") return minute.startsWith("*/") ? Number(minute.slice(2)) * 60 : hourSeconds;
  return (24 / hour.split(",").length) * hourSeconds;
}

/** A backup is missed when none succeeded in two of its intervals. */
const missedAfter = (cron: string): number => 2 * cronIntervalSeconds(cron);

function backupRules(model: Model): Rule[] {
  const rules: Rule[] = [];
  for (const db of cnpgDatabases(model)) {
    if (!db.backups?.destination) continue;
    const ns = databaseNamespace(model, db);
    rules.push(
      rule(
        "DatabaseBackupMissed",
        `time() - max(cnpg_collector_last_available_backup_timestamp{namespace="${ns}",pod=~"${db.name}-[0-9]+"}) > ${missedAfter(db.backups.schedule)}`,
        "10m",
        "critical",
        `No backup of database ${db.name} for two scheduled intervals`,
        `The schedule is "${db.backups.schedule}" to ${db.backups.destination}; the last backup is {{ $value | humanizeDuration }} old.`,
      ),
    );
  }
  const lh = model.storage.longhorn;
  if (model.storage.class === "longhorn" && lh?.backupTarget) {
    rules.push(
      rule(
        "VolumeBackupMissed",
        `time() - kube_cronjob_status_last_successful_time{namespace="${LONGHORN_NAMESPACE}",cronjob="${LONGHORN_BACKUP_JOB}"} > ${missedAfter(lh.backups?.schedule ?? lh.snapshotSchedule)}`,
        "10m",
        "critical",
        "Longhorn has not backed volumes up for two scheduled intervals",
        `The schedule is "${lh.backups?.schedule ?? lh.snapshotSchedule}" to ${lh.backupTarget}.`,
      ),
    );
  }
  return rules;
}

/** The PrometheusRule of the plan (cert-manager is always part of the platform), its SLOs included. */
export function planAlertRules(model: Model): KubeObject | undefined {
  const groups = [
    ...sloRuleGroups(model),
    { name: "hlab.quorum", rules: quorumRules(model) },
    { name: "hlab.storage", rules: storageRules(model) },
    { name: "hlab.vip", rules: vipRules(model) },
    { name: "hlab.loadbalancers", rules: loadBalancerRules(model) },
    { name: "hlab.certificates", rules: certificateRules() },
    { name: "hlab.backups", rules: backupRules(model) },
  ].filter((g) => g.rules.length > 0);
  if (groups.length === 0) return undefined;
  return kubeObject(
    "monitoring.coreos.com/v1",
    "PrometheusRule",
    { name: "hlab-plan", namespace: MONITORING_NAMESPACE },
    {
      spec: { groups },
    },
  );
}
