// A whole SOPS file: the document with its chosen leaves encrypted under a random 32-byte data key,
// the data key encrypted with age for each recipient, and a MAC (SHA-512 of every leaf in document
// order, encrypted with the data key and the timestamp as additional data). Written so that
// `sops -d`, Flux and KSOPS read it; read back here with the user's age identity.
import { createHash, randomBytes } from "node:crypto";
import { armor, Decrypter, Encrypter } from "age-encryption";
import { Document, isScalar } from "yaml";
import { decryptValue, encryptValue } from "./sops-cipher.js";
import {
  DEFAULT_RULE,
  get,
  isSopsMap,
  leafBytes,
  mapLeaves,
  parseSopsYaml,
  shouldEncrypt,
  toPlain,
  type CryptRule,
  type SopsMap,
  type SopsNode,
} from "./sops-tree.js";

/** The SOPS format version written in new files. */
export const SOPS_VERSION = "3.9.4";

/** SOPS hashes these bytes first when only encrypted values are authenticated (mac_only_encrypted). */
const MAC_ONLY_ENCRYPTED_INIT = Buffer.from([
  0x8a, 0x3f, 0xd2, 0xad, 0x54, 0xce, 0x66, 0x52, 0x7b, 0x10, 0x34, 0xf3, 0xd1, 0x47, 0xbe, 0x0b, 0x0b, 0x97,
  0x5b, 0x3b, 0xf4, 0x4f, 0x72, 0xc6, 0xfd, 0xad, 0xec, 0x81, 0x76, 0xf2, 0x7d, 0x69,
]);

const RULE_KEYS: Record<string, (v: string) => CryptRule> = {
  unencrypted_suffix: (v) => ({ unencryptedSuffix: v }),
  encrypted_suffix: (v) => ({ encryptedSuffix: v }),
  unencrypted_regex: (v) => ({ unencryptedRegex: v }),
  encrypted_regex: (v) => ({ encryptedRegex: v }),
};

export interface SopsMetadata {
  /** age recipients and their copy of the data key (armored). */
  age: { recipient: string; enc: string }[];
  lastModified: string;
  mac: string;
  rule: CryptRule;
  macOnlyEncrypted: boolean;
  version: string;
}

export interface SopsFile {
  /** The document without its `sops` block; encrypted leaves still encrypted. */
  tree: SopsMap;
  metadata: SopsMetadata;
}

export class SopsError extends Error {}

/** Reads the structure and metadata of a SOPS file without decrypting anything. */
export function readSopsFile(text: string): SopsFile {
  let root: SopsMap;
  try {
    root = parseSopsYaml(text);
  } catch (err) {
    throw new SopsError(`not a readable YAML file: ${(err as Error).message}`);
  }
  const sops = get(root, "sops");
  if (!sops || !isSopsMap(sops))
    throw new SopsError("no `sops` metadata block: the file is not SOPS-encrypted");
  const str = (k: string): string | undefined => {
    const v = get(sops, k);
    return typeof v === "string" ? v : undefined;
  };
  const ageNode = get(sops, "age");
  const age = (Array.isArray(ageNode) ? ageNode : []).flatMap((entry) => {
    if (!isSopsMap(entry)) return [];
    const recipient = get(entry, "recipient");
    const enc = get(entry, "enc");
    return typeof recipient === "string" && typeof enc === "string" ? [{ recipient, enc }] : [];
  });
  const rules = Object.keys(RULE_KEYS).flatMap((k) => {
    const v = str(k);
    return v ? [RULE_KEYS[k]!(v)] : [];
  });
  if (rules.length > 1) throw new SopsError("the file names more than one encryption rule");
  const lastModified = str("lastmodified");
  const mac = str("mac");
  if (!lastModified || mac === undefined) throw new SopsError("the `sops` block lacks lastmodified or mac");
  return {
    tree: { entries: root.entries.filter(([k]) => k !== "sops") },
    metadata: {
      age,
      lastModified,
      mac,
      rule: rules[0] ?? DEFAULT_RULE,
      macOnlyEncrypted: get(sops, "mac_only_encrypted") === true,
      version: str("version") ?? "",
    },
  };
}

function ruleEntry(rule: CryptRule): [string, string] {
  if ("unencryptedSuffix" in rule) return ["unencrypted_suffix", rule.unencryptedSuffix];
  if ("encryptedSuffix" in rule) return ["encrypted_suffix", rule.encryptedSuffix];
  if ("unencryptedRegex" in rule) return ["unencrypted_regex", rule.unencryptedRegex];
  return ["encrypted_regex", rule.encryptedRegex];
}

