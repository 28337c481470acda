// Model -> positioned boxes. Pure and deterministic (model order, no measurement of real fonts), so
// the page, the SVG export and the tests all see the same picture. The layout is a fixed grammar
// rather than a graph solver: shared gear on top, one row of physical hosts holding their guests,
// the NICs on the hosts' bottom edge dropping onto one bus per network, the Kubernetes cluster as a
// band under the hosts it spans. Homelabs have a handful of hosts, so one row stays readable.
import { KUBERNETES_API, PROXMOX_QUORUM } from "../analyze/dependency-graph.js";
import type { Guest, Host, Model, NetworkRole, Service } from "../model/model.js";
import type {
  AddressLine,
  Chip,
  ChipKind,
  ClusterBand,
  GearBox,
  GuestBox,
  HostBox,
  LegendItem,
  NetworkBus,
  NicPort,
  Rect,
  TopologyLayout,
  VipBadge,
  Wire,
} from "./layout-types.js";
import { kubeVipApi, modelVips, vipLabels, type Vip } from "../topology/vips.js";
import { placeWorkloads, type Placement } from "../analyze/placement.js";
import { DEFAULT_TIMINGS, type TimingName } from "../model/timings.js";

const MARGIN = 20;
const HOST_GAP = 28;
const HOST_PAD = 12;
const HOST_HEADER = 74;
const GUEST_PAD = 8;
const GUEST_GAP = 10;
const GUEST_MIN_W = 170;
const LINE = 14;
const CHIP_H = 18;
const CHIP_GAP = 4;
const PORT_H = 22;
const GEAR_H = 36;
const RAIL_STEP = 8;
const BUS_STEP = 16;

/** Colours by network role; a second network of the same role takes the next free colour. */
const ROLE_COLOURS: Record<NetworkRole, string> = {
  lan: "#2563eb",
  public: "#ea580c",
  admin: "#7c3aed",
  apps: "#059669",
  storage: "#0891b2",
  cluster: "#64748b",
};
const SPARE_COLOURS = ["#db2777", "#ca8a04", "#4f46e5", "#16a34a", "#0d9488", "#9333ea"];
/** A part the user failed in the what-if. */
export const FAILED_FILL = "#fecaca";
export const STATE_COLOURS = {
  down: "#dc2626",
  failover: "#d97706",
  ok: "#16a34a",
  unreachable: "#64748b",
} as const;

/** Fill and outline of each kind of chip, decided once for the stylesheet and the legend. */
export const CHIP_COLOURS: Record<ChipKind, { fill: string; stroke: string; label: string }> = {
  service: { fill: "#eef2ff", stroke: "#a5b4fc", label: "service" },
  daemon: { fill: "#f1f5f9", stroke: "#cbd5e1", label: "daemon / member" },
  database: { fill: "#fdf4ff", stroke: "#e879f9", label: "database" },
  pool: { fill: "#ecfeff", stroke: "#67e8f9", label: "MetalLB pool" },
  pod: { fill: "#f0fdf4", stroke: "#86efac", label: "pod: replicas here/all · what brings it back" },
};
/** Dashed wire from a piece of shared gear (switch, router) to the hosts it serves. */
export const GEAR_WIRE_COLOUR = "#94a3b8";

/**
 * Width of a text in px at a font size. Estimated from the character count (wide enough for the
 * common sans fonts, DejaVu included), because the layout must not depend on the fonts installed.
 */
export function textWidth(text: string, size: number, bold = false): number {
  return Math.ceil(text.length * size * (bold ? 0.66 : 0.6));
}

export function networkColours(model: Model): Map<string, string> {
  const used = new Set<string>();
  const colours = new Map<string, string>();
  let spare = 0;
  for (const n of model.networks) {
    let c = ROLE_COLOURS[n.role];
    if (used.has(c)) c = SPARE_COLOURS[spare++ % SPARE_COLOURS.length]!;
    used.add(c);
    colours.set(n.name, c);
  }
  return colours;
}

