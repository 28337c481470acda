// The parts of a homelab that fail independently: hosts, their NICs, shared gear and guests. Each
// has its failure and repair figures from the model (spec or documented default) and the spec path
// findings about it point at.
import type { PathSegment } from "../diagnostic/diagnostic.js";
import type { Model, Reliability } from "../model/model.js";
import type { ComponentId, ComponentInfo, ComponentKind } from "./plan-report.js";

export interface Component {
  id: ComponentId;
  kind: ComponentKind;
  name: string;
  reliability: Reliability;
  path: PathSegment[];
  /** The host it sits on (hosts: themselves; gear: none). */
  host?: string;
}

export const hostId = (name: string): ComponentId => `host:${name}`;
export const nicId = (nicFullName: string): ComponentId => `nic:${nicFullName}`;
export const gearId = (name: string): ComponentId => `gear:${name}`;
export const guestId = (name: string): ComponentId => `guest:${name}`;

export function modelComponents(model: Model): Map<ComponentId, Component> {
  const out = new Map<ComponentId, Component>();
  const add = (c: Component): void => {
    out.set(c.id, c);
  };
  for (const g of model.gear)
    add({
      id: gearId(g.name),
      kind: "gear",
      name: g.name,
      reliability: g.reliability,
      path: ["gear", g.name],
    });
  for (const h of model.hosts) {
    add({
      id: hostId(h.name),
      kind: "host",
      name: h.name,
      reliability: h.reliability,
      path: ["hosts", h.name],
      host: h.name,
    });
    // A NIC declared in the spec is found under `nics:`; the implicit one points at the host itself
    // (the locator stops at the deepest path that exists, so both positions are then equal).
    const hostPos = model.source.locate(["hosts", h.name]);
    for (const n of h.nics) {
      // A dummy interface is a bridge's anchor inside the host (seed 002): there is no hardware to fail.
      const virtual = /^dummy\d*$/.test(n.name) && !n.reliability.source.startsWith("spec");
      const nicPos = model.source.locate(["hosts", h.name, "nics", n.name]);
      const declared = nicPos.line !== hostPos.line || nicPos.column !== hostPos.column;
      add({
        id: nicId(n.id),
        kind: "nic",
        name: n.id,
        reliability: virtual
          ? { availability: 1, mtbfHours: 1e12, mttrHours: 0, source: "virtual interface" }
          : n.reliability,
        path: declared ? ["hosts", h.name, "nics", n.name] : ["hosts", h.name],
        host: h.name,
      });
    }
  }
  for (const g of model.guests) {
    add({
      id: guestId(g.name),
      kind: "guest",
      name: g.name,
      reliability: g.reliability,
      path: ["guests", g.name],
      host: g.host,
    });
  }
  return out;
}

/** Failures per hour while working. */
export const failureRate = (r: Reliability): number =>
  r.mtbfHours > 0 && r.availability < 1 ? 1 / r.mtbfHours : 0;

/** A component that never fails within floating-point precision is treated as a constant. */
export const isPerfect = (r: Reliability): boolean => 1 - r.availability < 1e-13 || failureRate(r) === 0;

export function componentInfo(c: Component): ComponentInfo {
  return {
    id: c.id,
    kind: c.kind,
    name: c.name,
    availability: c.reliability.availability,
    mtbfHours: c.reliability.mtbfHours,
    mttrHours: c.reliability.mttrHours,
    source: c.reliability.source,
  };
}

/**
 * Parses a what-if target: host:NAME, nic:HOST/NIC (or nic:HOST for all of its NICs, or a NIC name
 * unique in the lab), gear:NAME, guest:NAME. Returns the component ids, or an error sentence.
 */
/** `--fail site`: every host and every piece of gear at once (a fire, a flood, a burglary). */
export const SITE = "site";

export function resolveFailure(model: Model, text: string): ComponentId[] | string {
  if (text.trim() === SITE)
    return [SITE, ...model.hosts.map((h) => hostId(h.name)), ...model.gear.map((g) => gearId(g.name))];
  const m = /^(host|nic|gear|guest):(.+)$/.exec(text.trim());
  if (!m) return `\`${text}\` is not host:NAME, nic:NAME, gear:NAME, guest:NAME or site`;
  const [, kind, name] = m as unknown as [string, string, string];
  switch (kind) {
    case "host":
      return model.hosts.some((h) => h.name === name) ? [hostId(name)] : `unknown host \`${name}\``;
    case "gear":
      return model.gear.some((g) => g.name === name) ? [gearId(name)] : `unknown gear \`${name}\``;
    case "guest":
      return model.guests.some((g) => g.name === name) ? [guestId(name)] : `unknown guest \`${name}\``;
    default: {
      const nics = model.hosts.flatMap((h) => h.nics);
      const exact = nics.filter((n) => n.id === name);
      if (exact.length) return exact.map((n) => nicId(n.id));
      const ofHost = nics.filter((n) => n.host === name);
      if (ofHost.length) return ofHost.map((n) => nicId(n.id));
      const byName = nics.filter((n) => n.name === name);
      if (byName.length === 1) return [nicId(byName[0]!.id)];
      if (byName.length > 1)
        return `NIC name \`${name}\` is on several hosts: say which, e.g. nic:${byName[0]!.id}`;
      return `unknown NIC \`${name}\``;
    }
  }
}
