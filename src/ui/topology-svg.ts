// Layout -> SVG text. Pure. The same string is inlined in the page (which finds the clickable parts
// by their data-* attributes and marks states by adding classes) and written by `--export-svg`, so
// the drawing carries its own stylesheet and needs nothing from the page to look right.
import type {
  Chip,
  GearBox,
  GuestBox,
  HostBox,
  LegendItem,
  NicPort,
  TopologyLayout,
  VipBadge,
  Wire,
} from "./layout-types.js";
import { CHIP_COLOURS, FAILED_FILL, GEAR_WIRE_COLOUR, STATE_COLOURS } from "./topology-layout.js";

const FONT = `"Helvetica Neue", Arial, "Liberation Sans", "DejaVu Sans", sans-serif`;

export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

const STYLE = `
text { fill: #0f172a; }
.title { font-size: 18px; font-weight: 700; }
.subtitle, .detail, .guest-sub { fill: #475569; }
.subtitle { font-size: 12px; }
.wire { fill: none; stroke-width: 2; }
.wire.gear { stroke: ${GEAR_WIRE_COLOUR}; stroke-width: 1.5; stroke-dasharray: 4 3; }
.gear-box rect { fill: #f1f5f9; stroke: #475569; stroke-width: 1.5; }
.gear-box .name { font-size: 12px; font-weight: 700; }
.gear-box .kind { font-size: 10px; fill: #475569; }
.host-box { fill: #f8fafc; stroke: #334155; stroke-width: 1.5; }
.host-header rect { fill: #e2e8f0; }
.host-header .name { font-size: 14px; font-weight: 700; }
.detail { font-size: 11px; }
.guest-box { fill: #ffffff; stroke: #94a3b8; }
.guest .name { font-size: 13px; font-weight: 700; }
.guest-sub { font-size: 10px; }
.addr { font-size: 11px; font-family: ui-monospace, "DejaVu Sans Mono", monospace; }
.chip rect { fill: ${CHIP_COLOURS.service.fill}; stroke: ${CHIP_COLOURS.service.stroke}; }
${(["daemon", "database", "pool", "pod"] as const).map((k) => `.chip.${k} rect { fill: ${CHIP_COLOURS[k].fill}; stroke: ${CHIP_COLOURS[k].stroke}; }`).join("\n")}
.chip text { font-size: 10px; }
.vip rect { fill: #0f172a; stroke: #0f172a; }
.vip text { fill: #ffffff; font-size: 10px; font-weight: 700; }
.vip.standby rect { fill: #ffffff; stroke-dasharray: 3 2; }
.vip.standby text { fill: #0f172a; font-weight: 400; }
.port rect { fill: #ffffff; stroke: #334155; }
.port text { font-size: 10px; }
.cluster-band > rect { fill: #eff6ff; stroke: #3b82f6; stroke-dasharray: 6 3; }
.cluster-band .name { font-size: 12px; font-weight: 700; }
.bus-label { font-size: 11px; }
.legend text { font-size: 11px; }
.failable { cursor: pointer; }
.failable:hover > rect, .failable:focus-visible > rect { stroke: ${STATE_COLOURS.down}; stroke-width: 2; }
.failable:focus { outline: none; }
.is-failed > rect, .chip.is-failed > rect, .is-failed > .host-box { fill: ${FAILED_FILL}; stroke: ${STATE_COLOURS.down}; stroke-width: 2.5; stroke-dasharray: 6 3; }
.host.is-failed .guest { opacity: 0.6; }
.is-down > rect, .chip.is-down > rect { fill: #fee2e2; stroke: ${STATE_COLOURS.down}; stroke-width: 1.5; }
.is-failover > rect, .chip.is-failover > rect { fill: #fef3c7; stroke: ${STATE_COLOURS.failover}; stroke-width: 1.5; }
.is-ok > rect, .chip.is-ok > rect { fill: #dcfce7; stroke: ${STATE_COLOURS.ok}; }
.is-spof > rect { stroke: ${STATE_COLOURS.down}; stroke-width: 2.5; }
.note rect { fill: ${STATE_COLOURS.failover}; stroke: none; }
.note.down rect { fill: ${STATE_COLOURS.down}; }
.is-unreachable > rect { fill: #f1f5f9; stroke: ${STATE_COLOURS.unreachable}; stroke-width: 1.5; stroke-dasharray: 2 2; }
.note.unreachable rect { fill: ${STATE_COLOURS.unreachable}; }
.note text { fill: #ffffff; font-size: 10px; font-weight: 700; }
`;

