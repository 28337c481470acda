// Every string the schema accepts, whatever it holds, either is refused at its own path or leaves
// the generated repository's structure alone: the scripts parse (`sh -n`) and run the same commands,
// and every config keeps its line count, so no value adds a line (a `PostUp =`, an authorized_keys
// entry) or a command. The fields are found by walking the zod schema, record keys included, so a
// field added later is covered, or this test names it, without anyone editing the list.
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { parse, stringify } from "yaml";
import type { z } from "zod";
import { formatPath, type PathSegment } from "../../src/diagnostic/diagnostic.js";
import { renderRepository } from "../../src/pipeline/build.js";
import type { GeneratedFile } from "../../src/artifact/artifact.js";
import { run } from "../../src/process/run.js";
import { loadSpecText } from "../../src/spec/load.js";
import { spec as specSchema } from "../../src/spec/schema.js";
import { SPEC_COPY } from "../../src/generate/cluster/spec-copy.js";
import { fixedContext } from "./fixtures.js";

type AnySchema = z.core.$ZodType;
type Obj = Record<string, unknown>;
/** A field: path segments, `*` for any record value, `[]` for any list item, `<key>` for a record key. */
type Pattern = string[];

const WRAPPERS = new Set(["optional", "default", "nullable", "readonly", "catch", "prefault", "nonoptional"]);
function unwrap(s: AnySchema): AnySchema {
  for (;;) {
    const def = s._zod.def as unknown as { type: string; innerType?: AnySchema; in?: AnySchema };
    if (WRAPPERS.has(def.type) && def.innerType) s = def.innerType;
    else if (def.type === "pipe" && def.in) s = def.in;
    else return s;
  }
}
const typeOf = (s: AnySchema): string => (unwrap(s)._zod.def as unknown as { type: string }).type;
const takesText = (s: AnySchema): boolean =>
  typeOf(s) === "string" ||
  (typeOf(s) === "union" &&
    (unwrap(s)._zod.def as unknown as { options: AnySchema[] }).options.some(takesText));

/** Every place the schema accepts free text (enums and literals are closed sets, not text). */
export function stringFields(root: AnySchema): Pattern[] {
  const out: Pattern[] = [];
  const walk = (s: AnySchema, path: Pattern): void => {
    const def = unwrap(s)._zod.def as unknown as Record<string, unknown> & { type: string };
    if (def.type === "string") out.push(path);
    else if (def.type === "union") {
      const options = def.options as AnySchema[];
      if (options.some((o) => typeOf(o) === "string")) out.push(path);
      for (const o of options) if (["object", "record", "array"].includes(typeOf(o))) walk(o, path);
    } else if (def.type === "object") {
      for (const [k, v] of Object.entries(def.shape as Record<string, AnySchema>)) walk(v, [...path, k]);
    } else if (def.type === "record") {
      if (takesText(def.keyType as AnySchema)) out.push([...path, "<key>"]);
      walk(def.valueType as AnySchema, [...path, "*"]);
    } else if (def.type === "array") walk(def.element as AnySchema, [...path, "[]"]);
  };
  walk(root, []);
  return out;
}

const HOSTILE = [
  "a$(touch /tmp/hlab-hostile)",
  "a\nPostUp = touch /tmp/hlab-hostile",
  'a"b',
  "a'b",
  "a`id`",
  "a;b",
  "..",
  ".",
  "a b",
  "ünïcødé-☃",
  "a".repeat(5000),
];

const example = (name: string): Obj => parse(readFileSync(`examples/${name}.yaml`, "utf8")) as Obj;
const AGE = `age1${"q".repeat(58)}`;
const reliability = { availability: "99.9%", mtbf: "2y", mttr: "4h" };

function merge(base: Obj, extra: Obj): Obj {
  for (const [k, v] of Object.entries(extra)) {
    const cur = base[k];
    if (
      v &&
      typeof v === "object" &&
      !Array.isArray(v) &&
      cur &&
      typeof cur === "object" &&
      !Array.isArray(cur)
    )
      merge(cur as Obj, v as Obj);
    else base[k] = v;
  }
  return base;
}

/**
 * The examples, two of them filled out so that every optional string field has a valid value
 * somewhere: the baseline each injection is compared with.
 */
