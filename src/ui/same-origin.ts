// Which requests the dashboard answers. Its lab buttons run root-level fault injection, so a web page
// elsewhere must not drive it: the Host must name this machine (a DNS-rebinding name does not), a
// POST's Origin must be the page's own, and beyond loopback a POST must also carry the token the
// page was served with (a foreign page cannot read it).
import { randomBytes, timingSafeEqual } from "node:crypto";
import type { IncomingMessage } from "node:http";
import { isIP } from "node:net";
import { hostname, networkInterfaces } from "node:os";

/** The header a POST carries the page's token in. */
export const TOKEN_HEADER = "x-hlab-token";

export type Refusal = { status: 421 | 403; message: string } | undefined;

export interface SameOrigin {
  /** Sent in the page; required on every POST when `tokenRequired`. */
  readonly token: string;
  readonly tokenRequired: boolean;
  /** The URL to print once listening on `port`: one a browser on this machine can open. */
  url(port: number): string;
  /** Why a request is refused, or undefined when it may be answered. */
  check(req: IncomingMessage): Refusal;
}

const LOOPBACK_NAMES = ["localhost", "127.0.0.1", "::1"];
const WILDCARD = new Set(["0.0.0.0", "::", ""]);

/** `127.x.x.x`, `::1` and `localhost`: the addresses only this machine can reach. */
export function isLoopback(host: string): boolean {
  const h = unbracket(host).toLowerCase();
  return h === "localhost" || h === "::1" || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h);
}

export function sameOrigin(boundHost: string): SameOrigin {
  const bound = unbracket(boundHost).toLowerCase();
  const loopback = isLoopback(bound);
  const wildcard = WILDCARD.has(bound);
  const token = randomBytes(32).toString("base64url");
  const expected = Buffer.from(token);

  // Read per request when bound to every address: an address DHCP hands out later is the machine's too.
  const names = (): Set<string> => {
    const s = new Set([...LOOPBACK_NAMES, bound]);
    if (loopback) return s;
    s.add(hostname().toLowerCase());
    if (wildcard)
      for (const i of Object.values(networkInterfaces()).flat())
        if (i) s.add(canonical(i.address.replace(/%.*$/, "").replace(/^(.*:.*)$/, "[$1]"), 0)?.name ?? "");
    return s;
  };

  const shown = wildcard
    ? bound === "0.0.0.0"
      ? "127.0.0.1"
      : "[::1]"
    : bound.includes(":")
      ? `[${bound}]`
      : bound;
  return {
    token,
    tokenRequired: !loopback,
    url: (port) => `http://${shown}:${port}/`,
    check(req) {
      const host = parseHost(req.headers.host);
      // The port the connection came in on: a Host naming another port is another origin.
      if (!host || host.port !== req.socket.localPort || !names().has(host.name))
        return {
          status: 421,
          message: "unexpected Host header: open the dashboard at an address of this machine",
        };
      if (req.method !== "POST") return undefined;
      const origin = req.headers.origin;
      // Browsers send Origin on every POST; a client without one (curl) is no web page.
      if (origin !== undefined) {
        const o = parseOrigin(origin);
        if (!o || o.name !== host.name || o.port !== host.port)
          return { status: 403, message: "cross-origin request refused" };
      }
      if (!loopback) {
        const given = req.headers[TOKEN_HEADER];
        const got = Buffer.from(typeof given === "string" ? given : "");
        if (got.length !== expected.length || !timingSafeEqual(got, expected))
          return {
            status: 403,
            message: `missing or wrong ${TOKEN_HEADER}: use the page this server serves`,
          };
      }
      return undefined;
    },
  };
}

interface HostPort {
  /** Lowercase; IPv6 without brackets, in its canonical form. */
  name: string;
  port: number;
}

const HOST_HEADER = /^(\[[0-9a-f:.]+\]|[a-z0-9.-]+)(?::(\d{1,5}))?$/i;

function parseHost(header: string | undefined): HostPort | undefined {
  const m = HOST_HEADER.exec(header ?? "");
  if (!m) return undefined;
  return canonical(m[1]!, m[2] === undefined ? 80 : Number(m[2]));
}

function parseOrigin(origin: string): HostPort | undefined {
  let u: URL;
  try {
    u = new URL(origin);
  } catch {
    return undefined;
  }
  if (u.protocol !== "http:" || u.username || u.password || u.pathname !== "/") return undefined;
  return canonical(u.hostname, u.port === "" ? 80 : Number(u.port));
}

/** The URL parser's spelling, so `[0:0::1]` is `::1` and `LOCALHOST` is `localhost`. */
function canonical(host: string, port: number): HostPort | undefined {
  try {
    const name = unbracket(new URL(`http://${host}/`).hostname);
    return isIP(name) || /^[a-z0-9.-]+$/.test(name) ? { name, port } : undefined;
  } catch {
    return undefined;
  }
}

function unbracket(h: string): string {
  return h.startsWith("[") && h.endsWith("]") ? h.slice(1, -1) : h;
}
