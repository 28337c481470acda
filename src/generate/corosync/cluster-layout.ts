// The Proxmox cluster as corosync and the bootstrap guide both describe it: node ids in spec order,
// one ring address per link, the quorum arrangement, and the config_version the generated file
// carries (one above what `pvecm create`/`add`/`qdevice setup` leave behind, so installing it is a
// valid update).
import type { Model, Proxmox } from "../../model/model.js";

export interface ClusterNode {
  name: string;
  nodeid: number;
  /** Address per link number; undefined where the host has no address on that link's network. */
  rings: (string | undefined)[];
}

export type QuorumMode =
  | { kind: "plain"; expectedVotes: number }
  | { kind: "two_node" }
  | { kind: "qdevice"; host: string; algorithm: "ffsplit" | "lms"; votes: number };

export interface ClusterLayout {
  name: string;
  nodes: ClusterNode[];
  links: string[];
  quorum: QuorumMode;
  tokenMs: number;
  configVersion: number;
}

/** A QDevice is a host or a guest: its address on link0's network, else its first one, else its name. */
function qdeviceAddress(model: Model, px: Proxmox, name: string): string {
  const owner = model.hosts.find((h) => h.name === name) ?? model.guests.find((g) => g.name === name);
  const addresses = owner?.address ?? {};
  return addresses[px.links[0]!] ?? Object.values(addresses)[0] ?? name;
}

export function clusterLayout(model: Model): ClusterLayout | undefined {
  const px = model.proxmox;
  // One node needs no cluster at all; Proxmox runs fine without corosync.
  if (!px || px.nodes.length < 2) return undefined;
  const nodes = px.nodes.map((name, i) => {
    const host = model.hosts.find((h) => h.name === name);
    return { name, nodeid: i + 1, rings: px.links.map((net) => host?.address[net]) };
  });
  const n = nodes.length;
  const quorum: QuorumMode = px.qdevice
    ? {
        kind: "qdevice",
        host: qdeviceAddress(model, px, px.qdevice.host),
        // ffsplit gives an even cluster the tie-breaking vote; with an odd count Proxmox uses lms,
        // where the device holds n - 1 votes and the last node standing keeps quorum.
        algorithm: n % 2 === 0 ? "ffsplit" : "lms",
        votes: n % 2 === 0 ? 1 : n - 1,
      }
    : n === 2
      ? { kind: "two_node" }
      : { kind: "plain", expectedVotes: n };
  // pvecm create writes version 1, every pvecm add and the qdevice setup add one.
  const configVersion = n + (px.qdevice ? 1 : 0) + 1;
  return { name: px.cluster, nodes, links: px.links, quorum, tokenMs: px.tokenMs, configVersion };
}
