// Every name the lab gives to something outside its run directory carries the lab id, so `down`
// can prove a namespace, bridge or port is its own before deleting it, and two labs never collide
// with each other or with the machine's own interfaces. Linux caps interface names at 15 bytes.
import { randomBytes } from "node:crypto";

/** `hl` + 4 hex digits: short enough to leave room in a 15-byte interface name. */
export type LabId = string;

const ID_PATTERN = /^hl[0-9a-f]{4}$/;
export const IFNAMSIZ = 15;

export function newLabId(): LabId {
  return `hl${randomBytes(2).toString("hex")}`;
}

export const isLabId = (text: string): boolean => ID_PATTERN.test(text);

/** The network namespace of one lab node (a host, a guest, the client or a service router). */
export const namespaceName = (id: LabId, node: string): string => `${id}-${node}`;

/** The root-namespace bridge that plays the switch of one network. */
export const switchName = (id: LabId, index: number): string => fit(`${id}s${index}`);

/** The root-namespace end of a veth plugged into a switch. */
export const portName = (id: LabId, index: number): string => fit(`${id}p${index}`);

/** Whether a namespace name belongs to lab `id` (and so may be deleted by it). */
export const ownsNamespace = (id: LabId, ns: string): boolean =>
  ns.startsWith(`${id}-`) && ns.length > id.length + 1;

/** Whether a root-namespace interface name belongs to lab `id`. */
export const ownsLink = (id: LabId, name: string): boolean => new RegExp(`^${id}[sp]\\d+$`).test(name);

function fit(name: string): string {
  if (name.length > IFNAMSIZ) throw new Error(`interface name too long: ${name}`);
  return name;
}

/** Clamps an interface name the way the kernel would refuse it: callers must keep names unique. */
export const clampIfName = (name: string): string =>
  name.length <= IFNAMSIZ ? name : name.slice(0, IFNAMSIZ);
