// What a restore drill measured, from the prober's write log: RTO (the disaster to the first write
// acknowledged through the service address again), RPO (acknowledged writes the restore did not
// bring back, and how long before the disaster they were made), the bound the last archived WAL
// (or the snapshot) sets, and, for a point-in-time restore, whether exactly the writes before the
// chosen moment came back. Pure: the drill collects, this file judges.
import type { ProbeRecord } from "../probe-target.js";

export interface RestoreMeasurement {
  /** Writes acknowledged before the disaster. */
  acknowledged: number;
  /** Their sequence numbers missing after the restore. */
  lost: number[];
  /** From the oldest lost write's acknowledgement to the disaster (0 when none was lost): the RPO. */
  rpoMs: number;
  /** From the newest lost write's acknowledgement to the disaster. */
  newestLostAgeMs?: number;
  /**
   * Every write acknowledged before this moment (ms since the epoch) was in the backup or the last
   * WAL file archived before the disaster (or the snapshot), so must come back.
   */
  boundAt?: number;
  /** Lost writes acknowledged before `boundAt`: each is a restore that lost archived data. */
  lostInsideBound: number[];
  /** The disaster to the first write acknowledged again; null when none was. */
  rtoMs: number | null;
}

const ack = (r: ProbeRecord): number => r.s + r.d;

/** The log and segment part of a WAL file name (its order within one timeline's history). */
const segmentOf = (walFile: string): string => walFile.slice(8);

/**
 * The moment before which every acknowledged write had reached an archived WAL file: the start of
 * the last `wal` probe, acknowledged before the disaster, whose current WAL file was no later than
 * the last archived file seen before the disaster. A write acknowledged before that probe started
 * has a commit record below the position the probe read, so in that file or an earlier one; and
 * PostgreSQL archives in order, so every earlier one was archived too.
 */
export function archivedBound(walRecords: readonly ProbeRecord[], disasterAt: number): number | undefined {
  const before = walRecords.filter((r) => r.ok && r.w && ack(r) < disasterAt).sort((a, b) => a.s - b.s);
  const lastArchived = before
    .map((r) => r.a)
    .filter((a): a is string => Boolean(a))
    .pop();
  if (!lastArchived) return undefined;
  const within = before.filter((r) => segmentOf(r.w!) <= segmentOf(lastArchived));
  return within.length ? within[within.length - 1]!.s : undefined;
}

export function measureRestore(input: {
  writes: readonly ProbeRecord[];
  disasterAt: number;
  /** Sequence numbers present after the restore. */
  present: (q: number) => boolean;
  boundAt?: number;
}): RestoreMeasurement {
  const { writes, disasterAt } = input;
  const acked = writes.filter((r) => r.ok && r.q !== undefined && ack(r) < disasterAt);
  const lostRecs = acked.filter((r) => !input.present(r.q!)).sort((a, b) => ack(a) - ack(b));
  const firstAgain = writes.filter((r) => r.ok && r.s >= disasterAt).sort((a, b) => a.s - b.s)[0];
  return {
    acknowledged: acked.length,
    lost: lostRecs.map((r) => r.q!).sort((a, b) => a - b),
    rpoMs: lostRecs.length ? disasterAt - ack(lostRecs[0]!) : 0,
    newestLostAgeMs: lostRecs.length ? disasterAt - ack(lostRecs[lostRecs.length - 1]!) : undefined,
    boundAt: input.boundAt,
    lostInsideBound:
      input.boundAt === undefined ? [] : lostRecs.filter((r) => ack(r) < input.boundAt!).map((r) => r.q!),
    rtoMs: firstAgain ? ack(firstAgain) - disasterAt : null,
  };
}

export interface PointInTimeCheck {
  target: number;
  /** Acknowledged before the target: all must be present. */
  before: number;
  missingBefore: number[];
  /** Started after the target: none may be present. */
  after: number;
  presentAfter: number[];
  /** In flight at the target (started before, acknowledged after, or never): either way is right. */
  inFlight: number;
}

/** Whether a restore to `target` brought back exactly the writes committed before it. */
export function checkPointInTime(
  writes: readonly ProbeRecord[],
  target: number,
  disasterAt: number,
  present: (q: number) => boolean,
): PointInTimeCheck {
  // Writes made once the restored database serves again are new: not part of the check.
  const numbered = writes.filter((r) => r.q !== undefined && r.s < disasterAt);
  const before = numbered.filter((r) => r.ok && ack(r) < target);
  const after = numbered.filter((r) => r.s > target);
  return {
    target,
    before: before.length,
    missingBefore: before.filter((r) => !present(r.q!)).map((r) => r.q!),
    after: after.length,
    presentAfter: after.filter((r) => present(r.q!)).map((r) => r.q!),
    inFlight: numbered.length - before.length - after.length,
  };
}