export function layoutTopology(model: Model): TopologyLayout {
  const colours = networkColours(model);
  const vips = modelVips(model);
  const placement = placeWorkloads(model);
  const sizedHosts = model.hosts.map((h) => sizeHost(model, h, vips, placement));
  const hostH = Math.max(0, ...sizedHosts.map((s) => s.h));

  const titleY = MARGIN;
  const gearY = titleY + 44;
  const railsTop = gearY + GEAR_H + 10;
  const hostsY = model.gear.length > 0 ? railsTop + model.gear.length * RAIL_STEP + 12 : gearY;

  let x = MARGIN;
  const hosts: HostBox[] = sizedHosts.map((s) => {
    const box = placeHost(s, x, hostsY, hostH);
    x += s.w + HOST_GAP;
    return box;
  });
  const hostsRight = hosts.length > 0 ? x - HOST_GAP : MARGIN + 200;
  const hostsBottom = hostsY + hostH;

  const wires: Wire[] = [];
  const gear = placeGear(model, hosts, gearY, railsTop, hostsRight, wires);

  // One bus per network under the hosts; each NIC drops onto the buses of the networks it carries.
  const portBottom = hostsBottom + PORT_H / 2;
  const networks: NetworkBus[] = model.networks.map((n, j) => ({
    name: n.name,
    label: [
      n.name,
      n.cidr.text,
      n.vlan !== undefined ? `vlan ${n.vlan}` : "",
      n.role !== "lan" && n.role !== n.name ? n.role : "",
    ]
      .filter(Boolean)
      .join(" · "),
    color: colours.get(n.name)!,
    y: portBottom + 22 + j * BUS_STEP,
    x1: MARGIN,
    x2: hostsRight,
  }));
  for (const h of hosts) {
    for (const p of h.nics) {
      p.networks.forEach((net, k) => {
        const bus = networks.find((b) => b.name === net);
        if (!bus) return;
        const px = p.x + 8 + k * 6;
        wires.push({
          of: net,
          kind: "network",
          points: [
            [px, p.y + p.h],
            [px, bus.y],
          ],
        });
      });
    }
  }
  const busesBottom = networks.length > 0 ? networks[networks.length - 1]!.y : portBottom;

  const cluster = placeCluster(model, hosts, vips, busesBottom + 24);
  const legendY = (cluster ? cluster.y + cluster.h : busesBottom) + 30;
  const legend = placeLegend(model, colours, legendY, chipKinds(hosts, cluster), hostsRight);

  const labelsRight = Math.max(
    hostsRight,
    ...networks.map((b) => b.x2 + 10 + textWidth(b.label, 11)),
    ...gear.map((g) => g.x + g.w),
    ...legend.map((l) => l.x + 22 + textWidth(l.label, 11)),
    MARGIN + textWidth(model.name, 18, true),
    MARGIN + textWidth(model.description ?? "", 12),
  );
  return {
    width: labelsRight + MARGIN,
    height: Math.max(legendY, ...legend.map((l) => l.y)) + 16 + MARGIN,
    title: model.name,
    subtitle: model.description ?? "",
    gear,
    hosts,
    networks,
    wires,
    cluster,
    legend,
  };
}

interface SizedGuest {
  guest: Guest;
  title: string;
  subtitle: string;
  addresses: { network: string; address: string }[];
  chips: { label: string; kind: ChipKind; service?: string; component?: string; title: string; w: number }[];
  vips: { vip: Vip; holder: boolean; label: string; title: string; w: number }[];
  contentW: number;
}

interface SizedHost {
  host: Host;
  title: string;
  details: string[];
  chips: SizedChip[];
  guests: SizedGuest[];
  columns: number;
  guestW: number;
  rowHeights: number[];
  ports: { id: string; name: string; networks: string[]; w: number }[];
  w: number;
  h: number;
}

