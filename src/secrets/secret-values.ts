// Fresh secret values by kind. Alphabets stay alphanumeric so a value never needs quoting in a
// config file or a shell; lengths give well over 128 bits of entropy.
import { createPrivateKey, createPublicKey, generateKeyPairSync, randomBytes, randomInt } from "node:crypto";
import type { SecretKind } from "../artifact/artifact.js";

const ALPHANUMERIC = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

function randomString(length: number): string {
  let out = "";
  for (let i = 0; i < length; i++) out += ALPHANUMERIC[randomInt(ALPHANUMERIC.length)];
  return out;
}

export interface SecretValue {
  value: string;
  /** For key pairs: the public half, which is not secret. */
  publicKey?: string;
}

export function generateSecret(kind: SecretKind): SecretValue {
  switch (kind) {
    case "token":
      return { value: randomString(48) };
    case "password":
      return { value: randomString(24) };
    case "hex32":
      // 32 random bytes, hex-encoded (64 characters).
      return { value: randomBytes(32).toString("hex") };
    case "wireguard-key": {
      const { privateKey, publicKey } = generateKeyPairSync("x25519");
      const d = privateKey.export({ format: "jwk" }).d!;
      const x = publicKey.export({ format: "jwk" }).x!;
      return {
        value: Buffer.from(d, "base64url").toString("base64"),
        publicKey: Buffer.from(x, "base64url").toString("base64"),
      };
    }
  }
}

/** PKCS#8 header of a raw X25519 private key (RFC 8410), so node:crypto can import the 32 bytes. */
const X25519_PKCS8_PREFIX = Buffer.from("302e020100300506032b656e04220420", "hex");

/** The WireGuard public key (base64) of a private key (base64), as `wg pubkey` computes it. */
export function wireguardPublicKey(privateKeyBase64: string): string {
  const raw = Buffer.from(privateKeyBase64, "base64");
  if (raw.length !== 32) throw new Error("a WireGuard private key is 32 bytes in base64");
  const key = createPrivateKey({
    key: Buffer.concat([X25519_PKCS8_PREFIX, raw]),
    format: "der",
    type: "pkcs8",
  });
  return Buffer.from(createPublicKey(key).export({ format: "jwk" }).x!, "base64url").toString("base64");
}
