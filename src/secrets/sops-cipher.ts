// One value encrypted the way SOPS does it: AES-256-GCM under the file's data key, a 32-byte random
// IV, the value's path as additional data, and the tag kept apart from the ciphertext:
// ENC[AES256_GCM,data:<b64>,iv:<b64>,tag:<b64>,type:<str|int|float|bool>].
import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { leafBytes, type SopsScalar } from "./sops-tree.js";

const IV_BYTES = 32;
const TAG_BYTES = 16;
const ENC = /^ENC\[AES256_GCM,data:(.*),iv:(.+),tag:(.+),type:(.+)\]$/;

export const isEncryptedValue = (v: unknown): v is string => typeof v === "string" && ENC.test(v);

function typeOf(value: SopsScalar): string {
  if (typeof value === "string") return "str";
  if (typeof value === "boolean") return "bool";
  return Number.isInteger(value) ? "int" : "float";
}

export function encryptValue(value: SopsScalar, key: Uint8Array, additionalData: string): string {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv("aes-256-gcm", key, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(Buffer.from(additionalData, "utf8"));
  const data = Buffer.concat([cipher.update(leafBytes(value), "utf8"), cipher.final()]);
  const tag = cipher.getAuthTag();
  return `ENC[AES256_GCM,data:${data.toString("base64")},iv:${iv.toString("base64")},tag:${tag.toString("base64")},type:${typeOf(value)}]`;
}

/** Decrypts one value; throws when the key, the path or the value was tampered with. */
export function decryptValue(text: string, key: Uint8Array, additionalData: string): SopsScalar {
  const m = ENC.exec(text);
  if (!m) throw new Error("not a SOPS-encrypted value");
  const [, data, iv, tag, type] = m as unknown as [string, string, string, string, string];
  const decipher = createDecipheriv("aes-256-gcm", key, Buffer.from(iv, "base64"), {
    authTagLength: TAG_BYTES,
  });
  decipher.setAAD(Buffer.from(additionalData, "utf8"));
  decipher.setAuthTag(Buffer.from(tag, "base64"));
  const plain = Buffer.concat([decipher.update(Buffer.from(data, "base64")), decipher.final()]).toString(
    "utf8",
  );
  switch (type) {
    case "str":
      return plain;
    case "int":
    case "int64":
    case "float":
      return Number(plain);
    case "bool":
      return plain.toLowerCase() === "true";
    default:
      throw new Error(`unsupported SOPS value type ${type}`);
  }
}