const gib = (mib: number): string => `${Math.round((mib / 1024) * 10) / 10} GiB`;

function sizeHost(model: Model, host: Host, vips: Vip[], placement: Placement): SizedHost {
  const title = host.name;
  const cluster = model.proxmox;
  const disks = host.disks.map((d) => `${d.type} ${Math.round(d.sizeGiB)} GiB`).join(", ");
  const details = [
    `${host.model ?? host.kind}${host.model ? ` (${host.kind})` : ""}`,
    `${host.cpu} CPU · ${gib(host.memoryMiB)}${disks ? ` · ${disks}` : ""}${host.arch !== "amd64" ? ` · ${host.arch}` : ""}`,
  ];
  // Membership of the Proxmox cluster is drawn as a chip so the what-if can colour its quorum.
  const member = cluster?.nodes.includes(host.name) === true;
  const qdevice = cluster?.qdevice?.host === host.name;
  const chips =
    cluster && (member || qdevice)
      ? [
          chip(
            `${qdevice ? "qdevice" : "corosync"} · ${cluster.cluster}`,
            "daemon",
            `${qdevice ? "Corosync QDevice" : "Corosync member"} of Proxmox cluster ${cluster.cluster} (${cluster.nodes.length} nodes)`,
            {
              service: PROXMOX_QUORUM,
              component: `corosync@${host.name}`,
            },
          ),
        ]
      : [];
  const guests = model.guests
    .filter((g) => g.host === host.name)
    .map((g) => sizeGuest(model, g, vips, placement));
  const columns = guests.length > 3 ? 2 : 1;
  const neededGuestW = Math.max(GUEST_MIN_W, ...guests.map((g) => g.contentW + 2 * GUEST_PAD));
  const ports = host.nics.map((n) => ({
    id: n.id,
    name: n.name,
    networks: n.networks,
    w: Math.max(44, textWidth(n.name, 10) + 16, 8 + n.networks.length * 6 + 8),
  }));
  const guestsW = guests.length > 0 ? columns * neededGuestW + (columns - 1) * GUEST_GAP : 0;
  const portsW = ports.reduce((a, p) => a + p.w + 6, 0) + 14;
  const headerW = Math.max(
    textWidth(title, 14, true),
    ...details.map((d) => textWidth(d, 11)),
    ...chips.map((c) => c.w),
  );
  const w = Math.max(200, headerW + 2 * HOST_PAD, guestsW + 2 * HOST_PAD, portsW);
  // Guests fill the host's width (a long host title would otherwise leave them in a corner).
  const guestW = Math.floor((w - 2 * HOST_PAD - (columns - 1) * GUEST_GAP) / columns);
  const rowHeights: number[] = [];
  guests.forEach((g, i) => {
    const row = Math.floor(i / columns);
    rowHeights[row] = Math.max(rowHeights[row] ?? 0, guestHeight(g, guestW));
  });
  const guestsH = rowHeights.reduce((a, r) => a + r + GUEST_GAP, 0);
  return {
    host,
    title,
    details,
    chips,
    guests,
    columns,
    guestW,
    rowHeights,
    ports,
    w,
    h: HOST_HEADER + guestsH + 22,
  };
}

function guestHeight(g: SizedGuest, guestW: number): number {
  const chipRows = flowRows(
    g.chips.map((c) => c.w),
    guestW - 2 * GUEST_PAD,
  );
  return (
    GUEST_PAD +
    16 +
    LINE +
    g.addresses.length * LINE +
    (chipRows > 0 ? 6 + chipRows * (CHIP_H + CHIP_GAP) : 0) +
    (g.vips.length > 0 ? 4 + g.vips.length * (CHIP_H + CHIP_GAP) : 0) +
    GUEST_PAD
  );
}

