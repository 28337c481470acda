// The lab's network plumbing: `ip` batches built from the plan (pure, tested without root) and the
// few commands that run them. Every veth is created with its inner end directly inside its
// namespace (`peer name eth0 netns X`), so a NIC called eth0 never exists, even briefly, in the
// root namespace next to the machine's own.
import { run, type RunResult } from "../process/run.js";
import type { LabNode, LabPlan } from "./lab-plan.js";

const BRIDGE_OPTS = "type bridge forward_delay 0 mcast_snooping 0";

/** Root namespace: the namespaces, the switches and the cables from switches to nodes. */
export function rootBatch(plan: LabPlan): string[] {
  const lines = plan.nodes.map((n) => `netns add ${n.namespace}`);
  for (const s of plan.switches) {
    lines.push(
      `link add ${s.bridge} ${BRIDGE_OPTS}`,
      `link set dev ${s.bridge} addrgenmode none`,
      `link set dev ${s.bridge} up`,
    );
  }
  for (const l of plan.links.filter((x) => x.outer.namespace === undefined)) {
    lines.push(
      `link add ${l.outer.name} type veth peer name ${l.inner.name} netns ${l.inner.namespace}`,
      `link set dev ${l.outer.name} addrgenmode none`,
      `link set dev ${l.outer.name} master ${l.outer.master}`,
      `link set dev ${l.outer.name} up`,
    );
  }
  return lines;
}

/** Inside one node: its bridges, the cables to its guests, its addresses. */
export function nodeBatch(plan: LabPlan, node: LabNode): string[] {
  const lines = ["link set dev lo up"];
  for (const b of node.bridges) lines.push(`link add ${b.name} ${BRIDGE_OPTS}`, `link set dev ${b.name} up`);
  for (const l of plan.links.filter((x) => x.inner.namespace === node.namespace)) {
    if (l.inner.master) lines.push(`link set dev ${l.inner.name} master ${l.inner.master}`);
    lines.push(`link set dev ${l.inner.name} up`);
  }
  for (const l of plan.links.filter((x) => x.outer.namespace === node.namespace)) {
    const guestNs = l.inner.namespace;
    lines.push(
      `link add ${l.outer.name} type veth peer name ${l.inner.name} netns ${guestNs}`,
      `link set dev ${l.outer.name} master ${l.outer.master}`,
      `link set dev ${l.outer.name} up`,
    );
  }
  for (const i of node.ifaces) if (i.address) lines.push(`addr add ${i.address} dev ${i.name}`);
  return lines;
}

/** Guests' cables are made by their host's batch: guests are configured after hosts. */
export function setupOrder(plan: LabPlan): LabNode[][] {
  const hostsFirst = plan.nodes.filter((n) => n.kind !== "guest");
  return [hostsFirst, plan.nodes.filter((n) => n.kind === "guest")];
}

/** Per-namespace kernel settings of the lab itself: no IPv6 chatter on the lab's networks. */
export const LAB_SYSCTLS = ["net.ipv6.conf.all.disable_ipv6=1", "net.ipv6.conf.default.disable_ipv6=1"];

export class IpError extends Error {}

async function check(r: RunResult, what: string): Promise<RunResult> {
  if (r.code !== 0) throw new IpError(`${what} failed: ${(r.stderr || r.stdout).trim()}`);
  return r;
}

export async function ipBatch(lines: readonly string[], namespace?: string): Promise<void> {
  if (lines.length === 0) return;
  const args = namespace ? ["-n", namespace, "-b", "-"] : ["-b", "-"];
  await check(
    await run("ip", args, { input: lines.join("\n") + "\n", timeoutMs: 30_000 }),
    `ip ${args.join(" ")}`,
  );
}

/** Runs a command inside a namespace and waits for it. */
export function execIn(
  namespace: string,
  cmd: string,
  args: readonly string[],
  timeoutMs = 10_000,
  input?: string,
): Promise<RunResult> {
  return run("ip", ["netns", "exec", namespace, cmd, ...args], { timeoutMs, input });
}

export async function setSysctls(namespace: string, settings: readonly string[]): Promise<void> {
  await check(await execIn(namespace, "sysctl", ["-q", "-w", ...settings]), `sysctl in ${namespace}`);
}

export async function listNamespaces(): Promise<string[]> {
  const r = await run("ip", ["netns", "list"]);
  return r.stdout
    .split("\n")
    .map((l) => l.split(" ")[0]!.trim())
    .filter(Boolean);
}

/** Pids of every process whose network namespace is `namespace`. */
export async function namespacePids(namespace: string): Promise<number[]> {
  const r = await run("ip", ["netns", "pids", namespace]);
  if (r.code !== 0) return [];
  return r.stdout
    .split(/\s+/)
    .filter(Boolean)
    .map(Number)
    .filter((n) => Number.isInteger(n) && n > 0);
}

export async function deleteNamespace(namespace: string): Promise<void> {
  await run("ip", ["netns", "del", namespace]);
}

export async function linkNames(namespace?: string): Promise<string[]> {
  const r = await run("ip", [...(namespace ? ["-n", namespace] : []), "-o", "link", "show"]);
  return r.stdout
    .split("\n")
    .map((l) => /^\d+:\s+([^:@\s]+)/.exec(l)?.[1])
    .filter((x): x is string => Boolean(x));
}

export async function deleteLink(name: string): Promise<void> {
  await run("ip", ["link", "del", "dev", name]);
}

export async function setLink(namespace: string | undefined, name: string, up: boolean): Promise<void> {
  const args = [...(namespace ? ["-n", namespace] : []), "link", "set", "dev", name, up ? "up" : "down"];
  await check(await run("ip", args), `ip ${args.join(" ")}`);
}

export interface AddressEntry {
  iface: string;
  address: string;
  prefix: number;
}

/** IPv4 addresses in a namespace (from `ip -j addr`). */
export async function addressesIn(namespace: string): Promise<AddressEntry[]> {
  const r = await run("ip", ["-n", namespace, "-j", "-4", "addr", "show"]);
  if (r.code !== 0 || !r.stdout.trim()) return [];
  const parsed = JSON.parse(r.stdout) as {
    ifname: string;
    addr_info?: { family: string; local: string; prefixlen: number }[];
  }[];
  return parsed.flatMap((l) =>
    (l.addr_info ?? [])
      .filter((a) => a.family === "inet")
      .map((a) => ({ iface: l.ifname, address: a.local, prefix: a.prefixlen })),
  );
}

export async function deleteAddress(namespace: string, iface: string, cidr: string): Promise<void> {
  await run("ip", ["-n", namespace, "addr", "del", cidr, "dev", iface]);
}
