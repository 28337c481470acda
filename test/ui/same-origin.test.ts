// The dashboard answers its own page at whichever address it was opened at, refuses foreign
// Origins and Hosts (DNS rebinding), wants the page's token beyond loopback, and answers a POST
// body that is not what the page sends with a 4xx and a JSON message. Real HTTP against a started
// server; the Host and Origin headers are what a browser at that address would send.
import assert from "node:assert/strict";
import { copyFileSync, mkdtempSync, rmSync } from "node:fs";
import { request } from "node:http";
import { hostname, networkInterfaces } from "node:os";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import type { PlanReport } from "../../src/analyze/plan-report.js";
import type { UiBackends } from "../../src/ui/backends.js";
import { MAX_BODY_BYTES } from "../../src/ui/request-body.js";
import { startUiServer, type UiServer } from "../../src/ui/server.js";

const tmp = mkdtempSync(join(tmpdir(), "hlab-ui-origin-"));
const spec = join(tmp, "homelab.yaml");
copyFileSync("examples/seed004-three-nodes.yaml", spec);

const faults: string[] = [];
const backends: UiBackends = {
  plan: {
    plan: () => ({ name: "homelab", findings: [] }) as unknown as PlanReport,
    whatIf: (_m, failures) => ({
      failed: failures,
      guestsDown: [],
      restarted: [],
      services: [],
      vipHolders: [],
      lines: [],
    }),
  },
  lab: {
    status: async () => ({ available: true, running: false, reason: "no lab" }),
    fault: async (_m, fault) => {
      faults.push(fault);
      return { ok: true, message: `injected ${fault}` };
    },
    restore: async () => ({ ok: true, message: "restored" }),
  },
};

interface Reply {
  status: number;
  body: string;
}

interface Ask {
  /** Where the TCP connection goes; the Host header says what the browser thinks it opened. */
  connect?: string;
  host: string;
  method?: "GET" | "POST";
  path?: string;
  origin?: string;
  token?: string;
  body?: string | Buffer;
  /** Send the body chunked, without a Content-Length. */
  chunked?: boolean;
}

function ask(server: UiServer, a: Ask): Promise<Reply> {
  return new Promise((resolvePromise, reject) => {
    const headers: Record<string, string> = { Host: a.host };
    if (a.origin !== undefined) headers.Origin = a.origin;
    if (a.token !== undefined) headers["X-Hlab-Token"] = a.token;
    if (a.method === "POST") headers["Content-Type"] = "application/json";
    if (a.body !== undefined && !a.chunked) headers["Content-Length"] = String(Buffer.byteLength(a.body));
    let answered = false;
    const req = request(
      {
        host: a.connect ?? "127.0.0.1",
        port: server.port,
        method: a.method ?? "GET",
        path: a.path ?? "/",
        headers,
      },
      (res) => {
        let body = "";
        res.on("data", (b: Buffer) => (body += b.toString()));
        res.on("end", () => {
          answered = true;
          resolvePromise({ status: res.statusCode ?? 0, body });
        });
      },
    );
    // A refused oversized body: the server answers and closes while the client is still sending.
    req.on("error", (e) => (answered ? undefined : reject(e)));
    if (a.body !== undefined) req.end(a.body);
    else req.end();
  });
}

const post = (server: UiServer, path: string, body: string, a: Omit<Ask, "path" | "body">): Promise<Reply> =>
  ask(server, { ...a, method: "POST", path, body });

const tokenOf = (page: string): string => /<meta name="hlab-token" content="([^"]+)">/.exec(page)?.[1] ?? "";

let loop: UiServer;
before(async () => {
  loop = await startUiServer({ spec, port: 0, backends, watch: false });
});
after(async () => {
  await loop.close();
  rmSync(tmp, { recursive: true, force: true });
});