/** Number of rows chips of these widths take when flowed into `width`. */
function flowRows(widths: number[], width: number): number {
  let rows = 0;
  let used = Infinity;
  for (const w of widths) {
    if (used + CHIP_GAP + w > width) {
      rows++;
      used = w;
    } else used += CHIP_GAP + w;
  }
  return rows;
}

function sizeGuest(model: Model, g: Guest, vips: Vip[], placement: Placement): SizedGuest {
  const subtitle = [
    g.kind === "metal" ? "bare metal" : `${g.kind} ${g.vmid}`,
    g.role,
    g.kind === "metal" ? "" : `${g.cpu} vCPU · ${gib(g.memoryMiB)}`,
    g.ha ? "HA" : "",
  ]
    .filter(Boolean)
    .join(" · ");
  const addresses = Object.entries(g.address).map(([network, address]) => ({ network, address }));
  const chips = [
    ...daemonChips(model, g),
    ...model.services.filter((s) => s.on.includes(g.name)).map(serviceChip),
    ...podChips(model, placement, g),
  ];
  const guestVips = vips.flatMap((v) => {
    const at = v.candidates.indexOf(g.name);
    if (at < 0) return [];
    const label = `VIP ${v.address} · ${vipLabels(v).join(", ")}`;
    const title = `${v.address} (${vipLabels(v).join(", ")}) via ${v.mechanism}; ${
      at === 0 ? "held here nominally" : `standby #${at}`
    }; candidates: ${v.candidates.join(", ")}`;
    return [{ vip: v, holder: at === 0, label, title, w: textWidth(label, 10, true) + 14 }];
  });
  const contentW = Math.max(
    textWidth(g.name, 13, true),
    textWidth(subtitle, 10),
    ...addresses.map((a) => 14 + textWidth(`${a.network} ${a.address}`, 11)),
    ...chips.map((c) => c.w),
    ...guestVips.map((v) => v.w),
  );
  return { guest: g, title: g.name, subtitle, addresses, chips, vips: guestVips, contentW };
}

type SizedChip = SizedGuest["chips"][number];

function chip(
  label: string,
  kind: ChipKind,
  title: string,
  ids: { service?: string; component?: string } = {},
): SizedChip {
  return { label, kind, title, ...ids, w: textWidth(label, 10) + 14 };
}

function serviceChip(s: Service): SizedChip {
  const parts = [s.name];
  if (s.replicas > 1) parts.push(`×${s.replicas}`);
  const where = s.on.length > 0 ? `on ${s.on.join(", ")}` : "in Kubernetes";
  const title = [
    `${s.name}${s.catalog && s.catalog !== s.name ? ` (${s.catalog})` : ""}: ${s.replicas} replica${s.replicas > 1 ? "s" : ""} ${where}`,
    s.persistenceGiB > 0 ? `${s.persistenceGiB} GiB volume` : "stateless",
    s.hostname ? `https://${s.hostname}` : "",
    s.database ? `database ${s.database}` : "",
    s.target !== undefined ? `target ${(s.target * 100).toFixed(2).replace(/\.?0+$/, "")}%` : "",
  ]
    .filter(Boolean)
    .join("; ");
  return chip(parts.join(" "), "service", title, { service: s.name });
}

const timing = (model: Model, name: TimingName): number => model.timings[name] ?? DEFAULT_TIMINGS[name];
const minutes = (ms: number): string => `~${Math.max(1, Math.round(ms / 60_000))} min`;

/**
 * The pods the plan places on a Kubernetes node (analyze/placement.ts, the guess the availability
 * model reasons about): which replica of how many, and what brings the service back when the node
 * is lost: another replica, a promoted database instance, a reschedule after the eviction timeout
 * (plus Longhorn's reattach for a volume), or nothing but the node itself (data on the node).
 * The chip has no service id: in the what-if it follows its node, which is what happens to the pod.
 */
