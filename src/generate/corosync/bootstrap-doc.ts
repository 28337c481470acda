// proxmox/bootstrap.md: the order of pvecm commands that forms the cluster the generated
// corosync.conf describes, so node ids, link addresses and config_version line up.
import type { Model } from "../../model/model.js";
import { generatedBy } from "../../artifact/artifact.js";
import type { ClusterLayout } from "./cluster-layout.js";
import { COROSYNC_FILE } from "./paths.js";

function linkArgs(rings: (string | undefined)[]): string {
  return rings.flatMap((addr, i) => (addr ? [`--link${i} ${addr}`] : [])).join(" ");
}

function quorumText(layout: ClusterLayout): string[] {
  const n = layout.nodes.length;
  const q = layout.quorum;
  if (q.mode === "two_node") {
    return [
      `Two nodes and no QDevice: \`two_node: 1\` lets either node keep quorum alone, and \`wait_for_all\``,
      "(implied) makes a cold-started cluster wait until both nodes have been seen once.",
      "",
      "**Warning:** when the link between the two nodes breaks, *both* stay quorate. Proxmox HA then",
      "cannot fence safely, so do not mark guests `ha: true` on a two-node cluster: add a QDevice",
      "(`proxmox.qdevice` in the spec, any small always-on machine) or a third node first.",
    ];
  }
  if (q.device) {
    const d = q.device;
    return [
      `${n} nodes plus a QDevice at ${d.address} (algorithm \`${d.algorithm}\`, ${d.votes} vote${d.votes > 1 ? "s" : ""}):`,
      `${q.expectedVotes} votes, ${q.quorumVotes} needed for quorum.`,
    ];
  }
  const spare = n - q.quorumVotes;
  return [
    `${n} votes, ${q.quorumVotes} needed: the cluster keeps quorum with ${spare} node${spare === 1 ? "" : "s"} down.`,
  ];
}

/** What the generated file sets that a pvecm-made one does not. */
function expectedDiff(layout: ClusterLayout): string {
  const items = [`token ${layout.tokenMs} ms with token_coefficient 0`, "ip_version ipv4"];
  if (layout.quorum.mode === "two_node") items.push("two_node");
  return items.join(", ");
}

export function bootstrapDoc(model: Model, layout: ClusterLayout): string {
  const [first, ...rest] = layout.nodes;
  const firstAddr = first!.rings.find((a) => a !== undefined) ?? first!.name;
  const lines = [
    `<!-- ${generatedBy(model)} -->`,
    `# Proxmox VE cluster \`${layout.name}\`: bootstrap`,
    "",
    "| node | nodeid | " + layout.links.map((l, i) => `link${i} (${l})`).join(" | ") + " |",
    "|---|---|" + layout.links.map(() => "---|").join(""),
    ...layout.nodes.map(
      (nd) => `| ${nd.name} | ${nd.nodeid} | ` + nd.rings.map((a) => a ?? "-").join(" | ") + " |",
    ),
    "",
    ...quorumText(layout),
    "",
    "## Steps",
    "",
    "1. Install Proxmox VE on every node with the host name above, and install its network",
    "   configuration (`proxmox/<node>/etc/network/interfaces`, then `ifreload -a`). Each node's",
    "   name must resolve to its link0 address (`hostname --ip-address`).",
    `2. On \`${first!.name}\`, create the cluster:`,
    "",
    "   ```sh",
    `   pvecm create ${layout.name} ${linkArgs(first!.rings)}`.trimEnd(),
    "   ```",
    "",
    "3. On each other node, one at a time and in this order (each asks for the root password of",
    `   \`${first!.name}\` and its certificate fingerprint):`,
    "",
    "   ```sh",
    ...rest.map(
      (nd) => `   pvecm add ${firstAddr} ${linkArgs(nd.rings)} --nodeid ${nd.nodeid}   # on ${nd.name}`,
    ),
    "   ```",
    "",
  ];
  let step = 4;
  const device = layout.quorum.device;
  if (device) {
    // pvecm refuses an odd node count (lms) unless forced: proxmox/pve-cluster src/PVE/CLI/pvecm.pm.
    const force = device.algorithm === "lms" ? " --force" : "";
    lines.push(
      `${step++}. QDevice: on ${device.address} install \`corosync-qnetd\`; on every node install`,
      `   \`corosync-qdevice\`; then on \`${first!.name}\` run \`pvecm qdevice setup ${device.address}${force}\`.`,
      "",
    );
  }
  lines.push(
    `${step++}. Check: \`pvecm status\` on any node shows \`Quorate: Yes\` and ${layout.nodes.length} members.`,
    `${step++}. Install hlab's corosync.conf, which sets what pvecm leaves at its defaults (${expectedDiff(layout)}).`,
    `   Its \`config_version: ${layout.configVersion}\` is one above what the steps above leave, so corosync takes it`,
    "   as an update. On one node, from a checkout of this repository:",
    "",
    "   ```sh",
    `   cp ${COROSYNC_FILE} /etc/pve/corosync.conf.new`,
    "   diff -u /etc/pve/corosync.conf /etc/pve/corosync.conf.new   # review: only the settings above differ",
    "   cp /etc/pve/corosync.conf /etc/pve/corosync.conf.bak",
    "   mv /etc/pve/corosync.conf.new /etc/pve/corosync.conf",
    "   ```",
    "",
    "   pmxcfs copies it to `/etc/corosync/corosync.conf` on every node and corosync reloads it;",
    "   `corosync-cmapctl -g runtime.config.totem.token` shows the value in force.",
    "",
    "Adding a node later: change the spec, rebuild, and `pvecm add` it with the nodeid this file gives it",
    "before installing the new corosync.conf.",
    "",
  );
  return lines.join("\n");
}
