// kube-vip's leader election, as the shipped DaemonSet can express it. One owner for the rule, read
// by the spec check, the generator, the plan and the lab stand-in, so the four cannot disagree.
//
// Sources:
// - kube-vip v1.2.3 pkg/kubevip/config_types.go:247-253: LeaseDuration, RenewDeadline and RetryPeriod
//   are `int` seconds, read from vip_leaseduration / vip_renewdeadline / vip_retryperiod
//   (pkg/kubevip/config_envvar.go:22-28).
// - kubernetes/client-go tools/leaderelection/leaderelection.go NewLeaderElector: it refuses to
//   start unless leaseDuration > renewDeadline > JitterFactor (1.2) x retryPeriod, each at least 1 s.

export const KUBE_VIP_JITTER_FACTOR = 1.2;

export interface KubeVipTimings {
  leaseMs: number;
  renewMs: number;
  retryMs: number;
}

export const KUBE_VIP_DEFAULTS: KubeVipTimings = { leaseMs: 15_000, renewMs: 10_000, retryMs: 2_000 };

export type KubeVipTimingKey = "leaseDuration" | "renewDeadline" | "retryPeriod";

export interface KubeVipTimingProblem {
  key: KubeVipTimingKey;
  message: string;
  hint: string;
}

const FIELD: Record<KubeVipTimingKey, keyof KubeVipTimings> = {
  leaseDuration: "leaseMs",
  renewDeadline: "renewMs",
  retryPeriod: "retryMs",
};

const secondsText = (ms: number): string => `${ms / 1000} s`;

/** Why kube-vip could not run these timings as written; empty when it runs exactly these. */
export function kubeVipTimingProblems(t: KubeVipTimings): KubeVipTimingProblem[] {
  const out: KubeVipTimingProblem[] = [];
  for (const key of Object.keys(FIELD) as KubeVipTimingKey[]) {
    const ms = t[FIELD[key]];
    if (ms < 1000 || ms % 1000 !== 0)
      out.push({
        key,
        message: `kube-vip takes ${key} in whole seconds (at least 1 s); ${secondsText(ms)} cannot be shipped as written`,
        hint: `use ${Math.max(1, Math.round(ms / 1000))}s, or hold the VIP with keepalived (holder: keepalived) for sub-second failover`,
      });
  }
  if (out.length > 0) return out;
  if (t.leaseMs <= t.renewMs)
    out.push({
      key: "renewDeadline",
      message: `kube-vip does not start: leaseDuration (${secondsText(t.leaseMs)}) must be greater than renewDeadline (${secondsText(t.renewMs)})`,
      hint: "client-go's leader election refuses it; e.g. 15s / 10s / 2s",
    });
  if (t.renewMs <= KUBE_VIP_JITTER_FACTOR * t.retryMs)
    out.push({
      key: "retryPeriod",
      message: `kube-vip does not start: renewDeadline (${secondsText(t.renewMs)}) must be greater than ${KUBE_VIP_JITTER_FACTOR} x retryPeriod (${secondsText(t.retryMs)})`,
      hint: "client-go's leader election refuses it; e.g. 15s / 10s / 2s",
    });
  return out;
}

/** The value of the DaemonSet's environment variable: whole seconds, exact once the timings are valid. */
export const kubeVipSeconds = (ms: number): string => String(Math.round(ms / 1000));