function podChips(model: Model, placement: Placement, g: Guest): SizedChip[] {
  const k8s = model.kubernetes;
  if (!k8s || !placement.nodes.includes(g.name)) return [];
  const longhorn = model.storage.longhorn;
  const reschedule = (persistent: boolean): string => {
    // One node, or data held on the node: nowhere for the pod to go.
    if (placement.nodes.length < 2) return "waits for node";
    if (persistent && (!longhorn || longhorn.nodeDownPodDeletion === "do-nothing")) return "waits for node";
    const ms =
      timing(model, "k8s.nodeNotReady") +
      timing(model, "k8s.podEviction") +
      timing(model, "k8s.podStart") +
      (persistent ? timing(model, "longhorn.reattach") : 0);
    return `reschedule ${minutes(ms)}`;
  };
  // A node may hold several replicas of one service (a single node runs them all): one chip each.
  const pod = (name: string, nodes: readonly string[], back: string, why: string): SizedChip => {
    const here = nodes.filter((n) => n === g.name).length;
    const label = `${name} ${here}/${nodes.length} · ${back}`;
    const title = `${name}: ${here} of ${nodes.length} replica${nodes.length > 1 ? "s" : ""} on ${g.name} (placed on ${nodes.join(", ")}); if ${g.name} is lost: ${why}`;
    return chip(label, "pod", title, { component: `pod:${name}@${g.name}` });
  };
  const spread = (nodes: readonly string[]): boolean => new Set(nodes).size > 1;
  const out: SizedChip[] = [];
  for (const s of model.services) {
    const nodes = placement.services.get(s.name) ?? [];
    if (!nodes.includes(g.name)) continue;
    if (spread(nodes))
      out.push(pod(s.name, nodes, "other replica", "the replicas on other nodes keep serving"));
    else {
      const back = reschedule(s.persistenceGiB > 0);
      out.push(
        pod(
          s.name,
          nodes,
          back,
          back === "waits for node"
            ? "no other node can take it (data on the node, or no other node): the pod waits for the node"
            : `Kubernetes marks the node NotReady, evicts the pod and starts it elsewhere (${back.replace("reschedule ", "")})`,
        ),
      );
    }
  }
  for (const db of model.databases) {
    const nodes = placement.databases.get(db.name) ?? [];
    if (!nodes.includes(g.name)) continue;
    out.push(
      spread(nodes)
        ? pod(db.name, nodes, "replica promoted", "CloudNativePG promotes an instance on another node")
        : pod(db.name, nodes, "waits for node", "its only instance waits for the node"),
    );
  }
  if (placement.bundledTraefik.includes(g.name)) {
    const nodes = placement.bundledTraefik;
    out.push(
      spread(nodes)
        ? pod("traefik", nodes, "other replica", "the replicas on other nodes keep serving")
        : pod("traefik", nodes, reschedule(false), "Kubernetes reschedules it after the eviction timeout"),
    );
  }
  return out;
}

/** What hlab runs on a guest because of its role, so the picture shows where each daemon lives. */
function daemonChips(model: Model, g: Guest): SizedChip[] {
  const out: SizedChip[] = [];
  const d = (label: string, title: string): void => {
    out.push(chip(label, "daemon", title, { component: `${label.split(" ")[0]}@${g.name}` }));
  };
  const k8s = model.kubernetes;
  if (k8s?.servers.includes(g.name)) {
    d("k3s server", `K3s server ${k8s.version}`);
    if (k8s.datastore === "embedded-etcd") d("etcd", `embedded etcd member (${k8s.servers.length} servers)`);
    const kubeVip = kubeVipApi(model);
    if (kubeVip?.candidates.includes(g.name)) d("kube-vip", `kube-vip: may hold ${kubeVip.address}`);
  }
  if (k8s?.agents.includes(g.name)) d("k3s agent", `K3s agent ${k8s.version}`);
  for (const lb of model.loadBalancers.filter((l) => l.guests.includes(g.name))) {
    d(
      "haproxy",
      `HAProxy of ${lb.name}: ${lb.frontends.map((f) => f.port).join(", ")} -> ${lb.frontends[0]?.backends ?? ""}`,
    );
    d(
      "keepalived",
      `Keepalived VRRPv${lb.vrrp.version} for ${lb.vip} (advert ${lb.vrrp.advertMs} ms, ${lb.profile})`,
    );
  }
  if (model.wireguard?.guest === g.name)
    d("wireguard", `WireGuard ${model.wireguard.endpoint}:${model.wireguard.port}`);
  for (const db of model.databases.filter((x) => x.guests.includes(g.name))) {
    out.push(
      chip(
        `${db.name} pg`,
        "database",
        `${db.name}: ${db.engine}, ${db.instances} instances${db.synchronous ? ", synchronous" : ""}`,
        {
          component: `postgres@${g.name}`,
        },
      ),
    );
  }
  return out;
}

