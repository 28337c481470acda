// STAND-IN for the ingress controller (Traefik) on a K3s node, and on K3s servers for the API
// server. Ingress ports answer by Host header: a service with a replica on this node (the plan's
// placement) answers here (200 naming the service and the node); one whose replicas are elsewhere
// is passed on to those nodes in turn, as Traefik reaches pods through the Service (502 when no
// replica answers, 404 for an unknown host). Simplification: a dead replica is skipped after a
// 300 ms connect timeout, where kube-proxy keeps sending it a share of requests until Kubernetes
// marks its node NotReady. Pods are never rescheduled. The API port writes and reads a key in the node's
// local etcd member the way kube-apiserver does (a quorum write, a linearizable read), so API
// probes fail exactly when the datastore cannot serve them. Without etcd (a single server on
// SQLite) values stay in memory.
// Run: node ingress.js CONFIG.json (inside the node's namespace).
import { readFileSync } from "node:fs";
import { createServer, request, type IncomingMessage, type ServerResponse } from "node:http";
import { EtcdHttp } from "./etcd-http.js";

export interface IngressStandinConfig {
  node: string;
  /** `local`: a replica runs here; `peers`: addresses of the nodes running the others. */
  services: { name: string; hostname: string; local: boolean; peers: string[] }[];
  ports: number[];
  /** The API port, when this node is a server. */
  apiPort?: number;
  /** Local etcd client URL, when the cluster has embedded etcd. */
  etcd?: string;
}

/** Prefix under which API probes keep their keys, away from anything else in etcd. */
export const API_KEY_PREFIX = "/hlab/api/";

const log = (msg: string): void => {
  process.stdout.write(`${new Date().toISOString()} ingress-standin ${msg}\n`);
};

function main(): void {
  const cfg = JSON.parse(readFileSync(process.argv[2]!, "utf8")) as IngressStandinConfig;
  const byHost = new Map(cfg.services.map((s) => [s.hostname, s]));
  const etcd = cfg.etcd ? new EtcdHttp(cfg.etcd, 2000) : undefined;
  const memory = new Map<string, string>();

  const ingress = (req: IncomingMessage, res: ServerResponse): void => {
    const host = (req.headers.host ?? "").replace(/:\d+$/, "");
    const service = byHost.get(host);
    if (req.url === "/healthz") return reply(res, 200, "ok");
    if (!service) return reply(res, 404, `no service for host ${host}`);
    if (service.local) return reply(res, 200, `${service.name} via ${cfg.node}`);
    // A request already passed on once is not passed on again.
    if (req.headers[FORWARDED]) return reply(res, 502, `no replica of ${service.name} here`);
    void passOn(service.peers, host, req.socket.localPort ?? 80).then((answer) =>
      answer
        ? reply(res, 200, `${answer.trim()} (through ${cfg.node})`)
        : reply(res, 502, `no replica of ${service.name} answers`),
    );
  };

  const api = (req: IncomingMessage, res: ServerResponse): void => {
    const url = req.url ?? "/";
    if (url === "/livez" || url === "/healthz" || url === "/readyz") return reply(res, 200, "ok");
    if (!url.startsWith("/hlab/kv/")) return reply(res, 404, "not found");
    const key = API_KEY_PREFIX + url.slice("/hlab/kv/".length);
    let body = "";
    req.setEncoding("utf8");
    req.on("data", (c: string) => (body += c));
    req.on("end", () => {
      const done = (p: Promise<string | undefined>): void => {
        p.then(
          (v) => (v === undefined ? reply(res, 404, "no such key") : reply(res, 200, v)),
          (err: Error) => reply(res, 503, `datastore: ${err.message}`),
        );
      };
      if (req.method === "PUT") {
        done(etcd ? etcd.put(key, body).then(() => body) : Promise.resolve(memory.set(key, body) && body));
      } else if (req.method === "GET") {
        done(etcd ? etcd.get(key).then((kv) => kv?.value) : Promise.resolve(memory.get(key)));
      } else reply(res, 405, "method not allowed");
    });
  };

  for (const port of cfg.ports) listen(port, ingress);
  if (cfg.apiPort) listen(cfg.apiPort, api);
  log(
    `serving ${cfg.services.length} services on ${cfg.ports.join(", ")}${cfg.apiPort ? `, API on ${cfg.apiPort}` : ""}`,
  );
  process.on("SIGTERM", () => process.exit(0));
}

const FORWARDED = "x-hlab-forwarded";

/** The first replica node that answers 200, or undefined. */
async function passOn(peers: readonly string[], host: string, port: number): Promise<string | undefined> {
  for (const peer of peers) {
    const body = await new Promise<string | undefined>((resolve) => {
      const req = request(
        { host: peer, port, path: "/", headers: { host, [FORWARDED]: "1" }, agent: false, timeout: 300 },
        (res) => {
          let text = "";
          res.setEncoding("utf8");
          res.on("data", (c: string) => (text += c));
          res.on("end", () => resolve(res.statusCode === 200 ? text : undefined));
        },
      );
      req.on("timeout", () => req.destroy());
      req.on("error", () => resolve(undefined));
      req.end();
    });
    if (body !== undefined) return body;
  }
  return undefined;
}

function listen(port: number, handler: (req: IncomingMessage, res: ServerResponse) => void): void {
  const server = createServer(handler);
  server.keepAliveTimeout = 1000;
  server.on("error", (err) => {
    log(`port ${port}: ${err.message}`);
    process.exit(1);
  });
  server.listen(port, "0.0.0.0");
}

function reply(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { "content-type": "text/plain", connection: "close" });
  res.end(text + "\n");
}

main();
