// Just enough of PostgreSQL's frontend/backend protocol (v3) for the lab's probes: connect, log in
// with a password (md5 or cleartext; the lab's pg_hba asks for md5), run one simple query, read the
// rows and the command tag. A dependency-free client keeps the probe loop light on two cores.
import { createHash } from "node:crypto";
import { connect } from "node:net";

export interface PgConnectOptions {
  host: string;
  port: number;
  user: string;
  password: string;
  database: string;
  timeoutMs: number;
}

export interface PgResult {
  rows: (string | null)[][];
  command: string;
}

export class PgError extends Error {
  constructor(
    message: string,
    readonly sqlState?: string,
  ) {
    super(message);
  }
}

/** Opens a connection, runs `sql` (one statement), closes. Rejects on any error or on timeout. */
export function pgQuery(opts: PgConnectOptions, sql: string): Promise<PgResult> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: opts.host, port: opts.port });
    const reader = new MessageReader();
    let phase: "auth" | "ready" | "query" = "auth";
    const rows: (string | null)[][] = [];
    let command = "";
    let failure: Error | undefined;
    let settled = false;
    const finish = (err?: Error): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (!err) socket.end(message("X", Buffer.alloc(0)));
      socket.destroy();
      if (err) reject(err);
      else resolve({ rows, command });
    };
    const timer = setTimeout(() => finish(new PgError("timeout")), opts.timeoutMs);
    socket.on("error", (err) => finish(err));
    socket.on("close", () => finish(new PgError("connection closed")));
    socket.on("connect", () => socket.write(startup(opts.user, opts.database)));
    socket.on("data", (chunk: Buffer) => {
      for (const m of reader.push(chunk)) {
        switch (m.type) {
          case "R": {
            const code = m.body.readInt32BE(0);
            if (code === 0) break;
            if (code === 3) socket.write(message("p", cstring(opts.password)));
            else if (code === 5)
              socket.write(
                message("p", cstring(md5Password(opts.user, opts.password, m.body.subarray(4, 8)))),
              );
            else return finish(new PgError(`unsupported authentication method ${code}`));
            break;
          }
          case "E":
            failure = errorFrom(m.body);
            if (phase === "auth") return finish(failure);
            break;
          case "Z":
            if (phase === "auth") {
              phase = "query";
              socket.write(message("Q", cstring(sql)));
            } else return finish(failure);
            break;
          case "D":
            rows.push(dataRow(m.body));
            break;
          case "C":
            command = m.body.toString("utf8", 0, m.body.length - 1);
            break;
          default:
            break;
        }
      }
    });
  });
}

function md5Password(user: string, password: string, salt: Buffer): string {
  const inner = createHash("md5")
    .update(password + user)
    .digest("hex");
  return (
    "md5" +
    createHash("md5")
      .update(Buffer.concat([Buffer.from(inner), salt]))
      .digest("hex")
  );
}

const cstring = (s: string): Buffer => Buffer.concat([Buffer.from(s, "utf8"), Buffer.from([0])]);

function message(type: string, body: Buffer): Buffer {
  const head = Buffer.alloc(5);
  head.write(type, 0, "ascii");
  head.writeInt32BE(body.length + 4, 1);
  return Buffer.concat([head, body]);
}

function startup(user: string, database: string): Buffer {
  const params = Buffer.concat([
    cstring("user"),
    cstring(user),
    cstring("database"),
    cstring(database),
    cstring("application_name"),
    cstring("hlab-lab"),
    Buffer.from([0]),
  ]);
  const head = Buffer.alloc(8);
  head.writeInt32BE(params.length + 8, 0);
  head.writeInt32BE(196608, 4);
  return Buffer.concat([head, params]);
}

function errorFrom(body: Buffer): PgError {
  const fields = new Map<string, string>();
  let i = 0;
  while (i < body.length && body[i] !== 0) {
    const code = String.fromCharCode(body[i]!);
    const end = body.indexOf(0, i + 1);
    fields.set(code, body.toString("utf8", i + 1, end));
    i = end + 1;
  }
  return new PgError(fields.get("M") ?? "error", fields.get("C"));
}

function dataRow(body: Buffer): (string | null)[] {
  const n = body.readInt16BE(0);
  const out: (string | null)[] = [];
  let off = 2;
  for (let c = 0; c < n; c++) {
    const len = body.readInt32BE(off);
    off += 4;
    if (len < 0) out.push(null);
    else {
      out.push(body.toString("utf8", off, off + len));
      off += len;
    }
  }
  return out;
}

/** Splits the byte stream into typed messages (type byte, int32 length including itself, body). */
class MessageReader {
  private buf: Buffer = Buffer.alloc(0);

  push(chunk: Buffer): { type: string; body: Buffer }[] {
    this.buf = this.buf.length ? Buffer.concat([this.buf, chunk]) : chunk;
    const out: { type: string; body: Buffer }[] = [];
    while (this.buf.length >= 5) {
      const len = this.buf.readInt32BE(1);
      if (this.buf.length < len + 1) break;
      out.push({ type: String.fromCharCode(this.buf[0]!), body: this.buf.subarray(5, len + 1) });
      this.buf = this.buf.subarray(len + 1);
    }
    return out;
  }
}
