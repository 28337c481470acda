// ARCHITECTURE.md's promise that data flows one way, checked: the folders of src/ (each
// src/generate/<target> counted as its own folder) import each other without a cycle, and only
// downwards in the layer list ARCHITECTURE.md gives (read from it, so the page and the code cannot
// drift apart). The imports are read by TypeScript's own pre-processor, so comments and strings
// never count as imports.
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import { test } from "node:test";
import ts from "typescript";

const SRC = "src";

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .sort((a, b) => a.name.localeCompare(b.name))
    .flatMap((e) => {
      const p = join(dir, e.name);
      if (e.isDirectory()) return sourceFiles(p);
      return p.endsWith(".ts") ? [p] : [];
    });
}

/** The folder a file belongs to: its top-level folder under src/, or generate/<target>. */
function folderOf(file: string): string {
  const parts = relative(SRC, file).split(sep);
  if (parts.length === 1) return "(src root)";
  if (parts[0] === "generate" && parts.length > 2) return `generate/${parts[1]}`;
  return parts[0]!;
}

type FolderGraph = Map<string, Map<string, string[]>>;

function importGraph(files: readonly string[]): FolderGraph {
  const graph: FolderGraph = new Map();
  for (const file of files) {
    const from = folderOf(file);
    const edges = graph.get(from) ?? new Map<string, string[]>();
    graph.set(from, edges);
    const imports = ts.preProcessFile(readFileSync(file, "utf8"), true, true).importedFiles;
    for (const { fileName } of imports) {
      if (!fileName.startsWith(".")) continue;
      const target = resolve(dirname(file), fileName).replace(/\.js$/, ".ts");
      const to = folderOf(relative(process.cwd(), target));
      if (to === from) continue;
      edges.set(to, [...(edges.get(to) ?? []), `${relative(SRC, file)} imports ${fileName}`]);
    }
  }
  return graph;
}

/** Every strongly connected set of two or more folders (Tarjan), each as one cycle path. */
function folderCycles(graph: ReadonlyMap<string, ReadonlyMap<string, unknown>>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const components: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, index.size);
    low.set(v, index.get(v)!);
    stack.push(v);
    onStack.add(v);
    for (const w of [...(graph.get(v)?.keys() ?? [])].sort()) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) !== index.get(v)) return;
    const component: string[] = [];
    let w: string;
    do {
      w = stack.pop()!;
      onStack.delete(w);
      component.push(w);
    } while (w !== v);
    if (component.length > 1) components.push(component.sort());
  };
  for (const v of [...graph.keys()].sort()) if (!index.has(v)) visit(v);
  return components;
}

test("the cycle finder finds a cycle through three folders and none in a chain", () => {
  const g = (edges: [string, string][]) => {
    const m = new Map<string, Map<string, string[]>>();
    for (const [a, b] of edges) m.set(a, (m.get(a) ?? new Map()).set(b, []));
    return m;
  };
  assert.deepEqual(
    folderCycles(
      g([
        ["spec", "model"],
        ["model", "util"],
        ["util", "spec"],
        ["cli", "spec"],
      ]),
    ),
    [["model", "spec", "util"]],
  );
  assert.deepEqual(
    folderCycles(
      g([
        ["cli", "spec"],
        ["spec", "model"],
      ]),
    ),
    [],
  );
  assert.equal(folderOf(join(SRC, "generate", "haproxy", "haproxy.ts")), "generate/haproxy");
  assert.equal(folderOf(join(SRC, "generate", "x.ts")), "generate");
});

test("no import cycle between the folders of src/ (generate/<target> counted separately)", () => {
  const graph = importGraph(sourceFiles(SRC));
  assert.ok(graph.size > 10, "src/ was read");
  const explain = folderCycles(graph).map((cycle) =>
    [
      `cycle between ${cycle.join(", ")}:`,
      ...cycle.flatMap((a) =>
        cycle.flatMap((b) => (graph.get(a)?.get(b) ?? []).map((why) => `  ${a} -> ${b}: ${why}`)),
      ),
    ].join("\n"),
  );
  assert.deepEqual(explain, [], explain.join("\n"));
});

/** The layers of ARCHITECTURE.md's `a`, `b` ◄ `c` ◄ ... line, bottom first, as folder -> rank. */
function documentedLayers(): Map<string, number> {
  const line = readFileSync("ARCHITECTURE.md", "utf8")
    .split("\n")
    .find((l) => l.includes("◄"));
  assert.ok(line, "ARCHITECTURE.md has the layer line (`a` ◄ `b` ◄ ...)");
  const ranks = new Map<string, number>();
  line.split("◄").forEach((group, rank) => {
    for (const [, name] of group.matchAll(/`([^`]+)`/g)) ranks.set(name!, rank);
  });
  return ranks;
}

const rankOf = (layers: ReadonlyMap<string, number>, folder: string): number | undefined =>
  layers.get(folder.startsWith("generate/") ? "generate/<target>" : folder);

test("every import points down the layers ARCHITECTURE.md lists", () => {
  const layers = documentedLayers();
  const graph = importGraph(sourceFiles(SRC));
  const problems: string[] = [];
  for (const [from, edges] of graph) {
    if (from === "(src root)") continue;
    const rank = rankOf(layers, from);
    if (rank === undefined) {
      problems.push(`src/${from}/ is not in ARCHITECTURE.md's layer line: add it where it belongs`);
      continue;
    }
    for (const [to, why] of edges) {
      const target = rankOf(layers, to);
      if (target !== undefined && target > rank)
        problems.push(`${from} (layer ${rank}) imports ${to} (layer ${target}), upwards: ${why.join("; ")}`);
    }
  }
  assert.deepEqual(problems, [], problems.join("\n"));
});