function placeHost(s: SizedHost, x: number, y: number, h: number): HostBox {
  const guests: GuestBox[] = [];
  let rowY = y + HOST_HEADER;
  s.guests.forEach((sg, i) => {
    const row = Math.floor(i / s.columns);
    const col = i % s.columns;
    if (col === 0 && row > 0) rowY += s.rowHeights[row - 1]! + GUEST_GAP;
    guests.push(
      placeGuest(sg, x + HOST_PAD + col * (s.guestW + GUEST_GAP), rowY, s.guestW, s.rowHeights[row]!),
    );
  });
  let px = x + 14;
  const nics: NicPort[] = s.ports.map((p) => {
    const port: NicPort = {
      id: p.id,
      name: p.name,
      host: s.host.name,
      networks: p.networks,
      fail: `nic:${p.id}`,
      x: px,
      y: y + h - PORT_H / 2,
      w: p.w,
      h: PORT_H,
    };
    px += p.w + 6;
    return port;
  });
  return {
    name: s.host.name,
    title: s.title,
    details: s.details,
    header: { x, y, w: s.w, h: HOST_HEADER - 4 },
    chips: flow(s.chips, x + 12, y + 50, s.w - 24),
    fail: `host:${s.host.name}`,
    guests,
    nics,
    x,
    y,
    w: s.w,
    h,
  };
}

function placeGuest(sg: SizedGuest, x: number, y: number, w: number, h: number): GuestBox {
  let cy = y + GUEST_PAD + 16 + LINE;
  const addresses: AddressLine[] = sg.addresses.map((a) => {
    cy += LINE;
    return { ...a, x: x + GUEST_PAD, y: cy - 3 };
  });
  cy += 6;
  const chips = flow(sg.chips, x + GUEST_PAD, cy, w - 2 * GUEST_PAD);
  if (chips.length > 0) cy = Math.max(...chips.map((c) => c.y + c.h)) + CHIP_GAP;
  cy += 4;
  const vips: VipBadge[] = sg.vips.map((v) => {
    const badge: VipBadge = {
      address: v.vip.address,
      guest: sg.guest.name,
      holder: v.holder,
      label: v.label,
      title: v.title,
      x: x + GUEST_PAD,
      y: cy,
      w: v.w,
      h: CHIP_H,
    };
    cy += CHIP_H + CHIP_GAP;
    return badge;
  });
  return {
    name: sg.guest.name,
    host: sg.guest.host,
    title: sg.title,
    subtitle: sg.subtitle,
    addresses,
    chips,
    vips,
    x,
    y,
    w,
    h,
  };
}

/** Places chips left to right, wrapping at `width`. */
function flow(chips: SizedChip[], x0: number, y0: number, width: number): Chip[] {
  let x = x0;
  let y = y0;
  return chips.map(({ w, ...c }) => {
    if (x > x0 && x + w > x0 + width) {
      x = x0;
      y += CHIP_H + CHIP_GAP;
    }
    const placed: Chip = { ...c, x, y, w, h: CHIP_H };
    x += w + CHIP_GAP;
    return placed;
  });
}

