// The encrypted secret store inside the output repository: one SOPS file per secret under secrets/,
// so adding a secret needs only the public recipients, and showing or re-keying one needs an
// identity. Secrets that Kubernetes consumes are stored as a SOPS-encrypted Secret manifest (Flux
// and KSOPS decrypt those as they are); the others as a small document whose `value` is encrypted.
// Key pairs keep their public half beside, in plaintext, for the generators.
import { lstat, readdir } from "node:fs/promises";
import { join } from "node:path";
import { UserError } from "../diagnostic/user-error.js";
import { readInside } from "../emit/out-root.js";
import type { GeneratedFile, SecretKind, SecretRequest } from "../artifact/artifact.js";
import {
  SECRETS_DIR,
  secretFilePath,
  publicKeyPath,
  shapeOf,
  sortedRecord,
  valuePath,
  type SecretShape,
} from "../artifact/secret-layout.js";
import { decryptSops, encryptSops, readSopsFile, SopsError, valueAt, type SopsFile } from "./sops-file.js";
import { fromPlain, get, isSopsMap, type CryptRule, type SopsMap, type SopsNode } from "./sops-tree.js";
import { invalidRecipientReason } from "./identity.js";
import { generateSecret, wireguardPublicKey } from "./secret-values.js";

const SECRET_NAME = /^[a-z0-9][a-z0-9._-]*(\/[a-z0-9][a-z0-9._-]*)*$/;
const KINDS: readonly SecretKind[] = ["token", "password", "hex32", "wireguard-key"];
const ANNOTATION_NAME = "hlab/secret";
const ANNOTATION_KIND = "hlab/kind";
const ANNOTATION_KEY = "hlab/key";
// Literals are not secret; kept readable here so a change is seen without decrypting the file.
const ANNOTATION_LITERALS = "hlab/literals";
const KUBERNETES_RULE: CryptRule = { encryptedRegex: "^(data|stringData)$" };
const PLAIN_RULE: CryptRule = { unencryptedSuffix: "_unencrypted" };

/** What a stored file says about itself, readable without any identity. */
export interface StoredSecret {
  name: string;
  kind: SecretKind;
  shape: SecretShape;
  recipients: string[];
  lastModified: string;
  /** The file's path relative to the output root. */
  path: string;
}

export interface StoreProblem {
  secret: string;
  path: string;
  /** HL300 (the store cannot hold it) or HL301 (other recipients); severity from the registry. */
  code: "HL300" | "HL301";
  message: string;
  hint: string;
}

const sameShape = (a: SecretShape, b: SecretShape): boolean => JSON.stringify(a) === JSON.stringify(b);

function secretDocument(
  name: string,
  kind: SecretKind,
  shape: SecretShape,
  value: string,
): { doc: SopsMap; rule: CryptRule } {
  if (shape.kind === "kubernetes") {
    const doc = fromPlain({
      apiVersion: "v1",
      kind: "Secret",
      metadata: {
        name: shape.name,
        namespace: shape.namespace,
        labels: { "app.kubernetes.io/managed-by": "hlab" },
        annotations: {
          [ANNOTATION_NAME]: name,
          [ANNOTATION_KIND]: kind,
          [ANNOTATION_KEY]: shape.key,
          ...(Object.keys(shape.literals).length
            ? { [ANNOTATION_LITERALS]: JSON.stringify(shape.literals) }
            : {}),
        },
      },
      type: "Opaque",
      stringData: { ...shape.literals, [shape.key]: value },
    });
    return { doc: doc as SopsMap, rule: KUBERNETES_RULE };
  }
  return { doc: fromPlain({ hlab_unencrypted: { secret: name, kind }, value }) as SopsMap, rule: PLAIN_RULE };
}

const str = (n: SopsNode | undefined): string | undefined => (typeof n === "string" ? n : undefined);

