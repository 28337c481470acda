// The Proxmox cluster as corosync and the bootstrap guide both describe it: node ids in spec order,
// one ring address per link, the quorum arrangement (src/topology/corosync-quorum.ts, which the
// plan and the lab read too), and the config_version the generated file carries (one above what
// `pvecm create`/`add`/`qdevice setup` leave behind, so installing it is a valid update).
import type { Model } from "../../model/model.js";
import { corosyncQuorum, type CorosyncQuorum } from "../../topology/corosync-quorum.js";

export interface ClusterNode {
  name: string;
  nodeid: number;
  /** Address per link number; undefined where the host has no address on that link's network. */
  rings: (string | undefined)[];
}

export interface ClusterLayout {
  name: string;
  nodes: ClusterNode[];
  links: string[];
  quorum: CorosyncQuorum;
  tokenMs: number;
  configVersion: number;
}

export function clusterLayout(model: Model): ClusterLayout | undefined {
  const px = model.proxmox;
  const quorum = corosyncQuorum(model);
  // One node needs no cluster at all; Proxmox runs fine without corosync.
  if (!px || !quorum) return undefined;
  const nodes = px.nodes.map((name, i) => {
    const host = model.hosts.find((h) => h.name === name);
    return { name, nodeid: i + 1, rings: px.links.map((net) => host?.address[net]) };
  });
  // pvecm create writes version 1, every pvecm add and the qdevice setup add one.
  const configVersion = nodes.length + (quorum.device ? 1 : 0) + 1;
  return { name: px.cluster, nodes, links: px.links, quorum, tokenMs: px.tokenMs, configVersion };
}
