// What the plan expects a fault to cost each probe, to print beside what the lab measured. The
// figures are the plan's own (src/analyze/failover-costs.ts): the load balancer profile's VRRP
// takeover and HAProxy detection, kube-vip's lease, etcd's election, Patroni's or CloudNativePG's
// failover, a pod rescheduled after its node is lost: the same names `hlab plan --measured` takes back.
import { BACKUP_PRIORITY, FailoverCosts } from "../analyze/failover-costs.js";
import type { Model } from "../model/model.js";
import { majority } from "../topology/majority.js";
import type { FaultKind } from "./chaos.js";
import type { LabPlan } from "./lab-plan.js";
import type { ProbeTarget } from "./probe-target.js";

export interface Snapshot {
  /** VIP address -> nodes holding it. */
  holders: Record<string, string[]>;
  etcdLeader?: string;
  /** Database -> primary node. */
  primaries: Record<string, string | undefined>;
}

export interface PredictedFault {
  kind: FaultKind;
  /** Nodes the fault takes off the network or stops entirely. */
  down: string[];
  /** kill/freeze of one process: which, where. */
  process?: { node: string; name: string };
  /** A flapping NIC stays down this long each time: no outage can outlast it. */
  downForMs?: number;
}

export interface Prediction {
  target: string;
  /** Expected outage, ms; null when the model says nothing about this fault. */
  ms: number | null;
  /** True when only some requests fail (a dead backend until HAProxy marks it down). */
  partial: boolean;
  /** The model's timing name, when the figure is one. */
  timing?: string;
  because: string;
  /** The fault ended (a flapping NIC came back) before the failover could complete. */
  capped?: boolean;
}