export function topologySvg(layout: TopologyLayout): string {
  const out: string[] = [];
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" class="hlab-topology" viewBox="0 0 ${layout.width} ${layout.height}" width="${layout.width}" height="${layout.height}" font-family='${FONT}'>`,
    `<title>${escapeXml(layout.title)}: topology</title>`,
    `<style>${STYLE}</style>`,
    `<rect x="0" y="0" width="${layout.width}" height="${layout.height}" fill="#ffffff"/>`,
    `<text class="title" x="20" y="38">${escapeXml(layout.title)}</text>`,
  );
  if (layout.subtitle) out.push(`<text class="subtitle" x="20" y="56">${escapeXml(layout.subtitle)}</text>`);
  out.push(`<g class="wires">`, ...layout.wires.map((w) => wire(w, layout)), `</g>`);
  out.push(`<g class="buses">`);
  for (const b of layout.networks) {
    out.push(
      `<g class="bus" data-network="${escapeXml(b.name)}"><line x1="${b.x1}" y1="${b.y}" x2="${b.x2}" y2="${b.y}" stroke="${b.color}" stroke-width="3"/>` +
        `<text class="bus-label" x="${b.x2 + 10}" y="${b.y + 4}" fill="${b.color}">${escapeXml(b.label)}</text></g>`,
    );
  }
  out.push(`</g>`);
  out.push(...layout.gear.map(gearBox));
  out.push(...layout.hosts.map((h) => hostBox(h, layout)));
  if (layout.cluster) {
    const c = layout.cluster;
    out.push(
      `<g class="cluster-band" data-cluster="k3s">`,
      rect(c.x, c.y, c.w, c.h, 8),
      `<text class="name" x="${c.x + 12}" y="${c.y + 18}">${escapeXml(c.title)}</text>`,
      `<text class="detail" x="${c.x + 12}" y="${c.y + 34}">${escapeXml(c.subtitle)}</text>`,
      ...c.chips.map(chip),
      `</g>`,
    );
  }
  out.push(`<g class="legend">`, ...layout.legend.map(legendItem), `</g>`);
  out.push(`</svg>`);
  return out.join("\n") + "\n";
}

const rect = (x: number, y: number, w: number, h: number, r = 4, cls = ""): string =>
  `<rect${cls ? ` class="${cls}"` : ""} x="${x}" y="${y}" width="${w}" height="${h}" rx="${r}"/>`;

function wire(w: Wire, layout: TopologyLayout): string {
  const colour =
    w.kind === "network" ? (layout.networks.find((n) => n.name === w.of)?.color ?? "#334155") : undefined;
  const d = w.points.map(([x, y], i) => `${i === 0 ? "M" : "L"}${x} ${y}`).join(" ");
  return `<path class="wire ${w.kind}" data-of="${escapeXml(w.of)}" d="${d}"${colour ? ` stroke="${colour}"` : ""}/>`;
}

function gearBox(g: GearBox): string {
  return [
    `<g class="gear-box failable" tabindex="0" role="button" data-fail="${escapeXml(g.fail)}" data-gear="${escapeXml(g.name)}">`,
    `<title>${escapeXml(`${g.name} (${g.kind}): click to fail it`)}</title>`,
    rect(g.x, g.y, g.w, g.h, 6),
    `<text class="name" x="${g.x + 12}" y="${g.y + 15}">${escapeXml(g.label)}</text>`,
    `<text class="kind" x="${g.x + 12}" y="${g.y + 29}">${escapeXml(g.kind)}</text>`,
    `</g>`,
  ].join("");
}

function hostBox(h: HostBox, layout: TopologyLayout): string {
  return [
    `<g class="host" data-host="${escapeXml(h.name)}">`,
    rect(h.x, h.y, h.w, h.h, 8, "host-box"),
    `<g class="host-header failable" tabindex="0" role="button" data-fail="${escapeXml(h.fail)}">`,
    `<title>${escapeXml(`${h.name}: click to fail this host`)}</title>`,
    `<rect x="${h.header.x + 1}" y="${h.header.y + 1}" width="${h.header.w - 2}" height="${h.header.h}" rx="7"/>`,
    `<text class="name" x="${h.x + 12}" y="${h.y + 17}">${escapeXml(h.title)}</text>`,
    // Lines 13 apart, the first clear of the title's descenders: their boxes never touch on screen.
    ...h.details.map(
      (d, i) => `<text class="detail" x="${h.x + 12}" y="${h.y + 33 + i * 13}">${escapeXml(d)}</text>`,
    ),
    `</g>`,
    ...h.chips.map(chip),
    ...h.guests.map((g) => guestBox(g, layout)),
    ...h.nics.map((p) => port(p, layout)),
    `</g>`,
  ].join("\n");
}

