// The dashboard's HTTP server: the page, a JSON API over the plan and the lab, and server-sent events
// when the spec or the lab changes. It binds to loopback unless told otherwise; which requests it
// answers at all is decided in same-origin.ts, what a POST may carry in request-body.ts.
import { readFile } from "node:fs/promises";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type {
  ActionResponse,
  LabResponse,
  ModelResponse,
  PlanResponse,
  UiEvent,
  WhatIfResponse,
} from "./api-types.js";
import type { UiBackends } from "./backends.js";
import { LabMonitor } from "./lab-monitor.js";
import { PAGE_CSS, pageHtml } from "./page-shell.js";
import {
  HttpError,
  LAB_FAULT_REQUEST,
  LAB_RESTORE_REQUEST,
  readBody,
  WHAT_IF_REQUEST,
} from "./request-body.js";
import { sameOrigin } from "./same-origin.js";
import { SpecState } from "./spec-state.js";
import type { PlanReport } from "../analyze/plan-report.js";

export interface UiServerOptions {
  spec: string;
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  backends?: UiBackends;
  /** How often the lab is polled while a page is open. */
  labPollMs?: number;
  /** Watch the spec file for changes (default true). */
  watch?: boolean;
}

export interface UiServer {
  url: string;
  host: string;
  port: number;
  close(): Promise<void>;
}

const PAGE_DIR = new URL("./page/", import.meta.url);
const SCRIPT_NAME = /^[a-z][a-z0-9-]*\.js$/;
const CSP =
  "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'";

