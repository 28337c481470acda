// The detection and takeover formulas, once: the plan charges them, the generators write the
// settings they come from into the shipped configs, and the lab predicts with them.
import type { LoadBalancer } from "../model/model.js";

export interface VrrpTimers {
  version: 2 | 3;
  advertMs: number;
}

/** keepalived's advert_int: whole seconds for VRRPv2, 10 ms steps from 0.01 to 40.95 s for VRRPv3. */
export function advertInterval(vrrp: VrrpTimers): string {
  if (vrrp.version === 2) return String(Math.max(1, Math.round(vrrp.advertMs / 1000)));
  const centis = Math.min(4095, Math.max(1, Math.round(vrrp.advertMs / 10)));
  return String(centis / 100);
}

/** The advert interval keepalived really uses, in ms (VRRPv2 rounds to whole seconds). */
export const effectiveAdvertMs = (vrrp: VrrpTimers): number =>
  Math.round(Number(advertInterval(vrrp)) * 1000);

/**
 * Master_Down_Interval: 3 adverts plus the skew of the backup's priority (RFC 5798 section 6.1;
 * VRRPv2, RFC 3768, counts the skew in seconds whatever the advert).
 */
export function vrrpTakeoverMs(version: 2 | 3, advertMs: number, backupPriority: number): number {
  const skew =
    version === 3 ? ((256 - backupPriority) * advertMs) / 256 : ((256 - backupPriority) / 256) * 1000;
  return 3 * advertMs + skew;
}

/**
 * How long a dead backend keeps receiving new connections: the check that fails first comes within
 * `inter`, then `fall - 1` more at `fastinter` (HAProxy 2.6 configuration manual, section 5.2,
 * "fastinter": the interval used while a server is transitioning UP or DOWN).
 */
export const haproxyDetectMs = (h: LoadBalancer["healthCheck"]): number =>
  h.interMs + (h.fall - 1) * h.fastinterMs;
