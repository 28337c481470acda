// The lab's user: runs inside the client namespace and probes every target every 50 ms, each probe
// on a fresh connection so a moved VIP or a dead backend shows at once. One JSON line per probe on
// stdout (the lab sends stdout to a file): start, duration, outcome, and the sequence number of each
// SQL insert, so acknowledged writes can be checked against what the database kept.
// Run: node prober.js CONFIG.json
import { readFileSync } from "node:fs";
import { request } from "node:http";
import type { ProbeRecord, ProberConfig, ProbeTarget } from "../probe-target.js";
import { PROBE_TABLE } from "../probe-target.js";
import { pgQuery } from "./pg-wire.js";

function httpProbe(
  t: ProbeTarget,
  timeoutMs: number,
  method: string,
  path: string,
  body?: string,
): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: t.address,
        port: t.port,
        method,
        path,
        headers: t.host ? { host: t.host } : {},
        agent: false,
        timeout: timeoutMs,
      },
      (res) => {
        res.resume();
        res.on("end", () => resolve(res.statusCode ?? 0));
        res.on("error", reject);
      },
    );
    const timer = setTimeout(() => req.destroy(new Error("timeout")), timeoutMs);
    req.on("close", () => clearTimeout(timer));
    req.on("timeout", () => req.destroy(new Error("timeout")));
    req.on("error", reject);
    req.end(body);
  });
}

/** What a probe learnt beyond success (the `wal` probe's WAL files). */
type Extra = Pick<ProbeRecord, "w" | "a">;

async function attempt(t: ProbeTarget, timeoutMs: number, seq: number): Promise<Extra | void> {
  switch (t.kind) {
    case "http": {
      const status = await httpProbe(t, timeoutMs, "GET", "/");
      if (status !== 200) throw new Error(`HTTP ${status}`);
      return;
    }
    case "api-write": {
      const status = await httpProbe(t, timeoutMs, "PUT", "/hlab/kv/probe", String(seq));
      if (status !== 200) throw new Error(`HTTP ${status}`);
      return;
    }
    case "api-read": {
      const status = await httpProbe(t, timeoutMs, "GET", "/hlab/kv/probe");
      // 404 before the first write still proves the datastore answered a linearizable read.
      if (status !== 200 && status !== 404) throw new Error(`HTTP ${status}`);
      return;
    }
    case "sql": {
      const s = t.sql!;
      await pgQuery(
        {
          host: t.address,
          port: t.port,
          user: s.user,
          password: s.password,
          database: s.database,
          timeoutMs,
        },
        `INSERT INTO ${PROBE_TABLE} (seq) VALUES (${seq})`,
      );
      return;
    }
    case "wal": {
      const s = t.sql!;
      const r = await pgQuery(
        {
          host: t.address,
          port: t.port,
          user: s.user,
          password: s.password,
          database: s.database,
          timeoutMs,
        },
        "SELECT pg_walfile_name(pg_current_wal_lsn()), last_archived_wal FROM pg_stat_archiver",
      );
      const row = r.rows[0] ?? [];
      return { w: row[0] ?? undefined, a: row[1] ?? undefined };
    }
  }
}

function main(): void {
  const cfg = JSON.parse(readFileSync(process.argv[2]!, "utf8")) as ProberConfig;
  const maxInFlight = Math.ceil(cfg.timeoutMs / cfg.intervalMs) + 2;
  const emit = (r: ProbeRecord): void => {
    process.stdout.write(JSON.stringify(r) + "\n");
  };
  cfg.targets.forEach((t, i) => {
    let inFlight = 0;
    let seq = 0;
    const tick = (): void => {
      if (inFlight >= maxInFlight)
        return emit({ i, s: Date.now(), d: 0, ok: 0, e: "too many probes in flight" });
      inFlight++;
      const s = Date.now();
      const q = t.kind === "sql" || t.kind === "api-write" ? ++seq : undefined;
      // API writes say their number too when asked (restore drills read back which one survived).
      const tell = t.kind === "sql" || (t.kind === "api-write" && t.numbered);
      attempt(t, cfg.timeoutMs, q ?? 0)
        .then(
          (extra) => emit({ i, s, d: Date.now() - s, ok: 1, ...(tell ? { q } : {}), ...(extra ?? {}) }),
          (err: Error) =>
            emit({
              i,
              s,
              d: Date.now() - s,
              ok: 0,
              e: err.message.slice(0, 80),
              ...(tell ? { q } : {}),
            }),
        )
        .finally(() => inFlight--);
    };
    // Targets start a little apart so their connections do not all land in the same millisecond.
    setTimeout(
      () => setInterval(tick, t.everyMs ?? cfg.intervalMs),
      (i * cfg.intervalMs) / Math.max(1, cfg.targets.length),
    );
  });
  process.on("SIGTERM", () => process.exit(0));
}

main();
