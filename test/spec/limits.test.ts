// Bounded work on hostile or runaway specs (issue 16): each limit ends in a diagnostic naming it,
// never in a hang, a crash or minutes of work; what is echoed back is bounded and inert.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { isUserError } from "../../src/diagnostic/user-error.js";
import { renderDiagnostics } from "../../src/diagnostic/render.js";
import { maxSpecBytes } from "../../src/spec/limits.js";
import { loadSpecFile, loadSpecText } from "../../src/spec/load.js";

const tmp = mkdtempSync(join(tmpdir(), "hlab-limits-"));
after(() => rmSync(tmp, { recursive: true, force: true }));

const HEAD = `version: 1
name: limits
networks:
  lan: { cidr: 10.0.0.0/16, gateway: 10.0.0.1 }
hosts:
  pve-1: { kind: proxmox, cpu: 64, memory: 1024GiB, address: { lan: 10.0.0.2 } }
`;

const render = (r: ReturnType<typeof loadSpecText>): string =>
  renderDiagnostics(r.diagnostics, { color: false, sources: new Map([[r.source.file, r.source]]) });

test("more guests without a vmid than the VMID range holds is HL041, not a hang", () => {
  let text = `${HEAD}guests:\n`;
  for (let i = 0; i <= 8000; i++) text += `  g${i}: { host: pve-1, role: generic }\n`;
  const r = loadSpecText(text, "many.yaml");
  const d = r.diagnostics.filter((x) => x.code === "HL041");
  assert.equal(d.length, 1, JSON.stringify(r.diagnostics.slice(0, 3)));
  assert.equal(d[0]!.path, "guests.g8000");
  assert.match(d[0]!.message, /8001 guests have no `vmid:`, and only 8000 of 1000-8999 are free/);
  assert.match(d[0]!.hint, /explicit `vmid:`/);
  assert.equal(r.model, undefined);
});

test("a spec over the size limit is HL040 naming the limit and how to raise it; nothing is parsed", async () => {
  const text = `${HEAD}${"# padding\n".repeat(300)}`;
  const r = loadSpecText(text, "big.yaml", { maxBytes: 1024 });
  assert.deepEqual(
    r.diagnostics.map((d) => d.code),
    ["HL040"],
  );
  assert.match(r.diagnostics[0]!.message, /larger than 1 KiB/);
  const file = join(tmp, "big.yaml");
  writeFileSync(file, text);
  process.env.HLAB_MAX_SPEC_BYTES = "2KiB";
  try {
    const f = await loadSpecFile(file);
    assert.equal(f.diagnostics[0]?.code, "HL040");
    assert.match(f.diagnostics[0]!.message, /larger than 2 KiB, the most hlab reads \(it has 3\.\d KiB\)/);
    assert.match(f.diagnostics[0]!.hint, /HLAB_MAX_SPEC_BYTES=16MiB/);
  } finally {
    delete process.env.HLAB_MAX_SPEC_BYTES;
  }
  assert.equal(maxSpecBytes({}), 4 * 2 ** 20, "4 MiB by default");
  assert.throws(
    () => maxSpecBytes({ HLAB_MAX_SPEC_BYTES: "lots" }),
    (e: unknown) => isUserError(e) && /not a size/.test(e.message),
  );
});

test("an endless file is read only up to the limit", async () => {
  const r = await loadSpecFile("/dev/zero");
  assert.equal(r.diagnostics[0]?.code, "HL040");
});

test("44,000 unknown keys: every one counted, the first 200 shown", () => {
  let text = HEAD;
  for (let i = 0; i < 44_000; i++) text += `k${i}: 1\n`;
  const r = loadSpecText(text, "keys.yaml");
  assert.equal(r.diagnostics.filter((d) => d.code === "HL002").length, 44_000);
  assert.equal(r.diagnostics[43_999]!.line, 44_006, "located at its own line");
  const out = render(r);
  assert.equal(out.match(/error HL002/g)?.length, 200);
  assert.match(out, /… 43800 more problems not shown/);
  assert.match(out, /44000 errors, 0 warnings$/);
});

test("a long line is shown as a window around the column, the caret under the culprit", () => {
  const filler = (p: string): string => Array.from({ length: 300 }, (_, i) => `${p}${i}: 1`).join(", ");
  const text = `${HEAD}guests: { ${filler("a")}, zz: { host: pve-9, role: generic }, ${filler("b")} }\n`;
  const r = loadSpecText(text, "long.yaml");
  const d = r.diagnostics.find((x) => x.path === "guests.zz.host")!;
  assert.ok(d.column > 1000);
  const out = renderDiagnostics([d], { color: false, sources: new Map([[r.source.file, r.source]]) });
  const lines = out.split("\n");
  for (const l of lines) assert.ok(l.length <= 200, `line of ${l.length} characters: ${l.slice(0, 80)}`);
  const src = lines.find((l) => l.startsWith("7 | "))!;
  const caret = lines[lines.indexOf(src) + 1]!;
  assert.match(src, /^7 \| …/);
  assert.match(src, /…$/);
  assert.equal(src.slice(caret.indexOf("^"), caret.indexOf("^") + 5), "pve-9");
});

