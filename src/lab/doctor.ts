// `hlab lab doctor`: can this machine run the lab, and if not, what is missing and why. Kernel
// checks run in throwaway namespaces (`unshare -n`) that vanish with the check: doctor creates
// nothing that outlives it.
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { hasCommand, run } from "../process/run.js";

export interface DoctorCheck {
  name: string;
  ok: boolean;
  /** The lab cannot run without it (else it runs with less, e.g. no gratuitous ARP). */
  required: boolean;
  why: string;
  /** The Debian package (or action) that fixes it. */
  fix?: string;
  detail?: string;
}

const TOOLS: { cmd: string; pkg: string; why: string; required?: boolean }[] = [
  { cmd: "ip", pkg: "iproute2", why: "namespaces, veth cables, bridges, addresses" },
  { cmd: "nft", pkg: "nftables", why: "packet loss and partitions (this kernel may have no netem)" },
  { cmd: "unshare", pkg: "util-linux", why: "private mounts per node (/run, /etc/corosync...)" },
  { cmd: "runuser", pkg: "util-linux", why: "PostgreSQL refuses to run as root" },
  { cmd: "sysctl", pkg: "procps", why: "per-namespace settings (ip_nonlocal_bind for haproxy)" },
  { cmd: "etcd", pkg: "etcd-server", why: "the K3s datastore, Patroni's store and kube-vip's lease" },
  { cmd: "etcdctl", pkg: "etcd-client", why: "`lab status`: etcd leader and quorum" },
  { cmd: "keepalived", pkg: "keepalived", why: "the generated VRRP configs" },
  { cmd: "curl", pkg: "curl", why: "keepalived's route check reads HAProxy's /healthz" },
  { cmd: "haproxy", pkg: "haproxy", why: "the generated load balancer configs and the database router" },
  { cmd: "corosync", pkg: "corosync", why: "Proxmox VE's quorum layer, from the generated corosync.conf" },
  { cmd: "corosync-quorumtool", pkg: "corosync", why: "`lab status`: Corosync quorum" },
  {
    cmd: "corosync-qnetd",
    pkg: "corosync-qnetd",
    why: "the QDevice's vote (`proxmox.qdevice`); without it: QDevice not rehearsed",
    required: false,
  },
  {
    cmd: "corosync-qdevice",
    pkg: "corosync-qdevice",
    why: "each node's link to qnetd (`proxmox.qdevice`); without it: QDevice not rehearsed",
    required: false,
  },
  { cmd: "patroni", pkg: "patroni", why: "PostgreSQL failover (CloudNativePG stand-in)" },
  {
    cmd: "pgbackrest",
    pkg: "pgbackrest",
    why: "`lab drill restore <database>`: base backups and WAL archiving to another lab machine (start the lab after installing it)",
    required: false,
  },
  {
    cmd: "openssl",
    pkg: "openssl",
    why: "`lab drill restore <database>`: certificates for pgBackRest's TLS servers",
    required: false,
  },
  {
    cmd: "arping",
    pkg: "iputils-arping",
    why: "the kube-vip stand-in's gratuitous ARP (without it, clients notice a moved VIP only when their ARP entry expires)",
    required: false,
  },
];

/** The newest PostgreSQL server installed the Debian way, if any (Patroni needs its bin directory). */
export function pgBinDir(): string | undefined {
  const base = "/usr/lib/postgresql";
  if (!existsSync(base)) return undefined;
  const versions = readdirSync(base)
    .filter((v) => existsSync(join(base, v, "bin", "postgres")))
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] ? join(base, versions[0], "bin") : undefined;
}

/**
 * Which of these commands this machine lacks, each with the Debian package that provides it (from
 * TOOLS; undefined for a command hlab does not know, e.g. an absolute path).
 */
export async function missingCommands(cmds: readonly string[]): Promise<{ cmd: string; pkg?: string }[]> {
  const unique = [...new Set(cmds)].sort();
  const present = await Promise.all(unique.map((c) => hasCommand(c)));
  return unique
    .filter((_, i) => !present[i])
    .map((cmd) => ({ cmd, pkg: TOOLS.find((t) => t.cmd === cmd)?.pkg }));
}

async function shellCheck(script: string): Promise<{ ok: boolean; detail: string }> {
  const r = await run("sh", ["-c", script], { timeoutMs: 10_000 });
  return { ok: r.code === 0, detail: (r.stderr || r.stdout).trim().split("\n")[0] ?? "" };
}

