// The load-balancer pair's failover profiles. VRRPv3 is needed below one-second adverts (VRRPv2
// rounds to whole seconds, keepalived logs it). Too tight timers flap under load or live migration,
// hence "balanced" as the default. `seed003` is the configuration from seed 003, kept to compare.
import type { FailoverProfileName } from "./model.js";

export interface ProfileFigures {
  vrrpVersion: 2 | 3;
  advertMs: number;
  interMs: number;
  fastinterMs: number;
  fall: number;
  rise: number;
}

export const FAILOVER_PROFILES: Record<Exclude<FailoverProfileName, "custom">, ProfileFigures> = {
  fast: { vrrpVersion: 3, advertMs: 100, interMs: 200, fastinterMs: 100, fall: 2, rise: 2 },
  balanced: { vrrpVersion: 3, advertMs: 200, interMs: 500, fastinterMs: 200, fall: 2, rise: 2 },
  conservative: { vrrpVersion: 3, advertMs: 1000, interMs: 2000, fastinterMs: 1000, fall: 3, rise: 2 },
  seed003: { vrrpVersion: 2, advertMs: 1000, interMs: 2000, fastinterMs: 2000, fall: 2, rise: 2 },
};