/** Reads what a stored secret file is, or throws a SopsError saying why it is not one of ours. */
export function describeSecretFile(path: string, text: string): StoredSecret {
  const file = readSopsFile(text);
  const { tree } = file;
  const asKind = (k: string | undefined): SecretKind => {
    if (!k || !(KINDS as readonly string[]).includes(k))
      throw new SopsError(`unknown secret kind ${k ?? "(none)"}`);
    return k as SecretKind;
  };
  const base = {
    recipients: file.metadata.age.map((a) => a.recipient).sort(),
    lastModified: file.metadata.lastModified,
    path,
  };
  if (str(get(tree, "kind")) === "Secret") {
    const meta = get(tree, "metadata");
    const annotations = meta && isSopsMap(meta) ? get(meta, "annotations") : undefined;
    const note = (k: string): string | undefined =>
      annotations && isSopsMap(annotations) ? str(get(annotations, k)) : undefined;
    const name = note(ANNOTATION_NAME);
    const key = note(ANNOTATION_KEY);
    if (!name || !key || !meta || !isSopsMap(meta))
      throw new SopsError("a Kubernetes Secret that hlab did not write");
    let literals: Record<string, string> = {};
    try {
      literals = sortedRecord(JSON.parse(note(ANNOTATION_LITERALS) ?? "{}") as Record<string, string>);
    } catch {
      throw new SopsError(`unreadable ${ANNOTATION_LITERALS} annotation`);
    }
    return {
      ...base,
      name,
      kind: asKind(note(ANNOTATION_KIND)),
      shape: {
        kind: "kubernetes",
        namespace: str(get(meta, "namespace")) ?? "",
        name: str(get(meta, "name")) ?? "",
        key,
        literals,
      },
    };
  }
  const own = get(tree, "hlab_unencrypted");
  const name = own && isSopsMap(own) ? str(get(own, "secret")) : undefined;
  if (!name || !own || !isSopsMap(own) || get(tree, "value") === undefined)
    throw new SopsError("a SOPS file that hlab did not write");
  return { ...base, name, kind: asKind(str(get(own, "kind"))), shape: { kind: "plain" } };
}

/** Secret files are small; anything bigger is not one hlab wrote. */
const MAX_SECRET_BYTES = 1024 * 1024;

/**
 * A store file's text. `outDir` is the real output root: a link on the way (a symlinked secrets/)
 * or at the file is a UserError, never followed, so a read stays inside the store.
 */
async function readText(outDir: string, path: string): Promise<string | undefined> {
  return (await readInside(outDir, path, MAX_SECRET_BYTES))?.toString("utf8");
}

/** A secret's name as the user typed it, checked before it becomes a path. */
export function checkSecretName(name: string): void {
  if (!SECRET_NAME.test(name) || name.length > 200)
    throw new UserError(
      `\`${name.slice(0, 200)}\` is not a secret name`,
      "give the name as `hlab secrets list` prints it: lower-case letters, digits, '-', '.', '_' and '/' between parts",
    );
}

/** Encrypts a fresh value for the recipients; key pairs also give their public half. */
export async function createSecretFiles(
  name: string,
  kind: SecretKind,
  shape: SecretShape,
  recipients: readonly string[],
  now: Date,
): Promise<{ files: GeneratedFile[]; publicKey?: string }> {
  const fresh = generateSecret(kind);
  const { doc, rule } = secretDocument(name, kind, shape, fresh.value);
  const files: GeneratedFile[] = [
    { path: secretFilePath(name), content: await encryptSops(doc, { recipients, rule, now }) },
  ];
  if (fresh.publicKey) files.push({ path: publicKeyPath(name), content: `${fresh.publicKey}\n` });
  return { files, publicKey: fresh.publicKey };
}

export interface EnsureOptions {
  outDir: string;
  recipients: readonly string[];
  now: Date;
}

export interface EnsureResult {
  /** Every store file the build owns: existing ones unchanged, new ones encrypted. */
  files: GeneratedFile[];
  publicKeys: Map<string, string>;
  created: string[];
  problems: StoreProblem[];
}