test("control bytes and terminal escapes in a spec are shown escaped, never raw", () => {
  const text = `${HEAD}ba\x00d\x1b[31mkey\u202e: 1\n`;
  const r = loadSpecText(text, "binary.yaml");
  const out = render(r);
  for (const raw of ["\x00", "\x1b", "\u202e"]) assert.ok(!out.includes(raw), JSON.stringify(out));
  assert.match(out, /7 \| ba\\x00d\\x1b\[31mkey\\u\{202e\}: 1\n {2}\| \^/);
  assert.match(out, /unknown key `ba\\x00d\\x1b\[31mkey\\u\{202e\}`/);
});

test('duplicate keys are still HL001 at the repeat; 1 and "1" are two keys', () => {
  const r = loadSpecText(`${HEAD}name: again\n`, "dup.yaml");
  assert.deepEqual(
    r.diagnostics.map((d) => [d.code, d.line, d.message]),
    [["HL001", 7, "Map keys must be unique"]],
  );
  const two = loadSpecText(`${HEAD}plan: { timings: { 1: 2s, "1": 3s } }\n`, "two.yaml");
  assert.ok(!two.diagnostics.some((d) => d.code === "HL001"));
});

const config = (name: string, body: string): string => {
  const file = join(tmp, name);
  writeFileSync(file, body);
  return file;
};
const SPEC = `{ version: 1, name: "c", networks: { lan: { cidr: "10.0.0.0/24" } }, hosts: {} }`;

test("a typed config runs with a time limit: one that loops is stopped, naming the limit", async () => {
  const file = config("loops.config.ts", `while (true) {}\nexport const homelab = ${SPEC};\n`);
  const r = await loadSpecFile(file, { configTimeoutMs: 1000 });
  assert.deepEqual(
    r.diagnostics.map((d) => d.code),
    ["HL042"],
  );
  assert.match(r.diagnostics[0]!.message, /did not produce its spec within 1 s/);
  assert.match(r.diagnostics[0]!.hint, /HLAB_CONFIG_TIMEOUT/);
});

test("a typed config that exits, throws or exports nothing is HL042, never a silent pass", async () => {
  const cases: [string, string, RegExp][] = [
    [
      "exits.config.ts",
      `process.exit(0);\nexport const homelab = ${SPEC};\n`,
      /exited \(code 0\) before it produced a spec/,
    ],
    ["fails.config.js", `throw new Error("no spec today");\n`, /the config failed: no spec today/],
    [
      "empty.config.mjs",
      `export const other = 1;\n`,
      /exports neither `homelab` nor a default \(it exports other\)/,
    ],
  ];
  for (const [name, body, message] of cases) {
    const r = await loadSpecFile(config(name, body));
    assert.equal(r.diagnostics.length, 1, name);
    assert.equal(r.diagnostics[0]!.code, "HL042", name);
    assert.match(r.diagnostics[0]!.message, message, name);
    assert.equal(r.model, undefined);
  }
});

test("a typed config that prints and leaves a timer running still gives its spec", async () => {
  const file = config(
    "chatty.config.js",
    `console.log("building");\nsetInterval(() => {}, 1000);\nexport default ${SPEC};\n`,
  );
  const r = await loadSpecFile(file);
  assert.ok(!r.diagnostics.some((d) => d.code === "HL042"), JSON.stringify(r.diagnostics));
});

const LB_HEAD = `${HEAD}guests:
  lb-1: { host: pve-1, role: load-balancer, address: { lan: 10.0.0.11 } }
  lb-2: { host: pve-1, role: load-balancer, address: { lan: 10.0.0.12 } }
loadBalancers:
`;

test("VRRP router ids: an auto one never repeats an explicit one, and past 255 it is HL041", () => {
  const two = loadSpecText(
    `${LB_HEAD}  a: { vip: 10.0.1.1, guests: [lb-1, lb-2], vrrp: { routerId: 52 } }\n  b: { vip: 10.0.1.2, guests: [lb-1, lb-2] }\n`,
    "two.yaml",
  );
  assert.deepEqual(
    two.model?.loadBalancers.map((l) => l.vrrp.routerId),
    [52, 53],
    JSON.stringify(two.diagnostics),
  );
  let text = LB_HEAD;
  for (let i = 0; i < 256; i++)
    text += `  lb${i}: { vip: 10.0.${2 + (i >> 8)}.${i & 255}, guests: [lb-1, lb-2] }\n`;
  const many = loadSpecText(text, "many-lbs.yaml");
  const d = many.diagnostics.filter((x) => x.code === "HL041");
  assert.equal(d.length, 1);
  assert.equal(d[0]!.path, "loadBalancers.lb255");
  assert.match(d[0]!.message, /256 have no `vrrp.routerId`, and only 255 of 1-255 are free/);
});