/** Failover components a probe path crosses and what the model charges when each fails. */
export function predict(
  plan: LabPlan,
  model: Model,
  fault: PredictedFault,
  before: Snapshot,
  targets: readonly ProbeTarget[],
  priorities: Record<string, number>,
): Prediction[] {
  const costs = new FailoverCosts(model);
  const down = new Set(fault.down);
  const stopped = (node: string | undefined, daemon: string): boolean =>
    node !== undefined && (down.has(node) || (fault.process?.node === node && fault.process.name === daemon));
  const out: Prediction[] = [];
  for (const t of targets) {
    const parts: Prediction[] = [];
    const vip = plan.vips.find((v) => v.address === t.vip);
    if (vip) {
      const holder = before.holders[vip.address]?.[0];
      if (vip.movedBy === "keepalived" && stopped(holder, "keepalived")) {
        const lb = model.loadBalancers.find((l) => l.vip === vip.address);
        const backup = vip.candidates.find((c) => c !== holder);
        const prio = backup ? (priorities[backup] ?? 100) : 100;
        const ms = Math.round(lb ? costs.vrrpTakeover(lb) : costs.ms("vrrp.failover"));
        const assumed =
          prio === BACKUP_PRIORITY
            ? ""
            : ` (the plan assumes backup priority ${BACKUP_PRIORITY}; the config says ${prio})`;
        parts.push({
          target: t.id,
          ms,
          partial: false,
          timing: "vrrp.failover",
          because: lb
            ? `VRRPv${lb.vrrp.version} takeover, advert ${lb.vrrp.advertMs} ms${assumed}`
            : "keepalived takeover",
        });
      }
      if (vip.movedBy === "kubevip-standin" && stopped(holder, "kubevip-standin")) {
        parts.push({
          target: t.id,
          ms: costs.kubeVip(),
          partial: false,
          timing: "kubevip.failover",
          because: "kube-vip lease expiry",
        });
      }
      if (
        vip.movedBy === "kubevip-standin" &&
        holder &&
        stopped(holder, "ingress-standin") &&
        !stopped(holder, "kubevip-standin") &&
        t.kind === "http"
      ) {
        parts.push({
          target: t.id,
          ms: null,
          partial: false,
          because: "kube-vip keeps the VIP on a node whose ingress is dead: until restored",
        });
      }
      const lb = model.loadBalancers.find((l) => l.vip === vip.address);
      const frontend = lb?.frontends.find((f) => f.port === t.port);
      if (lb && frontend) {
        const k8s = model.kubernetes;
        const names =
          frontend.backends === "k3s-servers"
            ? (k8s?.servers ?? [])
            : frontend.backends === "k3s-agents"
              ? (k8s?.agents ?? [])
              : [...(k8s?.servers ?? []), ...(k8s?.agents ?? [])];
        const backendNodes = names.map(
          (n) => plan.nodes.find((x) => x.name === n || x.guests.includes(n))?.name,
        );
        if (backendNodes.some((n) => stopped(n, "ingress-standin"))) {
          const hc = lb.healthCheck;
          parts.push({
            target: t.id,
            ms: costs.haproxyDetect(lb),
            partial: true,
            because: `HAProxy marks the dead backend down (inter ${hc.interMs}, fall ${hc.fall}, fastinter ${hc.fastinterMs})`,
          });
        }
      }
    }
    if (t.kind === "http") {
      const placed = plan.ingress[0]?.services.find((x) => `http:${x.name}` === t.id);
      if (
        placed &&
        placed.replicas.length > 0 &&
        placed.replicas.every((r) => stopped(r, "ingress-standin"))
      ) {
        const service = model.services.find((x) => x.name === placed.name);
        const volume = Boolean(service && service.persistenceGiB > 0 && model.storage.class === "longhorn");
        parts.push({
          target: t.id,
          ms: costs.reschedule(volume),
          partial: false,
          because: `every replica's node is down: pods rescheduled after NotReady and eviction${volume ? " and a Longhorn reattach" : ""} (the lab does not reschedule: until restored)`,
        });
      }
    }
    if ((t.kind === "api-write" || t.kind === "api-read") && plan.etcd) {
      const members = plan.etcd.members.map((m) => m.node);
      const lost = members.filter((m) => stopped(m, "etcd")).length;
      if (lost > 0 && members.length - lost < majority(members.length)) {
        parts.push({ target: t.id, ms: null, partial: false, because: "etcd loses quorum: until restored" });
      } else if (stopped(before.etcdLeader, "etcd")) {
        parts.push({
          target: t.id,
          ms: costs.ms("etcd.election"),
          partial: false,
          timing: "etcd.election",
          because: "etcd elects a new leader",
        });
      }
    }
    if (t.kind === "sql") {
      const db = plan.databases.find((d) => t.id === `sql:${d.name}`);
      const primary = db ? before.primaries[db.name] : undefined;
      if (db && (stopped(primary, "patroni") || (primary !== undefined && down.has(primary)))) {
        const timing = db.engine === "cloudnative-pg" ? "cnpg.failover" : "patroni.failover";
        parts.push({
          target: t.id,
          ms: costs.ms(timing),
          partial: false,
          timing,
          because:
            db.engine === "cloudnative-pg"
              ? "CloudNativePG promotes the synchronous standby (plan figure; the lab runs Patroni)"
              : "Patroni leader key expires, the synchronous standby is promoted",
        });
      }
    }
    if (fault.kind === "partition" || fault.kind === "loss") {
      if (parts.length === 0)
        parts.push({
          target: t.id,
          ms: null,
          partial: false,
          because: `${fault.kind}: not modelled by the plan`,
        });
    }
    if (parts.length === 0) continue;
    // The probe sees the slowest of the components it waits for; partial effects only if nothing else.
    const full = parts.filter((p) => !p.partial);
    const pick = full.length
      ? full.reduce((a, b) => (a.ms === null ? a : b.ms === null ? b : a.ms >= b.ms ? a : b))
      : parts.reduce((a, b) => ((a.ms ?? 0) >= (b.ms ?? 0) ? a : b));
    if (fault.downForMs !== undefined && (pick.ms === null || pick.ms > fault.downForMs)) {
      out.push({
        ...pick,
        ms: fault.downForMs,
        capped: true,
        because: `the NIC is back after ${fault.downForMs} ms, before ${pick.because} (${pick.ms === null ? "no failover" : `${pick.ms} ms`})`,
      });
    } else out.push(pick);
  }
  return out;
}

/** The first `priority N` of a keepalived.conf (keepalived's default is 100). */
export function keepalivedPriority(config: string): number {
  const m = /^\s*priority\s+(\d+)/m.exec(config);
  return m ? Number(m[1]) : 100;
}

/** The first `advert_int` of a keepalived.conf in ms (keepalived's default is 1 s). */
export function keepalivedAdvertMs(config: string): number {
  const m = /^\s*advert_int\s+([\d.]+)/m.exec(config);
  return m ? Math.round(Number(m[1]) * 1000) : 1000;
}
