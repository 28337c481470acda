// A small client for etcd's v3 JSON gateway (etcd 3.4 serves it on the client port): enough for a
// lease record with compare-and-swap and for the API stand-in's reads and writes. Keys and values
// travel base64-encoded; 64-bit revisions arrive as strings.
import { request } from "node:http";

export interface KeyValue {
  value: string;
  modRevision: number;
}

export class EtcdHttp {
  constructor(
    private readonly base: string,
    private readonly timeoutMs: number,
  ) {}

  async get(key: string): Promise<KeyValue | undefined> {
    const r = (await this.call("/v3/kv/range", { key: b64(key) })) as {
      kvs?: { value?: string; mod_revision?: string }[];
    };
    const kv = r.kvs?.[0];
    return kv ? { value: unb64(kv.value ?? ""), modRevision: Number(kv.mod_revision ?? 0) } : undefined;
  }

  async put(key: string, value: string): Promise<void> {
    await this.call("/v3/kv/put", { key: b64(key), value: b64(value) });
  }

  /** Writes only if the key's mod revision is still `modRevision` (0: the key must not exist). */
  async putIfUnchanged(key: string, value: string, modRevision: number): Promise<boolean> {
    const r = (await this.call("/v3/kv/txn", {
      compare: [{ key: b64(key), target: "MOD", result: "EQUAL", mod_revision: String(modRevision) }],
      success: [{ request_put: { key: b64(key), value: b64(value) } }],
    })) as { succeeded?: boolean };
    return r.succeeded === true;
  }

  private call(path: string, body: unknown): Promise<unknown> {
    const url = new URL(path, this.base);
    const payload = JSON.stringify(body);
    return new Promise((resolve, reject) => {
      const req = request(
        url,
        {
          method: "POST",
          headers: { "content-type": "application/json", "content-length": Buffer.byteLength(payload) },
          timeout: this.timeoutMs,
          agent: false,
        },
        (res) => {
          let text = "";
          res.setEncoding("utf8");
          res.on("data", (c: string) => (text += c));
          res.on("end", () => {
            if (res.statusCode !== 200)
              return reject(new Error(`etcd ${path}: HTTP ${res.statusCode} ${text.slice(0, 200)}`));
            try {
              resolve(JSON.parse(text) as unknown);
            } catch (err) {
              reject(err as Error);
            }
          });
        },
      );
      req.on("timeout", () => req.destroy(new Error(`etcd ${path}: timeout`)));
      req.on("error", reject);
      req.end(payload);
    });
  }
}

const b64 = (s: string): string => Buffer.from(s).toString("base64");
const unb64 = (s: string): string => Buffer.from(s, "base64").toString();