const BASES: { name: string; spec: Obj }[] = [
  {
    name: "seed004-full",
    spec: merge(example("seed004-three-nodes"), {
      $schema: "../schema/homelab.schema.json",
      networks: { lan: { bridge: "vmbr0" } },
      gear: { "isp-box": { reliability }, "power-strip": { reliability } },
      hosts: {
        "pve-01": {
          reliability,
          nics: { enp1s0: { networks: ["lan"], mac: "52:54:00:00:00:01", reliability } },
        },
      },
      proxmox: {
        nodes: ["pve-01", "pve-02", "pve-03"],
        qdevice: { host: "annex" },
        haGroups: { main: { nodes: ["pve-01", "pve-02"] } },
        tokenTimeout: "4s",
        api: "https://192.168.1.11:8006/",
        backups: { rpo: "7d", rto: "1d" },
      },
      guests: {
        "k3s-1": {
          mac: { lan: "52:54:00:00:01:01" },
          ha: true,
          haGroup: "main",
          image: "debian-12-genericcloud",
          imageChecksum: `sha512:${"ab".repeat(64)}`,
          storage: "local-lvm",
          reliability,
        },
        "db-1": { host: "pve-03", role: "database", memory: "2GiB", address: { lan: "192.168.1.54" } },
      },
      kubernetes: {
        kubeVip: { leaseDuration: "15s", renewDeadline: "10s", retryPeriod: "2s" },
        clusterCidr: "10.42.0.0/16",
        serviceCidr: "10.43.0.0/16",
        clusterDomain: "cluster.local",
        etcdSnapshots: { schedule: "0 */6 * * *", rpo: "6h", rto: "1h" },
        nodeDownEviction: "300s",
      },
      metallb: { pools: { default: { network: "lan" } } },
      storage: {
        longhorn: {
          backupTarget: "s3://backups@us-east-1/",
          snapshotSchedule: "0 3 * * *",
          backups: { rpo: "24h", rto: "4h" },
        },
      },
      databases: {
        "app-db": {
          engine: "cloudnative-pg",
          instances: 2,
          storage: "5GiB",
          backups: { schedule: "0 2 * * *", destination: "s3://backups/app-db", archiveTimeout: "5min" },
        },
        pg: { engine: "patroni", guests: ["db-1"], vip: "192.168.1.55" },
      },
      services: {
        "cloudnative-pg": {},
        blog: {
          image: "ghcr.io/example/blog:1.4.2",
          port: 8080,
          persistence: "5GiB",
          hostname: "blog.home.arpa",
          database: "app-db",
          target: "99%",
        },
        grafana: { version: "9.0.0" },
        "adguard-home": { on: ["annex"] },
      },
      dns: { records: { nas: "192.168.1.30" } },
      access: { timezone: "Europe/Paris" },
      gitops: {
        repository: "https://git.example.org/me/homelab.git",
        hlab: {
          git: "https://git.example.org/me/hlab.git",
          commit: "0123456789abcdef0123456789abcdef01234567",
        },
      },
      backups: {
        destinations: {
          "usb-disk": { kind: "nfs", url: "nfs://192.168.1.53/usb", host: "pve-03" },
          "annex-disk": { kind: "nfs", url: "nfs://192.168.1.60/disk", guest: "annex" },
        },
      },
      secrets: { recipients: [AGE] },
      plan: {
        defaults: { host: reliability, nic: reliability, guest: reliability, gear: reliability },
        timings: { "k8s.podStart": "20s" },
      },
    }),
  },
  {
    name: "seed002-full",
    spec: merge(example("seed002-segmented"), {
      loadBalancers: {
        edge: {
          network: "apps",
          vrrp: { advertInt: "1s" },
          healthCheck: { inter: "2s", fastinter: "500ms" },
        },
      },
      vpn: { wireguard: { peers: { laptop: { address: "10.99.0.10" } } } },
    }),
  },
  { name: "seed003-before", spec: example("seed003-before") },
  { name: "seed003-lb-pair", spec: example("seed003-lb-pair") },
];