export async function startUiServer(opts: UiServerOptions): Promise<UiServer> {
  const host = opts.host ?? "127.0.0.1";
  const backends = opts.backends ?? {};
  const spec = await SpecState.open(opts.spec);
  const clients = new Set<ServerResponse>();
  const send = (e: UiEvent): void => {
    const frame = `data: ${JSON.stringify(e)}\n\n`;
    for (const c of clients) c.write(frame);
  };
  const monitor = backends.lab
    ? new LabMonitor(
        backends.lab,
        () => spec.current.model,
        (lab) => send({ type: "lab", lab }),
        opts.labPollMs ?? 1000,
      )
    : undefined;
  const plans = new Map<number, Promise<PlanReport>>();
  spec.onChange((version) => {
    plans.clear();
    monitor?.reset();
    send({ type: "spec", version });
  });
  if (opts.watch !== false) spec.watch();

  const guard = sameOrigin(host);

  const routes: Record<string, (req: IncomingMessage, res: ServerResponse) => Promise<void>> = {
    "GET /": async (_req, res) => reply(res, 200, "text/html; charset=utf-8", pageHtml(guard.token)),
    "GET /style.css": async (_req, res) => reply(res, 200, "text/css; charset=utf-8", PAGE_CSS),
    "GET /favicon.ico": async (_req, res) => reply(res, 204, "text/plain", ""),
    "GET /api/model": async (_req, res) => json(res, 200, modelResponse(spec)),
    "GET /api/topology.svg": async (_req, res) => {
      if (!spec.good)
        return json(res, 409, { ok: false, message: "the spec has errors and was never drawn" });
      res.setHeader("Content-Disposition", `attachment; filename="${spec.good.model.name}-topology.svg"`);
      reply(res, 200, "image/svg+xml; charset=utf-8", spec.good.svg);
    },
    "GET /api/plan": async (_req, res) => {
      const model = spec.current.model;
      if (!backends.plan) return json(res, 200, unavailable("the plan is not available in this build"));
      if (!model) return json(res, 200, unavailable("the spec has errors: fix them to see the plan"));
      const version = spec.current.version;
      let report = plans.get(version);
      if (!report) {
        const plan = backends.plan;
        report = Promise.resolve().then(() => plan.plan(model));
        plans.set(version, report);
        // A failed plan is not kept: the next request tries again.
        report.catch(() => plans.delete(version));
      }
      json(res, 200, { available: true, version, report: await report } satisfies PlanResponse);
    },
    "POST /api/whatif": async (req, res) => {
      const { failures } = await readBody(req, WHAT_IF_REQUEST);
      const model = spec.current.model;
      if (!backends.plan)
        return json(res, 200, unavailable("what-if needs the plan, not available in this build"));
      if (!model) return json(res, 200, unavailable("the spec has errors: fix them to run a what-if"));
      let result;
      try {
        result = await backends.plan.whatIf(model, failures);
      } catch (err) {
        // An unknown part (the page still shows an older spec): say so rather than fail the request.
        return json(res, 200, unavailable((err as Error).message) satisfies WhatIfResponse);
      }
      json(res, 200, { available: true, result } satisfies WhatIfResponse);
    },
    "GET /api/lab/status": async (_req, res) => {
      if (!monitor)
        return json(res, 200, unavailable("the lab is not available in this build") satisfies LabResponse);
      json(res, 200, await monitor.latest());
    },
    "POST /api/lab/fault": async (req, res) => {
      const { fault } = await readBody(req, LAB_FAULT_REQUEST);
      await labAction(res, (lab, model) => lab.fault(model, fault));
    },
    "POST /api/lab/restore": async (req, res) => {
      const { fault } = await readBody(req, LAB_RESTORE_REQUEST);
      await labAction(res, (lab, model) => lab.restore(model, fault));
    },
    "GET /api/events": async (req, res) => {
      res.writeHead(200, {
        "Content-Type": "text/event-stream",
        "Cache-Control": "no-store",
        Connection: "keep-alive",
      });
      res.write(
        `retry: 1000\ndata: ${JSON.stringify({ type: "spec", version: spec.current.version } satisfies UiEvent)}\n\n`,
      );
      clients.add(res);
      monitor?.start();
      void monitor?.poll();
      const keepAlive = setInterval(() => res.write(": keep-alive\n\n"), 15_000);
      req.on("close", () => {
        clearInterval(keepAlive);
        clients.delete(res);
        if (clients.size === 0) monitor?.stop();
      });
    },
  };

  async function labAction(
    res: ServerResponse,
    act: (
      lab: NonNullable<UiBackends["lab"]>,
      model: NonNullable<SpecState["current"]["model"]>,
    ) => Promise<ActionResponse>,
  ): Promise<void> {
    const model = spec.current.model;
    if (!backends.lab || !monitor)
      return json(res, 200, { ok: false, message: "the lab is not available in this build" });
    if (!model) return json(res, 200, { ok: false, message: "the spec has errors" });
    const r = await act(backends.lab, model);
    await monitor.poll();
    json(res, 200, r);
  }

  const server: Server = createServer((req, res) => {
    res.setHeader("Content-Security-Policy", CSP);
    res.setHeader("X-Content-Type-Options", "nosniff");
    res.setHeader("Cache-Control", "no-store");
    const refused = guard.check(req);
    if (refused) return json(res, refused.status, { ok: false, message: refused.message });
    const method = req.method ?? "GET";
    if (method === "POST") {
      // A JSON content type cannot be sent cross-site without a preflight, which this server never grants.
      if (!(req.headers["content-type"] ?? "").startsWith("application/json")) {
        return json(res, 415, { ok: false, message: "send application/json" });
      }
    }
    let path: string;
    try {
      path = new URL(req.url ?? "/", "http://hlab.invalid").pathname;
    } catch {
      return json(res, 400, { ok: false, message: "unreadable request target" });
    }
    const route = routes[`${method} ${path}`];
    const handle = route
      ? route(req, res)
      : method === "GET" && path.startsWith("/app/")
        ? serveScript(path.slice("/app/".length), res)
        : Promise.resolve(json(res, 404, { ok: false, message: `no ${method} ${path}` }));
    handle.catch((err: unknown) => {
      const status = err instanceof HttpError ? err.status : 500;
      // The unread rest of a body that was too large is not worth keeping the connection for.
      if (status === 413) res.setHeader("Connection", "close");
      if (!res.headersSent) json(res, status, { ok: false, message: (err as Error).message });
      else res.end();
    });
  });

  await new Promise<void>((resolvePromise, reject) => {
    server.once("error", reject);
    server.listen(opts.port ?? 0, host, () => {
      server.off("error", reject);
      resolvePromise();
    });
  });
  const port = (server.address() as AddressInfo).port;

  return {
    url: guard.url(port),
    host,
    port,
    close: async () => {
      spec.close();
      monitor?.stop();
      for (const c of clients) c.end();
      clients.clear();
      const closed = new Promise<void>((resolvePromise) => server.close(() => resolvePromise()));
      // Keep-alive sockets of the page would otherwise hold Ctrl-C for seconds.
      server.closeAllConnections();
      await closed;
    },
  };
}

function modelResponse(spec: SpecState): ModelResponse {
  const c = spec.current;
  const good = spec.good;
  return {
    version: c.version,
    file: c.file,
    name: c.model?.name,
    ok: c.model !== undefined,
    diagnostics: c.diagnostics,
    svg: good?.svg,
    lines: c.text.split("\n"),
    targets: good?.targets ?? [],
    services: good?.services ?? [],
  };
}

const unavailable = (reason: string): { available: false; reason: string } => ({ available: false, reason });

async function serveScript(name: string, res: ServerResponse): Promise<void> {
  if (!SCRIPT_NAME.test(name)) return json(res, 404, { ok: false, message: "no such script" });
  try {
    reply(res, 200, "text/javascript; charset=utf-8", await readFile(new URL(name, PAGE_DIR), "utf8"));
  } catch {
    json(res, 404, { ok: false, message: `no script ${name}: was the page built (npm run build)?` });
  }
}

function reply(res: ServerResponse, status: number, type: string, body: string): void {
  res.writeHead(status, { "Content-Type": type });
  res.end(body);
}

function json(res: ServerResponse, status: number, value: unknown): void {
  reply(res, status, "application/json; charset=utf-8", JSON.stringify(value));
}