function placeGear(
  model: Model,
  hosts: HostBox[],
  gearY: number,
  railsTop: number,
  hostsRight: number,
  wires: Wire[],
): GearBox[] {
  const sized = model.gear.map((g) => ({
    g,
    label: g.name,
    w: Math.max(textWidth(g.name, 12, true), textWidth(g.kind, 10)) + 24,
  }));
  const total = sized.reduce((a, s) => a + s.w, 0) + Math.max(0, sized.length - 1) * 16;
  let x = Math.max(MARGIN, MARGIN + (hostsRight - MARGIN - total) / 2);
  return sized.map((s, i) => {
    const box: GearBox = {
      name: s.g.name,
      kind: s.g.kind,
      label: s.label,
      fail: `gear:${s.g.name}`,
      x,
      y: gearY,
      w: s.w,
      h: GEAR_H,
    };
    x += s.w + 16;
    const railY = railsTop + i * RAIL_STEP;
    const cx = box.x + box.w / 2;
    const dependants = hosts.filter((h) =>
      model.hosts.find((m) => m.name === h.name)?.dependsOn.includes(s.g.name),
    );
    if (dependants.length === 0) return box;
    const drops = dependants.map((h) => h.x + h.w - 16 - i * RAIL_STEP);
    wires.push({
      of: s.g.name,
      kind: "gear",
      points: [
        [cx, box.y + box.h],
        [cx, railY],
      ],
    });
    wires.push({
      of: s.g.name,
      kind: "gear",
      points: [
        [Math.min(cx, ...drops), railY],
        [Math.max(cx, ...drops), railY],
      ],
    });
    dependants.forEach((h, k) => {
      wires.push({
        of: s.g.name,
        kind: "gear",
        points: [
          [drops[k]!, railY],
          [drops[k]!, h.y],
        ],
      });
    });
    return box;
  });
}

function placeCluster(model: Model, hosts: HostBox[], vips: Vip[], y: number): ClusterBand | undefined {
  const k8s = model.kubernetes;
  if (!k8s) return undefined;
  const nodes = [...k8s.servers, ...k8s.agents];
  const spanned = hosts.filter((h) => h.guests.some((g) => nodes.includes(g.name)));
  const span: Rect =
    spanned.length > 0
      ? {
          x: spanned[0]!.x,
          y,
          w: spanned[spanned.length - 1]!.x + spanned[spanned.length - 1]!.w - spanned[0]!.x,
          h: 0,
        }
      : { x: MARGIN, y, w: 400, h: 0 };
  const title = `K3s cluster · ${k8s.servers.length} server${k8s.servers.length === 1 ? "" : "s"}${
    k8s.agents.length > 0 ? ` + ${k8s.agents.length} agent${k8s.agents.length === 1 ? "" : "s"}` : ""
  } · ${k8s.datastore === "embedded-etcd" ? "embedded etcd" : "sqlite"} · storage ${model.storage.class}${
    model.storage.longhorn ? ` ×${model.storage.longhorn.replicas}` : ""
  }`;
  const apiVip = vips.find((v) => v.address === k8s.api.vip);
  const subtitle = [
    `API ${k8s.api.endpoint}${apiVip ? ` via ${apiVip.mechanism}` : ""}`,
    `ingress ${k8s.ingress.address ?? k8s.ingress.node ?? "node ports"} via ${k8s.ingress.via}`,
    `pods on ${nodes.join(", ")} as placed by the plan`,
  ].join(" · ");
  const chips: SizedChip[] = [
    chip(
      "k8s API",
      "daemon",
      `Kubernetes API at ${k8s.api.endpoint}: needs etcd quorum and a server behind the endpoint`,
      {
        service: KUBERNETES_API,
      },
    ),
    ...model.services.filter((s) => s.on.length === 0).map(serviceChip),
    ...model.databases
      .filter((db) => db.guests.length === 0)
      .map((db) =>
        chip(
          `${db.name} ${db.engine === "cloudnative-pg" ? "cnpg" : db.engine} ×${db.instances}`,
          "database",
          `${db.name}: ${db.engine}, ${db.instances} instances${db.synchronous ? ", synchronous" : ""}, ${db.storageGiB} GiB each`,
          {
            component: `database@${db.name}`,
          },
        ),
      ),
    ...model.metallbPools.map((p) =>
      chip(
        `MetalLB ${p.name} ${p.ranges.map((r) => r.text).join(", ")}`,
        "pool",
        `MetalLB pool ${p.name} on ${p.network}`,
        {
          component: `metallb@${p.name}`,
        },
      ),
    ),
  ];
  const w = Math.max(span.w, textWidth(title, 12, true) + 24, textWidth(subtitle, 10) + 24);
  const placed = flow(chips, span.x + 12, y + 44, w - 24);
  const bottom = placed.length > 0 ? Math.max(...placed.map((c) => c.y + c.h)) : y + 40;
  return { x: span.x, y, w, h: bottom - y + 12, title, subtitle, chips: placed };
}