test("opened as localhost, 127.0.0.1 or [::1], the page loads and its POSTs are answered", async () => {
  for (const name of ["localhost", "127.0.0.1", "[::1]"]) {
    const host = `${name}:${loop.port}`;
    const origin = `http://${host}`;
    const page = await ask(loop, { host });
    assert.equal(page.status, 200, `GET / at ${origin}`);
    const whatif = await post(loop, "/api/whatif", '{"failures":["host:pve-01"]}', { host, origin });
    assert.equal(whatif.status, 200, `what-if from ${origin}: ${whatif.body}`);
    assert.deepEqual(JSON.parse(whatif.body), {
      available: true,
      result: {
        failed: ["host:pve-01"],
        guestsDown: [],
        restarted: [],
        services: [],
        vipHolders: [],
        lines: [],
      },
    });
    const fault = await post(loop, "/api/lab/fault", '{"fault":"host-down pve-01"}', { host, origin });
    assert.equal(fault.status, 200, `fault from ${origin}: ${fault.body}`);
  }
});

test("a foreign Origin is refused 403, a foreign Host 421 (DNS rebinding)", async () => {
  const host = `localhost:${loop.port}`;
  for (const origin of [
    "http://evil.example",
    `http://evil.example:${loop.port}`,
    "null",
    `https://localhost:${loop.port}`,
    // Both are this machine, but not the address the page was opened at.
    `http://127.0.0.1:${loop.port}`,
    `http://localhost:${loop.port + 1}`,
  ]) {
    const r = await post(loop, "/api/lab/fault", '{"fault":"host-down pve-01"}', { host, origin });
    assert.equal(r.status, 403, `Origin ${origin}`);
    assert.match(JSON.parse(r.body).message, /cross-origin/);
  }
  for (const h of [
    `evil.example:${loop.port}`,
    "evil.example",
    `localhost:${loop.port + 1}`,
    `localhost.evil.example:${loop.port}`,
    `user@localhost:${loop.port}`,
    // Another machine's address: on loopback only loopback names are this server.
    `203.0.113.7:${loop.port}`,
  ]) {
    assert.equal((await ask(loop, { host: h })).status, 421, `GET with Host ${h}`);
    const r = await post(loop, "/api/lab/fault", '{"fault":"x"}', { host: h, origin: `http://${h}` });
    assert.equal(r.status, 421, `POST with Host ${h}`);
  }
  assert.deepEqual(
    faults.filter((f) => f !== "host-down pve-01"),
    [],
    "no refused request reached the lab",
  );
});

test("a POST body that is not what the page sends is a 400 with a JSON message, never a 500", async () => {
  const host = `127.0.0.1:${loop.port}`;
  const cases: [string, string][] = [
    ["/api/whatif", "null"],
    ["/api/whatif", "[]"],
    ["/api/whatif", '"host:pve-01"'],
    ["/api/whatif", "42"],
    ["/api/whatif", "{}"],
    ["/api/whatif", '{"failures":"host:pve-01"}'],
    ["/api/whatif", '{"failures":[1]}'],
    ["/api/whatif", '{"failures":[null]}'],
    ["/api/whatif", '{"failures":[],"extra":1}'],
    ["/api/whatif", "{oops"],
    ["/api/lab/fault", "null"],
    ["/api/lab/fault", "[]"],
    ["/api/lab/fault", "{}"],
    ["/api/lab/fault", '{"fault":7}'],
    ["/api/lab/fault", '{"fault":""}'],
    ["/api/lab/fault", JSON.stringify({ fault: "x".repeat(201) })],
    ["/api/lab/restore", "null"],
    ["/api/lab/restore", "[]"],
    ["/api/lab/restore", "true"],
    ["/api/lab/restore", '{"fault":null}'],
    ["/api/lab/restore", '{"fault":["a"]}'],
  ];
  for (const [path, body] of cases) {
    const r = await post(loop, path, body, { host });
    assert.equal(r.status, 400, `${path} ${body}: ${r.body}`);
    const reply = JSON.parse(r.body) as { ok: boolean; message: string };
    assert.equal(reply.ok, false);
    assert.ok(reply.message.length > 0);
  }
  // An empty body to restore is "restore everything", as the page sends it.
  assert.equal((await post(loop, "/api/lab/restore", "", { host })).status, 200);
  assert.equal((await post(loop, "/api/lab/restore", "{}", { host })).status, 200);
});