/**
 * Makes sure every requested secret exists in the store under outDir: existing files are kept
 * byte for byte (their values never change behind the user's back), missing ones are created and
 * encrypted for the recipients. Needs no identity.
 */
export async function ensureSecrets(
  requests: readonly SecretRequest[],
  opts: EnsureOptions,
): Promise<EnsureResult> {
  const result: EnsureResult = { files: [], publicKeys: new Map(), created: [], problems: [] };
  const wanted = [...opts.recipients].sort();
  const badRecipient = wanted
    .map((r) => ({ r, why: invalidRecipientReason(r) }))
    .find((x) => x.why !== undefined);
  for (const req of requests) {
    const path = secretFilePath(req.name);
    const problem = (code: StoreProblem["code"], message: string, hint: string): void => {
      result.problems.push({ secret: req.name, path, code, message, hint });
    };
    if (!SECRET_NAME.test(req.name)) {
      problem(
        "HL300",
        `secret name \`${req.name}\` cannot be a file name`,
        "use lower-case letters, digits, '-', '.', '_' and '/' between parts",
      );
      continue;
    }
    let text: string | undefined;
    try {
      text = await readText(opts.outDir, path);
    } catch (err) {
      if (!(err instanceof UserError)) throw err;
      problem("HL300", err.message, err.hint);
      continue;
    }
    if (text === undefined) {
      if (badRecipient) {
        problem(
          "HL300",
          `secret \`${req.name}\` must be created but the recipient ${badRecipient.r} is ${badRecipient.why}`,
          "copy the recipient again from `hlab secrets init` (or `age-keygen -y KEYFILE`)",
        );
        continue;
      }
      if (wanted.length === 0) {
        problem(
          "HL300",
          `secret \`${req.name}\` must be created but there is no age recipient to encrypt it for`,
          "run `hlab secrets init`, or list age public keys under `secrets.recipients` in the spec",
        );
        continue;
      }
      const made = await createSecretFiles(req.name, req.kind, shapeOf(req), wanted, opts.now);
      result.files.push(...made.files);
      if (made.publicKey) result.publicKeys.set(req.name, made.publicKey);
      result.created.push(req.name);
      continue;
    }
    let stored: StoredSecret;
    try {
      stored = describeSecretFile(path, text);
    } catch (err) {
      problem(
        "HL300",
        `${path} exists but is not a secret hlab can keep: ${(err as Error).message}`,
        "move the file away (hlab never overwrites it) and build again to create the secret",
      );
      continue;
    }
    if (stored.name !== req.name || stored.kind !== req.kind || !sameShape(stored.shape, shapeOf(req))) {
      problem(
        "HL300",
        `${path} holds a ${stored.kind} stored as ${stored.shape.kind}, but the build needs a ${req.kind} stored as ${shapeOf(req).kind}`,
        "delete the file and build again to create the secret anew (the old value is lost), or restore the spec that made it",
      );
      continue;
    }
    result.files.push({ path, content: text });
    if (wanted.length && JSON.stringify(stored.recipients) !== JSON.stringify(wanted)) {
      problem(
        "HL301",
        `${path} is encrypted for ${stored.recipients.join(", ")}, not for ${wanted.join(", ")}`,
        "re-encrypt the store for the current recipients with `hlab secrets update-keys --out DIR`",
      );
    }
    if (req.kind === "wireguard-key") {
      const pub = (await readText(opts.outDir, publicKeyPath(req.name)).catch(() => undefined))?.trim();
      if (!pub) {
        problem(
          "HL300",
          `the public key ${publicKeyPath(req.name)} is missing`,
          `recreate it with \`hlab secrets show ${req.name} --public --out DIR > ${publicKeyPath(req.name)}\``,
        );
        continue;
      }
      result.files.push({ path: publicKeyPath(req.name), content: `${pub}\n` });
      result.publicKeys.set(req.name, pub);
    }
  }
  return result;
}

