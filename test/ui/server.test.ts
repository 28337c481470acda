import assert from "node:assert/strict";
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import type { PlanReport, WhatIfResult } from "../../src/analyze/plan-report.js";
import { main } from "../../src/cli/main.js";
import type { Io } from "../../src/cli/output.js";
import type {
  LabResponse,
  ModelResponse,
  PlanResponse,
  UiEvent,
  WhatIfResponse,
} from "../../src/ui/api-types.js";
import type { UiBackends } from "../../src/ui/backends.js";
import { startUiServer, type UiServer } from "../../src/ui/server.js";

const tmp = mkdtempSync(join(tmpdir(), "hlab-ui-"));
const spec = join(tmp, "homelab.yaml");
const original = readFileSync("examples/seed004-three-nodes.yaml", "utf8");
copyFileSync("examples/seed004-three-nodes.yaml", spec);

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

function http(
  server: UiServer,
  method: string,
  path: string,
  opts: { body?: unknown; raw?: string; headers?: Record<string, string> } = {},
): Promise<Reply> {
  return new Promise((resolvePromise, reject) => {
    const req = request(
      {
        host: "127.0.0.1",
        port: server.port,
        method,
        path,
        headers: { Host: `127.0.0.1:${server.port}`, ...opts.headers },
      },
      (res) => {
        let body = "";
        res.on("data", (b: Buffer) => (body += b.toString()));
        res.on("end", () => resolvePromise({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on("error", reject);
    if (opts.raw !== undefined) req.end(opts.raw);
    else if (opts.body !== undefined) req.end(JSON.stringify(opts.body));
    else req.end();
  });
}

const postJson = (server: UiServer, path: string, body: unknown): Promise<Reply> =>
  http(server, "POST", path, { body, headers: { "Content-Type": "application/json" } });

/** Collects server-sent events until `until` says enough. */
function events(server: UiServer, until: (e: UiEvent[]) => boolean): Promise<UiEvent[]> {
  return new Promise((resolvePromise, reject) => {
    const seen: UiEvent[] = [];
    const req = request(
      {
        host: "127.0.0.1",
        port: server.port,
        path: "/api/events",
        headers: { Host: `127.0.0.1:${server.port}` },
      },
      (res) => {
        let buf = "";
        res.on("data", (b: Buffer) => {
          buf += b.toString();
          let at: number;
          while ((at = buf.indexOf("\n\n")) >= 0) {
            const frame = buf.slice(0, at);
            buf = buf.slice(at + 2);
            const data = frame.split("\n").find((l) => l.startsWith("data: "));
            if (data) seen.push(JSON.parse(data.slice(6)) as UiEvent);
          }
          if (until(seen)) {
            req.destroy();
            resolvePromise(seen);
          }
        });
      },
    );
    req.on("error", (e) => (seen.length ? undefined : reject(e)));
    req.end();
  });
}

// Stand-ins with the plan's and the lab's shapes: these tests are about the server, not the figures.
let planCalls = 0;
const fakePlan = { name: "homelab", findings: [], summary: { sound: true } } as unknown as PlanReport;
let labHolder = "k3s-1";
// Each status read is one ms later than the last: two reads in the same ms stay two probes.
let clock = Date.now();
const backends: UiBackends = {
  plan: {
    plan: () => {
      planCalls++;
      return fakePlan;
    },
    whatIf: (_m, failures) =>
      ({
        failed: failures,
        guestsDown: [],
        restarted: [],
        services: [],
        vipHolders: [],
        lines: [`failed ${failures.join(",")}`],
      }) satisfies WhatIfResult,
  },
  lab: {
    status: async () =>
      ({
        available: true,
        running: true,
        view: {
          id: "hlfake",
          at: ++clock,
          vips: [{ address: "192.168.1.50", purposes: [], holder: labHolder, claimedBy: [labHolder] }],
          checks: [],
          databases: [],
          backends: [],
          faults: [],
          marks: { failed: [], components: [], guestsDown: [] },
          services: [],
          probes: { "192.168.1.50": [{ at: clock, ok: labHolder === "k3s-1" }] },
          notes: [],
        },
      }) satisfies LabResponse,
    fault: async (_m, fault) => {
      labHolder = "k3s-2";
      return { ok: true, message: `injected ${fault}` };
    },
    restore: async () => {
      labHolder = "k3s-1";
      return { ok: true, message: "restored" };
    },
  },
};

let server: UiServer;
before(async () => {
  server = await startUiServer({ spec, port: 0, backends, labPollMs: 50 });
});
after(async () => {
  await server.close();
  rmSync(tmp, { recursive: true, force: true });
});

test("binds to loopback by default and serves the page, its scripts and the model", async () => {
  assert.equal(server.host, "127.0.0.1");
  assert.match(server.url, /^http:\/\/127\.0\.0\.1:\d+\/$/);
  const page = await http(server, "GET", "/");
  assert.equal(page.status, 200);
  assert.match(page.body, /<script type="module" src="\/app\/main.js">/);
  assert.match(String(page.headers["content-security-policy"]), /default-src 'self'/);
  const script = await http(server, "GET", "/app/main.js");
  assert.equal(script.status, 200);
  assert.match(String(script.headers["content-type"]), /javascript/);
  const m = JSON.parse((await http(server, "GET", "/api/model")).body) as ModelResponse;
  assert.equal(m.ok, true);
  assert.equal(m.name, "homelab");
  assert.match(m.svg ?? "", /^<svg /);
  assert.ok(m.targets.some((t) => t.id === "nic:pve-01/eth0"));
  assert.equal(m.lines[0], original.split("\n")[0]);
});

test("refuses foreign Host headers, cross-origin posts, non-JSON posts and paths outside the page", async () => {
  assert.equal(
    (await http(server, "GET", "/api/model", { headers: { Host: "evil.example:80" } })).status,
    421,
  );
  assert.equal(
    (
      await http(server, "POST", "/api/lab/restore", {
        body: {},
        headers: { "Content-Type": "application/json", Origin: "http://evil.example" },
      })
    ).status,
    403,
  );
  assert.equal(
    (await http(server, "POST", "/api/lab/restore", { body: {}, headers: { "Content-Type": "text/plain" } }))
      .status,
    415,
  );
  assert.equal((await http(server, "GET", "/app/..%2fserver.js")).status, 404);
  assert.equal((await http(server, "GET", "/app/../server.js")).status, 404);
  assert.equal((await http(server, "GET", "/nothing")).status, 404);
  const notJson = await http(server, "POST", "/api/whatif", {
    raw: "{oops",
    headers: { "Content-Type": "application/json" },
  });
  assert.equal(notJson.status, 400);
});

test("plan computed once per spec version; what-if passes the failures through", async () => {
  const calls = planCalls;
  const a = JSON.parse((await http(server, "GET", "/api/plan")).body) as PlanResponse;
  const b = JSON.parse((await http(server, "GET", "/api/plan")).body) as PlanResponse;
  assert.ok(a.available && b.available);
  assert.equal(planCalls, calls + 1);
  const w = JSON.parse(
    (await postJson(server, "/api/whatif", { failures: ["host:pve-01"] })).body,
  ) as WhatIfResponse;
  assert.ok(w.available);
  assert.deepEqual(w.result.failed, ["host:pve-01"]);
});

test("lab: a fault is passed to the lab and the new status is pushed as an event", async () => {
  const pushed = events(server, (seen) =>
    seen.some(
      (e) => e.type === "lab" && e.lab.available && e.lab.running && e.lab.view.vips[0]?.holder === "k3s-2",
    ),
  );
  const r = JSON.parse((await postJson(server, "/api/lab/fault", { fault: "host:pve-01" })).body) as {
    ok: boolean;
    message: string;
  };
  assert.deepEqual(r, { ok: true, message: "injected host:pve-01" });
  await pushed;
  await postJson(server, "/api/lab/restore", {});
  const s = JSON.parse((await http(server, "GET", "/api/lab/status")).body) as LabResponse;
  assert.ok(s.available && s.running);
  assert.equal(s.view.vips[0]?.holder, "k3s-1");
  // The lab reports its latest probe only; the server keeps the history the timeline draws.
  const history = s.view.probes["192.168.1.50"] ?? [];
  // At least the reads after the fault (VIP moved: the probe failed) and after the restore.
  assert.ok(
    history.some((p) => !p.ok) && history.some((p) => p.ok),
    `probe history kept: ${JSON.stringify(history)}`,
  );
  assert.deepEqual(
    history.map((p) => p.at),
    [...history.map((p) => p.at)].sort((a, b) => a - b),
  );
});

test("the spec is reloaded when the file changes; a broken spec keeps the last drawing", async () => {
  const first = JSON.parse((await http(server, "GET", "/api/model")).body) as ModelResponse;
  let seen = events(server, (e) => e.some((x) => x.type === "spec" && x.version > first.version));
  writeFileSync(spec, original.replace("name: homelab", "name: renamed-lab"));
  await seen;
  const renamed = JSON.parse((await http(server, "GET", "/api/model")).body) as ModelResponse;
  assert.equal(renamed.name, "renamed-lab");
  assert.match(renamed.svg ?? "", />renamed-lab</);

  seen = events(server, (e) => e.some((x) => x.type === "spec" && x.version > renamed.version));
  writeFileSync(spec, original.replace("cpu: 6", "cpu: six"));
  await seen;
  const broken = JSON.parse((await http(server, "GET", "/api/model")).body) as ModelResponse;
  assert.equal(broken.ok, false);
  assert.ok(broken.diagnostics.some((d) => d.severity === "error" && d.line > 0));
  assert.match(broken.svg ?? "", />renamed-lab</, "the last good drawing stays");
  const plan = JSON.parse((await http(server, "GET", "/api/plan")).body) as PlanResponse;
  assert.equal(plan.available, false);
  writeFileSync(spec, original);
});

function io(): Io & { stdout: string; stderr: string } {
  const o = {
    stdout: "",
    stderr: "",
    color: false,
    out: (t: string) => void (o.stdout += t + "\n"),
    err: (t: string) => void (o.stderr += t + "\n"),
  };
  return o;
}

test("hlab ui --export-svg writes the drawing; a broken spec exits 1 with its diagnostics", async () => {
  const out = join(tmp, "docs", "topology.svg");
  const o = io();
  assert.equal(await main(["ui", "examples/seed003-lb-pair.yaml", "--export-svg", out], o), 0);
  assert.match(readFileSync(out, "utf8"), /^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
  const bad = join(tmp, "bad.yaml");
  writeFileSync(bad, original.replace("cpu: 6", "cpu: six"));
  const o2 = io();
  assert.equal(await main(["ui", bad, "--export-svg", join(tmp, "no.svg")], o2), 1);
  assert.ok(!existsSync(join(tmp, "no.svg")));
  assert.match(o2.stderr, /error HL003/);
  assert.equal(await main(["ui", bad, "--port", "http"], io()), 2);
});
