// Kubernetes objects as plain data, and the one way they become YAML files: every file of the GitOps
// tree is rendered here so key order, line width and the generated-by header are the same everywhere.
import { stringify } from "yaml";
import type { Model } from "../../model/model.js";
import { hashHeader, type GeneratedFile } from "../../artifact/artifact.js";

export type Labels = Record<string, string>;

export interface ObjectMeta {
  name: string;
  namespace?: string;
  labels?: Labels;
  annotations?: Labels;
}

/** Any Kubernetes object: the typed head every object has, the rest as data. */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: ObjectMeta;
  [field: string]: unknown;
}

export const kubeObject = (
  apiVersion: string,
  kind: string,
  metadata: ObjectMeta,
  body: Record<string, unknown>,
): KubeObject => ({ apiVersion, kind, metadata, ...body });

/** `kind/name` (with the namespace when there is one), as reviewers and error messages name objects. */
export const objectRef = (o: {
  kind?: unknown;
  metadata?: { name?: unknown; namespace?: unknown };
}): string => {
  const ns = typeof o.metadata?.namespace === "string" ? `${o.metadata.namespace}/` : "";
  return `${String(o.kind ?? "?")}/${ns}${String(o.metadata?.name ?? "?")}`;
};

/**
 * YAML for one document. No anchors (a shared labels object must not become `*a1`), no folding (alert
 * expressions and embedded configs stay on the lines they were written on).
 */
export const toYaml = (value: unknown): string =>
  stringify(value, { aliasDuplicateObjects: false, lineWidth: 0 });

/** A multi-document manifest file that starts with the generated-by header. */
export function manifestFile(model: Model, path: string, objects: readonly KubeObject[]): GeneratedFile {
  if (objects.length === 0) throw new Error(`${path}: a manifest file needs at least one object`);
  return { path, content: hashHeader(model) + objects.map(toYaml).join("---\n") };
}

/** Sorted copy of a string map: label and annotation order never depends on how they were built. */
export const sortedRecord = <T>(record: Record<string, T>): Record<string, T> =>
  Object.fromEntries(Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