/** Go's time.RFC3339 rendering, which SOPS uses as the MAC's additional data. */
function rfc3339(date: Date): string {
  return date.toISOString().replace(/\.\d+Z$/, "Z");
}

const normaliseTimestamp = (text: string): string => text.replace(/\.\d+(?=Z|[+-]\d\d:\d\d$)/, "");

const pathData = (path: readonly string[]): string => `${path.join(":")}:`;

export interface EncryptOptions {
  recipients: readonly string[];
  rule: CryptRule;
  now: Date;
}

/** Encrypts a plaintext document for the recipients and renders the SOPS YAML file. */
export async function encryptSops(doc: SopsMap, opts: EncryptOptions): Promise<string> {
  if (opts.recipients.length === 0) throw new SopsError("no age recipient to encrypt for");
  const dataKey = randomBytes(32);
  const hash = createHash("sha512");
  const tree = mapLeaves(doc, (leaf, path) => {
    hash.update(leafBytes(leaf), "utf8");
    if (!shouldEncrypt(opts.rule, path) || leaf === "") return leaf;
    return encryptValue(leaf, dataKey, pathData(path));
  }) as SopsMap;
  const lastModified = rfc3339(opts.now);
  const mac = encryptValue(hash.digest("hex").toUpperCase(), dataKey, lastModified);
  const age: { recipient: string; enc: string }[] = [];
  for (const recipient of [...opts.recipients].sort()) {
    const e = new Encrypter();
    e.addRecipient(recipient);
    age.push({ recipient, enc: armor.encode(await e.encrypt(dataKey)) });
  }
  const [ruleKey, ruleValue] = ruleEntry(opts.rule);
  const sops = { age, lastmodified: lastModified, mac, [ruleKey]: ruleValue, version: SOPS_VERSION };
  const out = new Document({ ...(toPlain(tree) as Record<string, unknown>), sops });
  // Unquoted, Go's YAML decoder would read the timestamp as a time rather than the string SOPS expects.
  const stamp = out.getIn(["sops", "lastmodified"], true);
  if (isScalar(stamp)) stamp.type = "QUOTE_DOUBLE";
  return out.toString({ lineWidth: 0, blockQuote: "literal", indent: 4 });
}

/** Decrypts a SOPS file with any of the age identities; verifies the MAC. */
export async function decryptSops(text: string, identities: readonly string[]): Promise<SopsFile> {
  const file = readSopsFile(text);
  const dataKey = await openDataKey(file.metadata, identities);
  const { rule, macOnlyEncrypted } = file.metadata;
  const hash = createHash("sha512");
  if (macOnlyEncrypted) hash.update(MAC_ONLY_ENCRYPTED_INIT);
  const tree = mapLeaves(file.tree, (leaf, path) => {
    const encrypted = shouldEncrypt(rule, path);
    let plain = leaf;
    if (encrypted && leaf !== "") {
      if (typeof leaf !== "string") throw new SopsError(`${path.join(".")}: expected an encrypted value`);
      try {
        plain = decryptValue(leaf, dataKey, pathData(path));
      } catch {
        throw new SopsError(`${path.join(".")}: the value does not decrypt (tampered with, or moved)`);
      }
    }
    if (!macOnlyEncrypted || encrypted) hash.update(leafBytes(plain), "utf8");
    return plain;
  }) as SopsMap;
  let fileMac: string;
  try {
    fileMac = String(
      decryptValue(file.metadata.mac, dataKey, normaliseTimestamp(file.metadata.lastModified)),
    );
  } catch {
    throw new SopsError("the MAC does not decrypt: the metadata was tampered with");
  }
  if (fileMac !== hash.digest("hex").toUpperCase())
    throw new SopsError("MAC mismatch: the file was modified without its key");
  return { tree, metadata: file.metadata };
}

async function openDataKey(metadata: SopsMetadata, identities: readonly string[]): Promise<Uint8Array> {
  if (identities.length === 0) throw new SopsError("no age identity to decrypt with");
  for (const entry of metadata.age) {
    const d = new Decrypter();
    for (const id of identities) d.addIdentity(id);
    try {
      const key = await d.decrypt(armor.decode(entry.enc));
      if (key.length === 32) return key;
    } catch {
      // Not this recipient's copy: try the next one.
    }
  }
  const who = metadata.age.map((a) => a.recipient).join(", ") || "no age recipient";
  throw new SopsError(`none of the given identities opens this file (it is encrypted for ${who})`);
}

/** The value at a path of map keys in a decrypted tree. */
export function valueAt(tree: SopsNode, path: readonly string[]): SopsNode | undefined {
  let node: SopsNode | undefined = tree;
  for (const key of path) node = node !== undefined && isSopsMap(node) ? get(node, key) : undefined;
  return node;
}
