// corosync.conf in the layout Proxmox VE writes (sections and keys in alphabetical order, knet links,
// secauth), so a diff against a node's /etc/pve/corosync.conf shows only real differences. The
// parser wants every `{` at the end of its line and every `}` alone on one (lab-notes.md).
import type { Model } from "../../model/model.js";
import { hashHeader } from "../../artifact/artifact.js";
import type { ClusterLayout } from "./cluster-layout.js";

const INDENT = "  ";
const block = (head: string, body: string[]): string[] => [`${head} {`, ...body.map((l) => INDENT + l), "}"];

function nodelist(layout: ClusterLayout): string[] {
  // Sorted by name, as Proxmox writes them.
  const nodes = [...layout.nodes].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return block(
    "nodelist",
    nodes.flatMap((node) =>
      block("node", [
        `name: ${node.name}`,
        `nodeid: ${node.nodeid}`,
        "quorum_votes: 1",
        ...node.rings.flatMap((addr, i) => (addr ? [`ring${i}_addr: ${addr}`] : [])),
      ]),
    ),
  );
}

function quorum(layout: ClusterLayout): string[] {
  const q = layout.quorum;
  const d = q.device;
  const body =
    q.mode === "two_node"
      ? [
          // Either node alone keeps quorum (wait_for_all is implied: both must be seen once after a
          // cold start). A cut link leaves both quorate, hence proxmox/bootstrap.md's warning about HA.
          "provider: corosync_votequorum",
          "two_node: 1",
        ]
      : d
        ? [
            ...block("device", [
              "model: net",
              ...block("net", [`algorithm: ${d.algorithm}`, `host: ${d.address}`, "tls: on"]),
              // lms wants corosync's default (n - 1), as pvecm leaves it: see corosync-quorum.ts.
              ...(d.votesInConfig ? [`votes: ${d.votes}`] : []),
            ]),
            "provider: corosync_votequorum",
          ]
        : ["provider: corosync_votequorum"];
  return block("quorum", body);
}

function totem(layout: ClusterLayout): string[] {
  return block("totem", [
    `cluster_name: ${layout.name}`,
    `config_version: ${layout.configVersion}`,
    // Without priorities knet prefers the lowest link number: link0 carries the traffic, the
    // others take over when it fails (passive mode).
    ...layout.links.flatMap((_, i) => block("interface", [`linknumber: ${i}`])),
    "ip_version: ipv4",
    "link_mode: passive",
    // Proxmox's setting: encrypted and authenticated knet traffic with /etc/corosync/authkey.
    "secauth: on",
    // The token is already the figure for this many nodes; corosync would otherwise add
    // token_coefficient (650 ms) per node above two a second time.
    `token: ${layout.tokenMs}`,
    "token_coefficient: 0",
    "version: 2",
  ]);
}

export function corosyncConfig(model: Model, layout: ClusterLayout): string {
  const intro = [
    `# Corosync for the Proxmox VE cluster "${layout.name}": the same file on every node. Proxmox keeps`,
    "# the master copy in /etc/pve/corosync.conf: proxmox/bootstrap.md says how to install it.",
  ];
  const sections = [
    block("logging", ["debug: off", "to_syslog: yes"]),
    nodelist(layout),
    quorum(layout),
    totem(layout),
  ];
  return (
    hashHeader(model) + intro.join("\n") + "\n\n" + sections.map((s) => s.join("\n")).join("\n\n") + "\n"
  );
}
