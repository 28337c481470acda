// The plan's RPO and RTO (src/analyze/recovery.ts) for what a drill restores. The plan predicts for
// the spec's sizes (a 10 GiB volume); the lab restores the few MiB its writes made. So the drill
// prints the plan's figure as it is and, beside the measurement, the same terms with the same
// figures applied to the lab's own backup and WAL: a restore term reads the lab's backup at the
// plan's throughput, a replay term replays the lab's WAL at the plan's rate, a start term is the
// plan's, unless the lab does not run what it times (CloudNativePG's bootstrap: the lab's Patroni is
// its stand-in), which is left out and said.
import { predictRecovery, type RecoveryOverrides, type RecoveryTerm } from "../../analyze/recovery.js";
import type { Model } from "../../model/model.js";
import type { RestorePrediction } from "./prediction.js";

const MiB = 1024 * 1024;

export interface LabData {
  bytes: number;
  walBytes?: number;
  /** Figures timing what the lab does not run (their terms are left out and said). */
  notRehearsed?: string[];
  /** The archive_timeout the drill ran with, when it differs from the spec's (`--archive-timeout`). */
  archiveTimeoutMs?: number;
}
const fmt = (ms: number): string => (ms >= 1000 ? `${(ms / 1000).toFixed(1)} s` : `${ms} ms`);

export function planPrediction(
  model: Model,
  name: string,
  lab: LabData,
  overrides: RecoveryOverrides = {},
): RestorePrediction | undefined {
  const p = predictRecovery(model, name, overrides);
  const best = p?.best;
  if (!p || !best) return undefined;
  const basis: string[] = [
    `plan, for the spec's data (${Math.round(p.sizeMiB)} MiB): RPO ${fmt(best.rpoMs)}, RTO ${fmt(best.rtoMs)} (${best.mechanism}${best.destination ? ` to ${best.destination}` : ""})`,
  ];
  // archive_timeout is the one RPO term a drill may set itself (a shorter one for a quick drill).
  let rpo = 0;
  for (const t of best.rpoTerms) {
    const own = t.detail.startsWith("archive_timeout") && lab.archiveTimeoutMs !== undefined;
    const ms = own ? lab.archiveTimeoutMs! : t.ms;
    rpo += ms;
    basis.push(
      `RPO ${t.name}: ${fmt(ms)} (${t.detail}${own && ms !== t.ms ? "; the drill's --archive-timeout" : ""})`,
    );
  }
  let rto = 0;
  for (const t of best.rtoTerms) {
    const ms = labTerm(t, lab);
    if (ms === undefined) {
      basis.push(`RTO ${t.name}: not rehearsed in the lab (${t.detail})`);
      continue;
    }
    rto += ms;
    basis.push(
      `RTO ${t.name}: ${fmt(ms)} (${t.detail}${ms !== t.ms ? `; the lab's ${labSize(t, lab)}` : ""})`,
    );
  }
  return {
    rpoMs: rpo,
    rtoMs: Math.round(rto),
    basis,
    source: "the plan (src/analyze/recovery.ts), terms applied to what the lab restored",
  };
}

function labTerm(t: RecoveryTerm, lab: LabData): number | undefined {
  if (t.figures.some((f) => lab.notRehearsed?.includes(f.name))) return undefined;
  if (t.name === "restore") {
    const tp = t.figures[0];
    return tp ? Math.round((lab.bytes / MiB / tp.value) * 1000) : t.ms;
  }
  if (t.name === "replay") {
    const rate = t.figures.find((f) => f.name === "wal.replay");
    return rate ? Math.round(((lab.walBytes ?? 0) / MiB / rate.value) * 1000) : t.ms;
  }
  return t.ms;
}

const labSize = (t: RecoveryTerm, lab: { bytes: number; walBytes?: number }): string =>
  t.name === "replay"
    ? `${((lab.walBytes ?? 0) / MiB).toFixed(1)} MiB of WAL`
    : `${(lab.bytes / MiB).toFixed(1)} MiB`;
