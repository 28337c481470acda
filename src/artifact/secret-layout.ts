// Where the build keeps each secret in the output tree and where its value sits inside the file:
// facts a generator needs to point at a secret (`sops -d --extract ... secrets/x.sops.yaml`) without
// the store, which reads and writes the files.
import type { SecretRequest } from "./artifact.js";

export const SECRETS_DIR = "secrets";
export const secretFilePath = (name: string): string => `${SECRETS_DIR}/${name}.sops.yaml`;

/** The secret a store path holds, or undefined for any other path. */
export function secretNameOf(path: string): string | undefined {
  const m = /^secrets\/(.+)\.sops\.yaml$/.exec(path);
  return m && m[1]!.split("/").every((p) => p.length > 0) ? m[1] : undefined;
}
export const publicKeyPath = (name: string): string => `${SECRETS_DIR}/${name}.pub`;

export type SecretShape =
  | { kind: "plain" }
  | { kind: "kubernetes"; namespace: string; name: string; key: string; literals: Record<string, string> };

/** Literals in key order, so a stored shape compares equal to the requested one. */
export const sortedRecord = (r: Record<string, string> | undefined): Record<string, string> =>
  Object.fromEntries(Object.entries(r ?? {}).sort(([a], [b]) => (a < b ? -1 : 1)));

export function shapeOf(req: SecretRequest): SecretShape {
  const k = req.kubernetes;
  return k
    ? {
        kind: "kubernetes",
        namespace: k.namespace,
        name: k.name,
        key: k.key,
        literals: sortedRecord(k.literals),
      }
    : { kind: "plain" };
}
export const valuePath = (shape: SecretShape): string[] =>
  shape.kind === "kubernetes" ? ["stringData", shape.key] : ["value"];

/** Where a request's value sits in its file, as `sops -d --extract` takes it: `["value"]`. */
export const sopsExtractPath = (req: SecretRequest): string =>
  valuePath(shapeOf(req))
    .map((k) => `["${k}"]`)
    .join("");
