// Numbers hlab assigns when the spec leaves them out: VMIDs (from a hash of the guest's name, so
// adding a guest never renumbers the others), WireGuard peers' tunnel addresses and VRRP router ids
// (in spec order).
// Both pools are finite; the cross-check reports a spec that needs more than a pool holds (HL041)
// before normalise runs, so the allocators here always end, and stop rather than cycle if not.
import type { Cidr } from "./model.js";

/** VMIDs hlab picks from; Proxmox accepts 100-999999999, so explicit ones may lie outside. */
export const AUTO_VMID_FIRST = 1000;
export const AUTO_VMID_LAST = 8999;
export const AUTO_VMID_COUNT = AUTO_VMID_LAST - AUTO_VMID_FIRST + 1;

/** The VMID for `hash` (a 32-bit value): the hashed slot, or the next free one after it. */
export function autoVmid(hash: number, used: Set<number>): number {
  let id = AUTO_VMID_FIRST + (hash % AUTO_VMID_COUNT);
  for (let tries = 0; used.has(id); tries++) {
    if (tries >= AUTO_VMID_COUNT)
      throw new Error(
        `no free VMID in ${AUTO_VMID_FIRST}-${AUTO_VMID_LAST} (the cross-check should have said)`,
      );
    id = id === AUTO_VMID_LAST ? AUTO_VMID_FIRST : id + 1;
  }
  used.add(id);
  return id;
}

/** Host numbers (1-based offsets) a tunnel has for its peers: all but the network, broadcast and the server's .1. */
export const tunnelPeerSlots = (tunnel: Cidr): number => Math.max(0, 2 ** (32 - tunnel.prefix) - 3);

/** Offsets from the tunnel's base for peers without an address, skipping the ones `taken`. */
export function autoTunnelOffsets(tunnel: Cidr, taken: Set<number>, count: number): number[] {
  const out: number[] = [];
  const last = 2 ** (32 - tunnel.prefix) - 2;
  for (let n = 2; n <= last && out.length < count; n++) if (!taken.has(tunnel.base + n)) out.push(n);
  if (out.length < count)
    throw new Error(`no free address in the tunnel ${tunnel.text} (the cross-check should have said)`);
  return out;
}

/** VRRP router ids are 1-255 (RFC 5798). */
export const VRRP_ID_COUNT = 255;

/** The router id for the load balancer at `index` (51, 52, ... by default), the next free one if taken. */
export function autoRouterId(index: number, used: Set<number>): number {
  let id = ((50 + index) % VRRP_ID_COUNT) + 1;
  for (let tries = 0; used.has(id); tries++) {
    if (tries >= VRRP_ID_COUNT) throw new Error("no free VRRP router id (the cross-check should have said)");
    id = (id % VRRP_ID_COUNT) + 1;
  }
  used.add(id);
  return id;
}