/** Concrete paths in `doc` matching a pattern; a `<key>` pattern yields the record's path plus the key. */
function instances(doc: unknown, pattern: Pattern): PathSegment[][] {
  let paths: { path: PathSegment[]; value: unknown }[] = [{ path: [], value: doc }];
  for (const seg of pattern) {
    const next: typeof paths = [];
    for (const { path, value } of paths) {
      if (seg === "[]") {
        if (Array.isArray(value)) value.forEach((v, i) => next.push({ path: [...path, i], value: v }));
      } else if (seg === "*" || seg === "<key>") {
        if (value && typeof value === "object" && !Array.isArray(value))
          for (const [k, v] of Object.entries(value))
            next.push({ path: [...path, k], value: seg === "<key>" ? k : v });
      } else if (value && typeof value === "object" && !Array.isArray(value) && seg in value) {
        next.push({ path: [...path, seg], value: (value as Obj)[seg] });
      }
    }
    paths = next;
  }
  // Numbers (a bare-seconds duration) and `false` (no persistence) are not text to replace.
  return paths.filter((p) => typeof p.value === "string").map((p) => p.path);
}

/**
 * The document with the string at every path replaced (or, for keys, each key renamed in place: the
 * first to `value` itself, the others with a suffix so they stay distinct).
 */
function inject(doc: Obj, paths: PathSegment[][], isKey: boolean, value: string): Obj {
  const copy = structuredClone(doc);
  paths.forEach((path, i) => {
    const parent = path.slice(0, -1).reduce<unknown>((o, k) => (o as Obj)[k as string], copy) as Obj;
    const last = path[path.length - 1]!;
    if (!isKey) {
      (parent as Record<string | number, unknown>)[last] = value;
      return;
    }
    // Rebuilt in order, so the renamed entry keeps its place (and `__proto__`-like names stay data).
    const entries = Object.entries(parent);
    for (const k of Object.keys(parent)) delete parent[k];
    for (const [k, v] of entries)
      Object.defineProperty(parent, k === last ? (i === 0 ? value : `${value}-${i}`) : k, {
        value: v,
        enumerable: true,
        configurable: true,
        writable: true,
      });
  });
  return copy;
}

function render(doc: Obj): { files?: GeneratedFile[]; errors: { path: string; code: string }[] } {
  const r = loadSpecText(stringify(doc, { lineWidth: 0 }), "hostile.yaml");
  const errors = r.diagnostics
    .filter((d) => d.severity === "error")
    .map((d) => ({ path: d.path, code: d.code }));
  if (!r.model) return { errors };
  return { files: renderRepository(r.model, fixedContext(r.model)), errors };
}

/**
 * One line with its quoting resolved the way sh reads it: what is inside single quotes, or escaped
 * by a backslash, becomes an opaque `Q`; inside double quotes only a command substitution stays
 * visible (as `$(SUBST`), since that is the one thing there that runs. Comments are dropped.
 */
function flatten(line: string): string {
  let out = "";
  let mode: "plain" | "single" | "double" = "plain";
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (mode === "single") {
      if (c === "'") mode = "plain";
    } else if (mode === "double") {
      if (c === "\\") i++;
      else if (c === '"') mode = "plain";
      else if (c === "`" || (c === "$" && line[i + 1] === "(")) out += " $(SUBST ";
    } else if (c === "'") {
      mode = "single";
      out += "Q";
    } else if (c === '"') {
      mode = "double";
      out += "Q";
    } else if (c === "\\") {
      i++;
      out += "Q";
    } else if (c === "#" && (i === 0 || /\s/.test(line[i - 1]!))) break;
    else out += c;
  }
  return out;
}

