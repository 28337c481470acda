// STAND-IN for kube-vip (control-plane VIP, ARP mode). kube-vip elects its leader with a Kubernetes
// Lease through client-go; K3s keeps that Lease in etcd. This stand-in keeps the same record in the
// lab's etcd with client-go's rules, so a crashed leader is replaced after what it takes in K3s:
//  - candidates retry every retryPeriod plus a random extra of up to 1.2x (client-go JitterFactor);
//  - a lease is free only when the record has not changed for leaseDuration, measured on the
//    candidate's own clock from when it last saw it change (client-go's observedTime);
//  - the leader renews every retryPeriod and steps down when it could not renew for renewDeadline.
// The leader adds the VIP (/32, kube-vip's default) on its interface and sends gratuitous ARPs when
// it takes over and every 3 s while it holds it (kube-vip's ARP broadcast rate).
// Run: node kubevip.js CONFIG.json (inside the server's namespace).
import { readFileSync } from "node:fs";
import { hasCommand, run } from "../../process/run.js";
import { EtcdHttp } from "./etcd-http.js";

export interface KubeVipStandinConfig {
  node: string;
  vip: string;
  iface: string;
  leaseMs: number;
  renewMs: number;
  retryMs: number;
  etcd: string;
  key: string;
}

interface LeaseRecord {
  holderIdentity: string;
  leaseDurationMs: number;
  acquireTime: number;
  renewTime: number;
  leaderTransitions: number;
}

const ARP_RATE_MS = 3000;

const log = (msg: string): void => {
  process.stdout.write(`${new Date().toISOString()} kube-vip-standin ${msg}\n`);
};
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function main(): Promise<void> {
  const cfg = JSON.parse(readFileSync(process.argv[2]!, "utf8")) as KubeVipStandinConfig;
  const etcd = new EtcdHttp(cfg.etcd, cfg.retryMs);
  const arping = (await hasCommand("arping")) ? "arping" : undefined;
  if (!arping)
    log("arping not found: no gratuitous ARP, neighbours learn the move when their ARP entry expires");
  let observedRaw = "";
  let observedTime = 0;
  let leader = false;
  let lastRenew = 0;
  let lastArp = 0;
  let stopping = false;

  const tryAcquireOrRenew = async (): Promise<boolean> => {
    const now = Date.now();
    const record: LeaseRecord = {
      holderIdentity: cfg.node,
      leaseDurationMs: cfg.leaseMs,
      acquireTime: now,
      renewTime: now,
      leaderTransitions: 0,
    };
    const current = await etcd.get(cfg.key);
    if (!current) return etcd.putIfUnchanged(cfg.key, JSON.stringify(record), 0);
    if (current.value !== observedRaw) {
      observedRaw = current.value;
      observedTime = now;
    }
    const old = JSON.parse(current.value) as LeaseRecord;
    if (old.holderIdentity && old.holderIdentity !== cfg.node && observedTime + old.leaseDurationMs > now)
      return false;
    if (old.holderIdentity === cfg.node) {
      record.acquireTime = old.acquireTime;
      record.leaderTransitions = old.leaderTransitions;
    } else record.leaderTransitions = old.leaderTransitions + 1;
    const ok = await etcd.putIfUnchanged(cfg.key, JSON.stringify(record), current.modRevision);
    if (ok) {
      observedRaw = JSON.stringify(record);
      observedTime = now;
    }
    return ok;
  };

  const addVip = async (): Promise<void> => {
    const r = await run("ip", ["addr", "replace", `${cfg.vip}/32`, "dev", cfg.iface]);
    if (r.code !== 0) log(`could not add ${cfg.vip}: ${r.stderr.trim()}`);
    await garp();
  };
  const garp = async (): Promise<void> => {
    lastArp = Date.now();
    if (arping)
      void run("arping", ["-q", "-U", "-c", "1", "-w", "1", "-I", cfg.iface, cfg.vip], { timeoutMs: 3000 });
  };
  const removeVip = async (): Promise<void> => {
    await run("ip", ["addr", "del", `${cfg.vip}/32`, "dev", cfg.iface]);
  };

  const shutdown = async (): Promise<void> => {
    if (stopping) return;
    stopping = true;
    // A clean stop gives the VIP up at once (kube-vip issue #1786 is about the cases where it does not).
    if (leader) await removeVip();
    log("stopped");
    process.exit(0);
  };
  process.on("SIGTERM", () => void shutdown());
  process.on("SIGINT", () => void shutdown());

  log(
    `candidate for ${cfg.vip} on ${cfg.iface} (lease ${cfg.leaseMs} ms, renew ${cfg.renewMs} ms, retry ${cfg.retryMs} ms)`,
  );
  for (;;) {
    if (stopping) return;
    let ok = false;
    try {
      ok = await tryAcquireOrRenew();
    } catch (err) {
      ok = false;
      if (leader) log(`renew failed: ${(err as Error).message}`);
    }
    const now = Date.now();
    if (ok) {
      lastRenew = now;
      if (!leader) {
        leader = true;
        log(`became leader: adding ${cfg.vip}`);
        await addVip();
      } else if (now - lastArp >= ARP_RATE_MS) await garp();
      await sleep(cfg.retryMs);
    } else if (leader) {
      if (now - lastRenew >= cfg.renewMs) {
        leader = false;
        log(`lost the lease (no renewal for ${now - lastRenew} ms): removing ${cfg.vip}`);
        await removeVip();
      }
      await sleep(cfg.retryMs);
    } else {
      await sleep(cfg.retryMs * (1 + Math.random() * 1.2));
    }
  }
}

void main().catch((err: Error) => {
  log(`fatal: ${err.message}`);
  process.exit(1);
});
