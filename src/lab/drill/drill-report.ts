// A restore drill as text: what was backed up where, the disaster, each step of the restore with
// its time, and RTO and RPO beside the prediction, stand-ins labelled.
import type { DatabaseDrillReport } from "./restore-database.js";
import type { EtcdDrillReport } from "./restore-etcd.js";

export type DrillReport = DatabaseDrillReport | EtcdDrillReport;

const s = (ms: number | null | undefined): string =>
  ms === null || ms === undefined
    ? "-"
    : ms >= 3_600_000
      ? `${+(ms / 3_600_000).toFixed(1)} h`
      : ms >= 120_000
        ? `${+(ms / 60_000).toFixed(1)} min`
        : ms >= 1000
          ? `${(ms / 1000).toFixed(2)} s`
          : `${Math.round(ms)} ms`;

/** The measured RTO against the prediction: within 30 %, or how far off. */
export function rtoVerdict(measuredMs: number | null, predictedMs: number): string {
  if (measuredMs === null) return "no write came back";
  const off = (measuredMs - predictedMs) / predictedMs;
  return Math.abs(off) <= 0.3
    ? `within 30 % of the prediction (${(off * 100).toFixed(0)} %)`
    : `${(off * 100).toFixed(0)} % off the prediction: correct it with the measured figures (--measured FILE, then hlab plan --measured FILE)`;
}

export function renderDrill(r: DrillReport): string {
  const out: string[] = [];
  const m = r.measurement;
  if (r.kind === "database") {
    out.push(
      `restore drill: database ${r.database} (lab ${r.lab})${r.standin ? " — pgBackRest is the STAND-IN for CloudNativePG's barman-cloud backups" : ""}`,
      `  repository: ${r.repository.node} ${r.repository.address} over ${r.repository.transport}; ${r.repository.placement}`,
      `  base backup: full, ${(r.backup.bytes / 1048576).toFixed(1)} MiB in ${s(r.backup.ms)} (${r.backup.label ?? "?"}); WAL archived at least every ${s(r.archiveTimeoutMs)}`,
      `  disaster: ${r.destroyed.join(", ")} destroyed at ${new Date(r.disasterAt).toISOString()}; restored on ${r.restoredOn}${r.pointInTime ? ` to ${r.pointInTime.targetIso}` : ""}`,
    );
  } else {
    out.push(
      `restore drill: etcd (lab ${r.lab})`,
      `  snapshot: etcdctl snapshot save from ${r.snapshot.from} to ${r.snapshot.node}:${r.snapshot.path} (${(r.snapshot.bytes / 1048576).toFixed(1)} MiB, revision ${r.snapshot.revision}) in ${s(r.snapshot.ms)}`,
      `  disaster: ${r.destroyed.join(", ")} destroyed at ${new Date(r.disasterAt).toISOString()}; restored with ${r.tool}`,
    );
  }
  out.push("  steps after the disaster:");
  for (const p of [...r.phases].sort((a, b) => a.ms - b.ms))
    out.push(`    +${s(p.ms).padStart(8)}  ${p.name}`);
  out.push(
    "",
    "  measured                                   predicted",
    `  RTO ${s(m.rtoMs).padEnd(39)}${s(r.prediction.rtoMs)}   ${rtoVerdict(m.rtoMs, r.prediction.rtoMs)}`,
  );
  if (r.kind === "database" && r.pointInTime) {
    const p = r.pointInTime;
    out.push(
      `  point in time ${p.targetIso}: ${p.before} writes before it, ${p.missingBefore.length} missing; ${p.after} after it, ${p.presentAfter.length} came back; ${p.inFlight} in flight (either way)`,
    );
  } else {
    out.push(
      `  RPO ${s(m.rpoMs).padEnd(39)}<= ${s(r.prediction.rpoMs)}`,
      `      ${m.lost.length} of ${m.acknowledged} acknowledged writes lost${m.lost.length ? `, made ${s(m.rpoMs)} to ${s(m.newestLostAgeMs)} before the disaster` : ""}`,
      `      ${m.boundAt === undefined ? "bound unknown" : `every write acknowledged up to ${s(r.disasterAt - m.boundAt)} before the disaster was in the ${r.kind === "database" ? "last archived WAL" : "snapshot"}: ${m.lostInsideBound.length} of them lost`}`,
    );
  }
  out.push(`  prediction: ${r.prediction.source}`, ...r.prediction.basis.map((b) => `    ${b}`));
  out.push(
    "",
    r.verdict.ok ? "verdict: ok" : `verdict: FAILED\n${r.verdict.problems.map((p) => `  - ${p}`).join("\n")}`,
  );
  return out.join("\n");
}