/** The command words of a script: the first word of each simple command, outside quotes and heredocs. */
export function commandWords(script: string): string[] {
  const words: string[] = [];
  const lines = script.split("\n");
  let heredoc: string | undefined;
  for (const line of lines) {
    if (heredoc !== undefined) {
      if (line === heredoc) heredoc = undefined;
      else words.push(...commandWords(line)); // a remote script: its commands count too
      continue;
    }
    const here = /<<-?'?([A-Za-z_]+)'?/.exec(line);
    const flat = flatten(line);
    for (const part of flat.split(/;|&&|\|\||\||\(|\)|\bthen\b|\bdo\b|\belse\b|`|\$\(/)) {
      const first = part.trim().split(/\s+/)[0];
      if (first) words.push(first);
    }
    if (here) heredoc = here[1];
  }
  return words;
}

const lineCount = (s: string): number => s.split("\n").length;

test("every string field of the schema either refuses a hostile value at its path or keeps the generated structure", async () => {
  const fields = stringFields(specSchema);
  const covered = new Set<string>();
  const missing: string[] = [];
  const scripts = new Map<string, string>(); // content -> where it came from, for sh -n
  const baselines = new Map<string, Map<string, GeneratedFile>>();
  let accepted = 0;
  let refused = 0;

  for (const base of BASES) {
    const r = render(base.spec);
    assert.ok(r.files, `${base.name} must build: ${JSON.stringify(r.errors)}`);
    baselines.set(base.name, new Map(r.files.map((f) => [f.path, f])));
  }

  for (const pattern of fields) {
    const id = pattern.join(".");
    const isKey = pattern[pattern.length - 1] === "<key>";
    const valuePattern = isKey ? pattern.slice(0, -1).concat("<key>") : pattern;
    const base = BASES.find((b) => instances(b.spec, valuePattern).length > 0);
    if (!base) {
      missing.push(id);
      continue;
    }
    covered.add(id);
    // Every occurrence at once: the one that reaches a script may not be the first.
    const paths = instances(base.spec, valuePattern);
    const path = paths[0]!;
    const baseline = baselines.get(base.name)!;
    for (const hostile of HOSTILE) {
      const doc = inject(base.spec, paths, isKey, hostile);
      const at = formatPath(isKey ? [...path.slice(0, -1), hostile] : path);
      const r = render(doc);
      const where: string = `${id} = ${JSON.stringify(hostile.slice(0, 40))} (${base.name})`;
      if (!r.files) {
        refused++;
        assert.ok(
          r.errors.some((e) => e.path === at || e.path.startsWith(`${at}.`) || e.path.startsWith(`${at}[`)),
          `${where}: refused, but no diagnostic at ${at}: ${JSON.stringify(r.errors.slice(0, 5))}`,
        );
        continue;
      }
      accepted++;
      for (const f of r.files) {
        if (f.path === SPEC_COPY) continue; // the spec itself, as written
        const before = baseline.get(f.path);
        if (f.path.endsWith(".sh")) {
          scripts.set(f.content, `${f.path} with ${where}`);
          assert.ok(before, `${where}: a new script ${f.path}`);
          assert.deepEqual(
            commandWords(f.content),
            commandWords(before.content),
            `${where}: ${f.path} commands`,
          );
        } else if (before) {
          assert.equal(lineCount(f.content), lineCount(before.content), `${where}: ${f.path} line count`);
        }
      }
    }
  }

  assert.deepEqual(missing, [], "string fields with no value in any base spec: give them one in BASES");
  assert.equal(covered.size, fields.length, "every string field of the schema is injected");
  assert.ok(refused > 0 && accepted > 0, `refused ${refused}, accepted ${accepted}`);

  // Every distinct script, baselines included, parses.
  for (const files of baselines.values())
    for (const f of files.values()) if (f.path.endsWith(".sh")) scripts.set(f.content, f.path);
  const dir = mkdtempSync(join(tmpdir(), "hlab-hostile-"));
  try {
    let n = 0;
    for (const [content, where] of scripts) {
      const file = join(dir, `${n++}.sh`);
      writeFileSync(file, content);
      const r = await run("sh", ["-n", file]);
      assert.equal(r.code, 0, `sh -n fails on ${where}: ${r.stderr}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("the schema walk finds record keys, list items and union text fields", () => {
  const ids = stringFields(specSchema).map((p) => p.join("."));
  for (const id of [
    "guests.<key>",
    "proxmox.storage.<key>",
    "access.sshKeys.[]",
    "services.*.persistence",
    "description",
  ])
    assert.ok(ids.includes(id), id);
  assert.ok(!ids.includes("guests.*.role"), "enums are not free text");
});

test("command words see through quoting", () => {
  assert.deepEqual(commandWords(`echo 'a; rm -rf /' && ls "x|y" | wc -l`), ["echo", "ls", "wc"]);
  assert.deepEqual(commandWords(`echo 'a'\\''$(id)'\\''b'`), ["echo"]);
  assert.deepEqual(commandWords(`echo "a$(id)"`), ["echo", "SUBST"]);
  assert.deepEqual(commandWords(`$SSH t 'sh -s' <<'R'\nset -eu\nR\necho`), ["$SSH", "set", "echo"]);
});
