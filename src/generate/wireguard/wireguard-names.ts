// Names shared by the WireGuard configs and the secret store.
import type { WireGuard } from "../../model/model.js";

/** The server's key pair; its private half is installed at `serverKeyPath`. */
export const serverSecretName = (wg: WireGuard): string => `wireguard/${wg.guest}`;
export const serverKeyPath = (wg: WireGuard): string => `/etc/wireguard/${wg.guest}.key`;

/** A peer's key pair; the private half never leaves the store except onto the peer's device. */
export const peerSecretName = (peer: string): string => `wireguard/peer-${peer}`;