export async function runDoctor(): Promise<DoctorCheck[]> {
  const checks: DoctorCheck[] = [];
  const root = process.getuid?.() === 0;
  checks.push({
    name: "root",
    ok: root,
    required: true,
    why: "namespaces, bridges and the daemons need root",
    fix: "run with sudo",
  });
  const major = Number(process.versions.node.split(".")[0]);
  checks.push({
    name: "node >= 20",
    ok: major >= 20,
    required: true,
    why: "hlab and the lab's stand-ins run on Node.js",
    detail: process.version,
  });
  for (const t of TOOLS) {
    const ok = await hasCommand(t.cmd);
    checks.push({
      name: t.cmd,
      ok,
      required: t.required ?? true,
      why: t.why,
      fix: ok ? undefined : `apt-get install ${t.pkg}`,
    });
  }
  const pg = pgBinDir();
  checks.push({
    name: "postgresql",
    ok: Boolean(pg),
    required: true,
    why: "the database rehearsal",
    fix: pg ? undefined : "apt-get install postgresql",
    detail: pg,
  });
  const pgUser = await run("id", ["-u", "postgres"]);
  checks.push({
    name: "user postgres",
    ok: pgUser.code === 0,
    required: true,
    why: "Patroni runs as postgres",
    fix: pgUser.code === 0 ? undefined : "apt-get install postgresql (creates the user)",
  });
  for (const dir of ["/etc/haproxy", "/etc/keepalived", "/etc/corosync", "/var/lib/corosync"]) {
    const ok = existsSync(dir);
    checks.push({
      name: dir,
      ok,
      required: true,
      why: "each node sees the lab's copy of it through a bind mount, so it must exist",
      fix: ok ? undefined : "install the package that owns it",
    });
  }
  if (!root) {
    checks.push({
      name: "kernel features",
      ok: false,
      required: true,
      why: "checked only as root (network namespaces, veth, bridge, nftables)",
      fix: "run `sudo hlab lab doctor`",
    });
    return checks;
  }
  const netns = await shellCheck(
    "unshare -n sh -c 'ip link add hlv0 type veth peer name hlv1 && ip link add hlbr0 type bridge && ip link set hlv0 master hlbr0'",
  );
  checks.push({
    name: "namespaces, veth, bridge",
    ok: netns.ok,
    required: true,
    why: "every host and guest is a namespace cabled to bridges",
    detail: netns.ok ? undefined : netns.detail,
    fix: netns.ok ? undefined : "a kernel with CONFIG_NET_NS, CONFIG_VETH, CONFIG_BRIDGE",
  });
  const mounts = await shellCheck("unshare -m --propagation private sh -c 'mount -t tmpfs none /mnt'");
  checks.push({
    name: "mount namespaces",
    ok: mounts.ok,
    required: true,
    why: "private /run and config directories per node",
    detail: mounts.ok ? undefined : mounts.detail,
  });
  const nftScript =
    'table netdev t {\n chain i {\n  type filter hook ingress device "d0" priority 0;\n  numgen random mod 100 < 10 drop\n }\n chain e {\n  type filter hook egress device "d0" priority 0;\n  numgen random mod 100 < 10 drop\n }\n}\ntable inet p {\n chain o {\n  type filter hook output priority 0;\n  ip daddr { 10.0.0.1 } drop\n }\n}\n';
  const nft = await shellCheck(
    `unshare -n sh -c 'ip link add d0 type veth peer name d1 && printf "%s" "$0" | nft -f -' '${nftScript}'`,
  );
  checks.push({
    name: "nftables in namespaces (random drops, egress hook)",
    ok: nft.ok,
    required: true,
    why: "`lab chaos loss` and `partition`",
    detail: nft.ok ? undefined : nft.detail,
    fix: nft.ok ? undefined : "a kernel with nf_tables, netdev egress (5.16+) and numgen",
  });
  const netem = await shellCheck(
    "unshare -n sh -c 'ip link add d0 type veth peer name d1 && tc qdisc add dev d0 root netem delay 1ms'",
  );
  checks.push({
    name: "netem (tc delay)",
    ok: netem.ok,
    required: false,
    why: "not used: the lab drops packets with nftables; noted because some kernels lack it",
    detail: netem.ok ? undefined : netem.detail,
  });
  return checks;
}
