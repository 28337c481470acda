// Corosync's quorum arithmetic for the spec's Proxmox cluster, decided once: the generator writes
// it into corosync.conf, the plan (failure domains and availability) reasons with it, the lab
// starts qnetd/qdevice from it and compares what corosync-quorumtool reports against it.
//
// Upstream facts (corosync/corosync at tag v3.1.7, the version Debian bookworm ships):
// - man/votequorum.5: `two_node: 1` sets the quorum "artificially to 1" so either node alone stays
//   quorate, and "automatically enables wait_for_all": after a cold start the cluster is quorate
//   for the first time only once all nodes have been visible at the same time.
// - exec/votequorum.c calculate_quorum: quorum = (expected_votes + 2) / 2, and 1 under two_node
//   with at most two members; recalculate_quorum raises expected_votes to the total votes, which
//   include a configured quorum device's votes, so expected = node votes + device votes.
// - exec/votequorum.c votequorum_readconfig: two_node and a quorum device cannot be configured
//   together; without `quorum.device.votes` the device gets (node votes - 1).
// corosync/corosync-qdevice at tag v3.0.3 (Debian bookworm), man/corosync-qdevice.8:
// - ffsplit "makes sense only for clusters with an even number of nodes", gives one vote to the
//   larger partition (a tie-breaker on a 50:50 split) and needs `quorum.device.votes: 1`;
// - lms ("last man standing") gives its vote even to a lone node that still sees qnetd, and "the
//   number of qdevice votes has to be set to default (so just delete quorum.device.votes key)",
//   that is n - 1.
// proxmox/pve-cluster src/PVE/CLI/pvecm.pm (setup_qdevice) does the same: ffsplit with `votes: 1` for
// an even node count, lms without `votes` (and only with --force) for an odd one.
import type { Model, Proxmox } from "../model/model.js";
import { majority } from "./majority.js";

export type CorosyncQuorumMode = "plain" | "two_node" | "qdevice";

export interface QuorumDevice {
  /** The spec's host or guest that runs corosync-qnetd. */
  machine: string;
  /** The physical host it sits on (itself, for a host): what takes it down. */
  host: string;
  /** What corosync-qdevice dials: its address on link0's network, else its first one, else its name. */
  address: string;
  algorithm: "ffsplit" | "lms";
  votes: number;
  /** Whether corosync.conf states `votes:` (ffsplit must; lms must leave corosync's default). */
  votesInConfig: boolean;
}

export interface CorosyncQuorum {
  mode: CorosyncQuorumMode;
  /** The cluster's nodes, one vote each (corosync.conf's `quorum_votes: 1`), in spec order. */
  voters: { name: string; votes: number }[];
  device?: QuorumDevice;
  /** Votes of the whole cluster: what corosync-quorumtool shows as "Expected votes". */
  expectedVotes: number;
  /** Votes a partition needs: corosync-quorumtool's "Quorum". */
  quorumVotes: number;
  /** A cold-started cluster is quorate only once every node has been seen (two_node implies it). */
  waitForAll: boolean;
}

function deviceAddress(model: Model, px: Proxmox, name: string): string {
  const owner = model.hosts.find((h) => h.name === name) ?? model.guests.find((g) => g.name === name);
  const addresses = owner?.address ?? {};
  return addresses[px.links[0]!] ?? Object.values(addresses)[0] ?? name;
}

/** Undefined without a cluster: one Proxmox node runs without corosync. */
export function corosyncQuorum(model: Model): CorosyncQuorum | undefined {
  const px = model.proxmox;
  if (!px || px.nodes.length < 2) return undefined;
  const voters = px.nodes.map((name) => ({ name, votes: 1 }));
  const n = voters.length;
  if (px.qdevice) {
    const machine = px.qdevice.host;
    const even = n % 2 === 0;
    const device: QuorumDevice = {
      machine,
      host: model.guests.find((g) => g.name === machine)?.host ?? machine,
      address: deviceAddress(model, px, machine),
      algorithm: even ? "ffsplit" : "lms",
      votes: even ? 1 : n - 1,
      votesInConfig: even,
    };
    const expectedVotes = n + device.votes;
    return {
      mode: "qdevice",
      voters,
      device,
      expectedVotes,
      quorumVotes: majority(expectedVotes),
      waitForAll: false,
    };
  }
  if (n === 2) return { mode: "two_node", voters, expectedVotes: 2, quorumVotes: 1, waitForAll: true };
  return { mode: "plain", voters, expectedVotes: n, quorumVotes: majority(n), waitForAll: false };
}

/**
 * Whether a partition with these nodes up (and the QDevice reachable or not) is quorate, once the
 * cluster has formed (wait_for_all is a cold-start condition, not modelled here).
 */
export function quorateWith(
  q: CorosyncQuorum,
  nodeUp: (name: string) => boolean,
  deviceUp: boolean,
): boolean {
  const nodeVotes = q.voters.filter((v) => nodeUp(v.name)).reduce((s, v) => s + v.votes, 0);
  // qnetd gives its vote to a partition of connected nodes: none up, nobody to give it to.
  const deviceVotes = q.device && deviceUp && nodeVotes > 0 ? q.device.votes : 0;
  return nodeVotes + deviceVotes >= q.quorumVotes;
}