/** The kinds of chip the drawing holds, in the legend's order. */
function chipKinds(hosts: HostBox[], cluster: ClusterBand | undefined): ChipKind[] {
  const used = new Set<ChipKind>([
    ...hosts.flatMap((h) => [...h.chips, ...h.guests.flatMap((g) => g.chips)]).map((c) => c.kind),
    ...(cluster?.chips ?? []).map((c) => c.kind),
  ]);
  return (Object.keys(CHIP_COLOURS) as ChipKind[]).filter((k) => used.has(k));
}

const LEGEND_ROW = 20;

/** One entry per colour and outline of the drawing, wrapped to the hosts' width. */
function placeLegend(
  model: Model,
  colours: Map<string, string>,
  y: number,
  kinds: ChipKind[],
  right: number,
): LegendItem[] {
  const items: Omit<LegendItem, "x" | "y">[] = [
    ...model.networks.map((n) => ({
      label: `network ${n.name}`,
      color: colours.get(n.name)!,
      style: "line" as const,
    })),
    ...(model.gear.length > 0
      ? [{ label: "gear link", color: GEAR_WIRE_COLOUR, style: "dashed-line" as const }]
      : []),
    ...kinds.map((k) => ({
      label: CHIP_COLOURS[k].label,
      color: CHIP_COLOURS[k].stroke,
      fill: CHIP_COLOURS[k].fill,
      style: "fill" as const,
    })),
    { label: "VIP holder", color: "#0f172a", style: "fill" },
    { label: "VIP standby", color: "#0f172a", style: "dashed" },
    // What-if states (topology-svg.ts .is-failed, .is-down, .is-failover, .is-ok, .is-unreachable).
    { label: "failed (clicked)", color: STATE_COLOURS.down, fill: FAILED_FILL, style: "dashed" },
    { label: "down", color: STATE_COLOURS.down, style: "fill" },
    { label: "fails over", color: STATE_COLOURS.failover, style: "fill" },
    { label: "fine", color: STATE_COLOURS.ok, style: "fill" },
    // A guest that runs behind a failed NIC or box.
    { label: "unreachable", color: STATE_COLOURS.unreachable, style: "dashed" },
  ];
  const width = Math.max(right, MARGIN + 600);
  let x = MARGIN;
  let row = y;
  return items.map((it) => {
    const w = 22 + textWidth(it.label, 11) + 18;
    if (x > MARGIN && x + w - 18 > width) {
      x = MARGIN;
      row += LEGEND_ROW;
    }
    const placed = { ...it, x, y: row };
    x += w;
    return placed;
  });
}
