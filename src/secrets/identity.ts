// age identities (private keys) and recipients (public keys). The identity file format is age's own
// (comment lines, then one AGE-SECRET-KEY-1... per line), so `age -d -i` and SOPS_AGE_KEY_FILE read
// the same file. Where the file lives is decided by the CLI, which alone reads the environment.
import { readFile } from "node:fs/promises";
import { isUserError, UserError } from "../diagnostic/user-error.js";
import { Encrypter, generateX25519Identity, identityToRecipient } from "age-encryption";

/** No usable age identity: the user's to fix (`hlab secrets init`, --identity). */
const identityError = (message: string, hint: string): UserError =>
  new UserError(message, hint, "no-identity");

export const isIdentityError = (err: unknown): err is UserError =>
  isUserError(err) && err.code === "no-identity";

/** A new X25519 identity (the kind SOPS and age 1.x both read) as file content, with its recipient. */
export async function createIdentity(now: Date): Promise<{ fileContent: string; recipient: string }> {
  const identity = await generateX25519Identity();
  const recipient = await identityToRecipient(identity);
  const created = now.toISOString().replace(/\.\d+Z$/, "Z");
  return { fileContent: `# created: ${created}\n# public key: ${recipient}\n${identity}\n`, recipient };
}

export function parseIdentities(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l.startsWith("AGE-SECRET-KEY-"));
}

/** The identities in a file; a clear error when it is missing or holds none. */
export async function loadIdentities(path: string): Promise<string[]> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (err) {
    const missing = (err as NodeJS.ErrnoException).code === "ENOENT";
    throw identityError(
      missing
        ? `no age identity at ${path}`
        : `cannot read the age identity ${path}: ${(err as Error).message}`,
      missing
        ? "create one with `hlab secrets init`, or pass --identity FILE"
        : "check the file's permissions",
    );
  }
  const ids = parseIdentities(text);
  if (ids.length === 0)
    throw identityError(
      `${path} holds no AGE-SECRET-KEY line`,
      "point --identity at an age identity file (age-keygen writes one)",
    );
  return ids;
}

export const recipientsOf = async (identities: readonly string[]): Promise<string[]> =>
  Promise.all(identities.map((id) => identityToRecipient(id)));

export interface RecipientChoice {
  recipients: string[];
  /** Where they came from, for messages: the spec or the identity file. */
  source: string;
}

/**
 * Who new secrets are encrypted for: the spec's `secrets.recipients` when given (a team, a CI key),
 * else the public key of the local identity.
 */
export async function resolveRecipients(
  specRecipients: readonly string[],
  identityPath: string,
): Promise<RecipientChoice> {
  if (specRecipients.length)
    return { recipients: [...specRecipients].sort(), source: "secrets.recipients in the spec" };
  try {
    return {
      recipients: (await recipientsOf(await loadIdentities(identityPath))).sort(),
      source: identityPath,
    };
  } catch (err) {
    if (isIdentityError(err)) {
      throw identityError(
        "no age recipient to encrypt secrets for",
        `run \`hlab secrets init\` to create ${identityPath}, or list age public keys under \`secrets.recipients\` in the spec`,
      );
    }
    throw err;
  }
}

/** bech32 without 1, b, i, o: what SOPS and age 1.x accept as an X25519 recipient. */
const X25519_RECIPIENT = /^age1[02-9ac-hj-np-z]{58}$/;

/** Why a string is not an age X25519 recipient, or undefined when it is one (checksum included). */
export function invalidRecipientReason(recipient: string): string | undefined {
  if (!X25519_RECIPIENT.test(recipient))
    return "not an age public key (`age1` and 58 more lower-case letters and digits)";
  try {
    new Encrypter().addRecipient(recipient);
  } catch {
    return "its checksum does not match (a typo?)";
  }
  return undefined;
}
