// Planned maintenance on one design, as step lists with the state during each step: the rolling
// maintenance of the hosts (each drained and rebooted in turn) and a K3s upgrade, one minor version
// at a time (an etcd snapshot first, servers one by one, agents after), the order Kubernetes' version
// skew policy asks for (kubernetes/website content/en/releases/version-skew-policy.md: the API server
// one minor at a time, kubelets never newer than it) and the K3s upgrade guide follows.
import type { Model } from "../../model/model.js";
import { STEP_DURATION } from "./change-durations.js";
import { StepList, summarisePlan } from "./change-plan.js";
import type { ChangePlan } from "./change-report.js";

/** Each host drained and rebooted in turn, Proxmox nodes first, in spec order. */
export function rollingMaintenance(model: Model, file: string): ChangePlan {
  const list = new StepList(model);
  const px = model.hosts.filter((h) => h.kind === "proxmox");
  const hosts = px.length ? px : model.hosts;
  for (const h of hosts)
    list.emit({
      kind: "reboot-host",
      machine: h.name,
      title: `drain ${h.name}, reboot it (updates applied), wait until it is back`,
      why: "one host at a time: the next one waits until every layer has its members back",
      durationMs: STEP_DURATION.drain + STEP_DURATION.hostReboot,
      out: [`host:${h.name}`],
      mode: "drained",
    });
  return summarisePlan(
    `rolling maintenance of ${model.name} (${file})`,
    model,
    model,
    { from: file, to: file },
    list.steps,
    [],
  );
}

export interface K3sVersion {
  major: number;
  minor: number;
  text: string;
}

/** `v1.36.3+k3s1` -> 1, 36; undefined when it is not a K3s release name. */
export function parseK3sVersion(text: string): K3sVersion | undefined {
  const m = /^v(\d+)\.(\d+)(?:\.\d+)?(?:[+-][0-9A-Za-z.+-]*)?$/.exec(text.trim());
  return m ? { major: Number(m[1]), minor: Number(m[2]), text: text.trim() } : undefined;
}

/** Why an upgrade cannot be planned, or undefined. */
export function upgradeProblem(model: Model, target: string): string | undefined {
  const k = model.kubernetes;
  if (!k) return "the design has no Kubernetes section";
  const from = parseK3sVersion(k.version);
  const to = parseK3sVersion(target);
  if (!to) return `\`${target}\` is not a K3s release name (e.g. v1.37.1+k3s1)`;
  if (!from) return `the spec's version \`${k.version}\` is not a K3s release name`;
  if (to.major !== from.major) return `K3s ${from.major}.x to ${to.major}.x is not a minor upgrade`;
  if (to.minor < from.minor) return `${target} is older than ${k.version}: K3s does not downgrade`;
  if (to.text === from.text) return `the design already runs ${target}`;
  return undefined;
}

/** One minor version at a time to `target`; throws on what upgradeProblem reports. */
export function upgradeK3s(model: Model, target: string, file: string): ChangePlan {
  const problem = upgradeProblem(model, target);
  if (problem) throw new Error(problem);
  const k = model.kubernetes!;
  const from = parseK3sVersion(k.version)!;
  const to = parseK3sVersion(target)!;
  const list = new StepList(model);
  const etcd = k.datastore === "embedded-etcd";
  const first = k.servers[0]!;
  list.emit({
    kind: "etcd-snapshot",
    machine: first,
    title: etcd
      ? `take an etcd snapshot on ${first} (\`k3s etcd-snapshot save\`) before anything changes`
      : `copy ${first}'s sqlite datastore (/var/lib/rancher/k3s/server/db) before anything changes`,
    why: "the way back if an upgrade goes wrong",
    durationMs: STEP_DURATION.etcdSnapshot,
  });
  const minors: string[] = [];
  for (let m = from.minor + 1; m < to.minor; m++) minors.push(`v${from.major}.${m}`);
  minors.push(to.text);
  if (to.minor === from.minor) minors.splice(0, minors.length, to.text);
  for (const version of minors) {
    const exact = version === to.text;
    const label = exact ? version : `the latest ${version} patch release`;
    const nodes = [
      ...k.servers.map((n) => ({ n, role: "server" as const })),
      ...k.agents.map((n) => ({ n, role: "agent" as const })),
    ];
    nodes.forEach(({ n, role }, i) =>
      list.emit({
        kind: role === "server" ? "upgrade-k3s-server" : "upgrade-k3s-agent",
        machine: n,
        title: `upgrade K3s ${role} ${n} to ${label}`,
        why:
          role === "server"
            ? "servers first, one at a time: the others keep etcd's majority and the API"
            : "agents after every server: a kubelet is never newer than its API server",
        durationMs: STEP_DURATION.k3sUpgrade,
        version,
        out: [`guest:${n}`],
        mode: "drained",
        outageReason:
          role === "server" && k.servers.length === 1
            ? `${n} is the only K3s server: the API is down while it restarts on the new version`
            : undefined,
        mutate:
          i === nodes.length - 1 ? (m) => ({ ...m, kubernetes: { ...m.kubernetes!, version } }) : undefined,
      }),
    );
  }
  const plan = summarisePlan(
    `K3s ${k.version} -> ${target} on ${model.name} (${file})`,
    model,
    model,
    { from: file, to: file },
    list.steps,
    [],
  );
  plan.lines.splice(
    1,
    0,
    `${minors.length} minor version(s) in turn (${minors.join(", ")}): a maintenance window of about ${Math.round(plan.totalMs / 60_000)} min.`,
  );
  return plan;
}