/** Every secret file under outDir/secrets, described; unreadable files are reported, not thrown. */
export async function listSecrets(
  outDir: string,
): Promise<{ secrets: StoredSecret[]; unreadable: { path: string; reason: string }[] }> {
  const secrets: StoredSecret[] = [];
  const unreadable: { path: string; reason: string }[] = [];
  const walk = async (rel: string, depth: number): Promise<void> => {
    // Only real folders are walked: a link to a folder elsewhere is not part of the store.
    const here = await lstat(join(outDir, rel)).catch(() => undefined);
    if (!here?.isDirectory() || depth > 16) return;
    let entries;
    try {
      entries = await readdir(join(outDir, rel), { withFileTypes: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "ENOENT") return;
      throw err;
    }
    for (const e of entries.sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const path = `${rel}/${e.name}`;
      if (e.isDirectory()) await walk(path, depth + 1);
      else if (e.name.endsWith(".sops.yaml")) {
        try {
          secrets.push(describeSecretFile(path, (await readText(outDir, path)) ?? ""));
        } catch (err) {
          unreadable.push({ path, reason: (err as Error).message });
        }
      }
    }
  };
  await walk(SECRETS_DIR, 0);
  return { secrets, unreadable };
}

async function openStored(outDir: string, name: string): Promise<{ stored: StoredSecret; text: string }> {
  checkSecretName(name);
  const path = secretFilePath(name);
  const text = await readText(outDir, path);
  if (text === undefined) throw new SopsError(`no secret \`${name}\` in ${join(outDir, SECRETS_DIR)}`);
  return { stored: describeSecretFile(path, text), text };
}

/** The plaintext value of one secret; needs an identity the file is encrypted for. */
export async function readSecretValue(
  outDir: string,
  name: string,
  identities: readonly string[],
): Promise<string> {
  const { stored, text } = await openStored(outDir, name);
  const file: SopsFile = await decryptSops(text, identities);
  const value = valueAt(file.tree, valuePath(stored.shape));
  if (typeof value !== "string") throw new SopsError(`${stored.path} holds no string value`);
  return value;
}

/** The public half of a key pair, computed from the private key when its .pub file is lost. */
export async function readPublicKey(
  outDir: string,
  name: string,
  identities: readonly string[],
): Promise<string> {
  const { stored } = await openStored(outDir, name);
  if (stored.kind !== "wireguard-key") throw new SopsError(`\`${name}\` is a ${stored.kind}, not a key pair`);
  const pub = (await readText(outDir, publicKeyPath(name)))?.trim();
  return pub || wireguardPublicKey(await readSecretValue(outDir, name, identities));
}

/** A new value for an existing secret, same kind and shape, for the given (or its current) recipients. */
export async function rotateSecret(
  outDir: string,
  name: string,
  recipients: readonly string[] | undefined,
  now: Date,
): Promise<GeneratedFile[]> {
  const { stored } = await openStored(outDir, name);
  const to = recipients?.length ? recipients : stored.recipients;
  const bad = to.find((r) => invalidRecipientReason(r) !== undefined);
  if (bad)
    throw new SopsError(
      `${stored.path} names the recipient ${bad.slice(0, 100)}, which is not an age public key`,
    );
  return (await createSecretFiles(name, stored.kind, stored.shape, to, now)).files;
}

/** The same values re-encrypted for another set of recipients (after adding or removing a key). */
export async function reencryptSecret(
  outDir: string,
  name: string,
  identities: readonly string[],
  recipients: readonly string[],
  now: Date,
): Promise<GeneratedFile> {
  const { stored, text } = await openStored(outDir, name);
  const file = await decryptSops(text, identities);
  return {
    path: stored.path,
    content: await encryptSops(file.tree, {
      recipients: [...recipients].sort(),
      rule: file.metadata.rule,
      now,
    }),
  };
}
