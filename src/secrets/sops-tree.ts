// The document model SOPS works on: an ordered tree whose leaves are scalars. Order matters because
// the MAC is a hash of the leaves in document order, so maps keep their key order exactly as written
// (a plain JS object would move integer-like keys first and break the MAC of a foreign file).
import { isMap, isScalar, isSeq, parseDocument, type Node as YamlNode } from "yaml";

export type SopsScalar = string | number | boolean;
export type SopsNode = SopsScalar | null | SopsNode[] | SopsMap;
export interface SopsMap {
  entries: [string, SopsNode][];
}

export const isSopsMap = (n: SopsNode): n is SopsMap =>
  typeof n === "object" && n !== null && !Array.isArray(n);

/** The tree of a plain JS value whose key order is the one to keep (no integer-like keys). */
export function fromPlain(value: unknown): SopsNode {
  if (value === null || value === undefined) return null;
  if (Array.isArray(value)) return value.map(fromPlain);
  if (typeof value === "object") return { entries: Object.entries(value).map(([k, v]) => [k, fromPlain(v)]) };
  if (typeof value === "string" || typeof value === "number" || typeof value === "boolean") return value;
  throw new Error(`cannot store a ${typeof value} in a SOPS file`);
}

export const get = (map: SopsMap, key: string): SopsNode | undefined =>
  map.entries.find(([k]) => k === key)?.[1];

/** Parses YAML text into the ordered tree; throws on syntax errors or non-map documents. */
export function parseSopsYaml(text: string): SopsMap {
  const doc = parseDocument(text, { uniqueKeys: true });
  if (doc.errors.length) throw new Error(doc.errors[0]!.message.split("\n")[0]);
  const root = fromYaml(doc.contents as YamlNode | null);
  if (!isSopsMap(root)) throw new Error("a SOPS file must be a map at the top level");
  return root;
}

function fromYaml(node: YamlNode | null): SopsNode {
  if (node === null) return null;
  if (isMap(node)) {
    return {
      entries: node.items.map((pair) => {
        const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
        return [key, fromYaml(pair.value as YamlNode | null)];
      }),
    };
  }
  if (isSeq(node)) return node.items.map((item) => fromYaml(item as YamlNode | null));
  if (isScalar(node)) {
    const v = node.value;
    if (v === null || v === undefined) return null;
    if (typeof v === "string" || typeof v === "number" || typeof v === "boolean") return v;
    return String(v);
  }
  throw new Error("unsupported YAML node in a SOPS file");
}

/** Back to a plain value for YAML output; keys keep their order (none of ours look like integers). */
export function toPlain(node: SopsNode): unknown {
  if (Array.isArray(node)) return node.map(toPlain);
  if (isSopsMap(node)) return Object.fromEntries(node.entries.map(([k, v]) => [k, toPlain(v)]));
  return node;
}

/**
 * Visits every scalar leaf in document order with its path of map keys (sequences add nothing to the
 * path, as in SOPS), replacing each with what the visitor returns.
 */
export function mapLeaves(
  node: SopsNode,
  visit: (leaf: SopsScalar, path: string[]) => SopsScalar,
  path: string[] = [],
): SopsNode {
  if (node === null) return null;
  if (Array.isArray(node)) return node.map((n) => mapLeaves(n, visit, path));
  if (isSopsMap(node))
    return { entries: node.entries.map(([k, v]) => [k, mapLeaves(v, visit, [...path, k])]) };
  return visit(node, path);
}

/** Which leaves SOPS encrypts: one rule per file, named as in its metadata. */
export type CryptRule =
  | { unencryptedSuffix: string }
  | { encryptedSuffix: string }
  | { unencryptedRegex: string }
  | { encryptedRegex: string };

/** SOPS's default when a file names no rule. */
export const DEFAULT_RULE: CryptRule = { unencryptedSuffix: "_unencrypted" };

export function shouldEncrypt(rule: CryptRule, path: readonly string[]): boolean {
  if ("unencryptedSuffix" in rule) return !path.some((p) => p.endsWith(rule.unencryptedSuffix));
  if ("encryptedSuffix" in rule) return path.some((p) => p.endsWith(rule.encryptedSuffix));
  if ("unencryptedRegex" in rule) return !path.some((p) => new RegExp(rule.unencryptedRegex).test(p));
  return path.some((p) => new RegExp(rule.encryptedRegex).test(p));
}

/** The bytes SOPS hashes for a leaf: Go's formatting (booleans as Python's True/False). */
export function leafBytes(leaf: SopsScalar): string {
  if (typeof leaf === "boolean") return leaf ? "True" : "False";
  return String(leaf);
}