test("an oversized body is refused 413 without being read, declared or chunked", async () => {
  const host = `127.0.0.1:${loop.port}`;
  const big = JSON.stringify({ failures: ["x".repeat(MAX_BODY_BYTES)] });
  for (const chunked of [false, true]) {
    const r = await ask(loop, { host, method: "POST", path: "/api/whatif", body: big, chunked });
    assert.equal(r.status, 413, `chunked: ${chunked}`);
    assert.match(JSON.parse(r.body).message, /over 64 KiB/);
  }
  // The server is still there.
  assert.equal((await post(loop, "/api/whatif", '{"failures":[]}', { host })).status, 200);
});

test("loopback needs no token; a wrong one is ignored like a missing one", async () => {
  const host = `127.0.0.1:${loop.port}`;
  assert.equal((await post(loop, "/api/whatif", '{"failures":[]}', { host, token: "nope" })).status, 200);
});

/** An IPv4 address of this machine that is not loopback, to open a wildcard-bound server at. */
const lanAddress = Object.values(networkInterfaces())
  .flat()
  .find((i) => i && i.family === "IPv4" && !i.internal)?.address;

test(
  "--host 0.0.0.0: answered at the machine's addresses and hostname; POSTs need the page's token",
  { skip: lanAddress ? false : "this machine has no non-loopback IPv4 address" },
  async () => {
    const wide = await startUiServer({ spec, host: "0.0.0.0", port: 0, backends, watch: false });
    try {
      assert.equal(wide.host, "0.0.0.0");
      const host = `${lanAddress}:${wide.port}`;
      const origin = `http://${host}`;
      const page = await ask(wide, { connect: lanAddress, host });
      assert.equal(page.status, 200, page.body);
      const token = tokenOf(page.body);
      assert.match(token, /^[A-Za-z0-9_-]{43}$/, "a 256-bit token in the page");

      const body = '{"fault":"host-down pve-01"}';
      const ok = await post(wide, "/api/lab/fault", body, { connect: lanAddress, host, origin, token });
      assert.equal(ok.status, 200, ok.body);
      const oneOff = token.slice(0, -1) + (token.endsWith("A") ? "B" : "A");
      for (const t of [undefined, "", "x", token.slice(1), oneOff]) {
        const r = await post(wide, "/api/lab/fault", body, { connect: lanAddress, host, origin, token: t });
        assert.equal(r.status, 403, `token ${t}`);
        assert.match(JSON.parse(r.body).message, /x-hlab-token/);
      }
      // The machine's name and loopback are this machine too; a foreign name is not.
      for (const h of [`${hostname()}:${wide.port}`, `localhost:${wide.port}`, `127.0.0.1:${wide.port}`]) {
        const r = await post(wide, "/api/whatif", '{"failures":[]}', {
          host: h,
          origin: `http://${h}`,
          token,
        });
        assert.equal(r.status, 200, `Host ${h}: ${r.body}`);
      }
      assert.equal((await ask(wide, { host: `evil.example:${wide.port}` })).status, 421);
      const foreign = await post(wide, "/api/lab/fault", body, {
        host,
        origin: "http://evil.example",
        token,
      });
      assert.equal(foreign.status, 403);
      assert.equal(wide.url, `http://127.0.0.1:${wide.port}/`, "a URL a browser here can open");
      // A fresh server, a fresh token.
      const other = await startUiServer({ spec, host: "0.0.0.0", port: 0, backends, watch: false });
      try {
        const again = tokenOf((await ask(other, { host: `127.0.0.1:${other.port}` })).body);
        assert.notEqual(again, token);
      } finally {
        await other.close();
      }
    } finally {
      await wide.close();
    }
  },
);