function guestBox(g: GuestBox, layout: TopologyLayout): string {
  const colour = (net: string): string => layout.networks.find((n) => n.name === net)?.color ?? "#334155";
  return [
    `<g class="guest failable" tabindex="0" role="button" data-guest="${escapeXml(g.name)}" data-fail="guest:${escapeXml(g.name)}">`,
    `<title>${escapeXml(`${g.name}: click to fail this guest`)}</title>`,
    rect(g.x, g.y, g.w, g.h, 6, "guest-box"),
    `<text class="name" x="${g.x + 8}" y="${g.y + 21}">${escapeXml(g.title)}</text>`,
    `<text class="guest-sub" x="${g.x + 8}" y="${g.y + 35}">${escapeXml(g.subtitle)}</text>`,
    ...g.addresses.map(
      (a) =>
        `<circle cx="${a.x + 4}" cy="${a.y - 4}" r="4" fill="${colour(a.network)}"/>` +
        `<text class="addr" x="${a.x + 14}" y="${a.y}">${escapeXml(`${a.network} ${a.address}`)}</text>`,
    ),
    ...g.chips.map(chip),
    ...g.vips.map(vipBadge),
    `</g>`,
  ].join("");
}

function chip(c: Chip): string {
  const data = [
    c.service !== undefined ? ` data-service="${escapeXml(c.service)}"` : "",
    c.component !== undefined ? ` data-component="${escapeXml(c.component)}"` : "",
  ].join("");
  return (
    `<g class="chip ${c.kind}"${data}><title>${escapeXml(c.title)}</title>` +
    rect(c.x, c.y, c.w, c.h, 9) +
    `<text x="${c.x + 7}" y="${c.y + 13}">${escapeXml(c.label)}</text></g>`
  );
}

function vipBadge(v: VipBadge): string {
  return (
    `<g class="vip ${v.holder ? "holder" : "standby"}" data-vip="${escapeXml(v.address)}" data-guest="${escapeXml(v.guest)}">` +
    `<title>${escapeXml(v.title)}</title>` +
    rect(v.x, v.y, v.w, v.h, 3) +
    `<text x="${v.x + 7}" y="${v.y + 13}">${escapeXml(v.label)}</text></g>`
  );
}

function port(p: NicPort, layout: TopologyLayout): string {
  const bars = p.networks.map((net, k) => {
    const colour = layout.networks.find((n) => n.name === net)?.color ?? "#334155";
    return `<rect x="${p.x + 5 + k * 6}" y="${p.y + p.h - 5}" width="6" height="4" fill="${colour}" stroke="none"/>`;
  });
  return (
    `<g class="port failable" tabindex="0" role="button" data-fail="${escapeXml(p.fail)}" data-nic="${escapeXml(p.id)}">` +
    `<title>${escapeXml(`NIC ${p.id} (${p.networks.join(", ")}): click to fail it`)}</title>` +
    rect(p.x, p.y, p.w, p.h, 3) +
    `<text x="${p.x + 6}" y="${p.y + 12}">${escapeXml(p.name)}</text>` +
    bars.join("") +
    `</g>`
  );
}

function legendItem(l: LegendItem): string {
  const sample =
    l.style === "line" || l.style === "dashed-line"
      ? `<line x1="${l.x}" y1="${l.y - 4}" x2="${l.x + 16}" y2="${l.y - 4}" stroke="${l.color}" stroke-width="${l.style === "line" ? 3 : 1.5}"${l.style === "dashed-line" ? ` stroke-dasharray="4 3"` : ""}/>`
      : `<rect x="${l.x}" y="${l.y - 10}" width="16" height="11" rx="2" fill="${l.fill ?? (l.style === "fill" ? l.color : "#ffffff")}" stroke="${l.color}"${l.style === "dashed" ? ` stroke-dasharray="3 2"` : ""}/>`;
  return `${sample}<text x="${l.x + 22}" y="${l.y}">${escapeXml(l.label)}</text>`;
}
