// Maps spec paths back to where they are written in the YAML text, so every diagnostic, including
// the ones raised long after parsing (plan findings), points at a line and a column.
import { isMap, isPair, isScalar, isSeq, LineCounter, type Document, type Node, type Pair } from "yaml";
import type { PathSegment, Position, SourceLocator } from "../diagnostic/diagnostic.js";

export interface YamlSourceLocator extends SourceLocator {
  /** Position of the key of the last path segment (for unknown keys), else of the value. */
  locateKey(path: readonly PathSegment[]): Position;
}

export function yamlSource(file: string, text: string, doc: Document, lines: LineCounter): YamlSourceLocator {
  let textLines: string[] | undefined;
  const toPos = (offset: number): Position => {
    const p = lines.linePos(offset);
    return { line: p.line, column: p.col };
  };

  // Each map's keys are indexed the first time a path goes through it: a spec with tens of
  // thousands of keys (and as many diagnostics) is located in linear time, not by a scan per lookup.
  // The first pair wins, as a scan would find it.
  const keyIndex = new WeakMap<Node, Map<string, Pair>>();
  const pairOf = (map: Node & { items: unknown[] }, seg: PathSegment): Pair | undefined => {
    let index = keyIndex.get(map);
    if (!index) {
      index = new Map();
      for (const p of map.items) {
        if (!isPair(p) || !isScalar(p.key)) continue;
        const k = String(p.key.value);
        if (!index.has(k)) index.set(k, p);
      }
      keyIndex.set(map, index);
    }
    return index.get(String(seg));
  };

  // Walks as deep as the path exists; returns the deepest node and, for maps, the key node.
  const walk = (path: readonly PathSegment[]): { node: Node | null; key: Node | null } => {
    let node: Node | null = (doc.contents as Node | null) ?? null;
    let key: Node | null = null;
    for (const seg of path) {
      if (isMap(node)) {
        const pair = pairOf(node, seg);
        if (!pair) break;
        key = pair.key as Node;
        node = (pair.value as Node | null) ?? key;
      } else if (isSeq(node) && typeof seg === "number") {
        const item = node.items[seg] as Node | undefined;
        if (!item) break;
        key = null;
        node = item;
      } else break;
    }
    return { node, key };
  };

  const start = (n: Node | null): Position => (n?.range ? toPos(n.range[0]) : { line: 1, column: 1 });

  return {
    file,
    locate: (path) => start(walk(path).node),
    locateKey: (path) => {
      const w = walk(path);
      return start(w.key ?? w.node);
    },
    lineText: (line) => (textLines ??= text.split(/\r?\n/))[line - 1],
  };
}
