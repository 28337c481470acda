// `hlab secrets`: the encrypted store of a built repository. init makes the user's age identity;
// list reads only public metadata; show, update-keys need the identity; rotate needs only the
// recipients. This file is where the environment decides where the identity lives.
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import type { Command } from "commander";
import { readOutputManifest, replaceOwnedFiles } from "../emit/emit-tree.js";
import { outputRoot } from "../emit/out-root.js";
import { writeNewFile } from "../emit/write.js";
import { createIdentity, invalidRecipientReason, loadIdentities, recipientsOf } from "../secrets/identity.js";
import { SopsError } from "../secrets/sops-file.js";
import {
  listSecrets,
  readPublicKey,
  readSecretValue,
  reencryptSecret,
  rotateSecret,
} from "../secrets/store.js";
import { EXIT_FINDINGS, EXIT_OK, UsageError, type Io } from "./output.js";

/** $XDG_CONFIG_HOME/hlab/age.key, the identity `hlab secrets init` creates. */
export function defaultIdentityPath(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_CONFIG_HOME || join(env.HOME ?? ".", ".config");
  return join(base, "hlab", "age.key");
}

/** --identity, else SOPS_AGE_KEY_FILE (what sops itself reads), else hlab's default. */
export function identityPath(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  return flag ?? env.SOPS_AGE_KEY_FILE ?? defaultIdentityPath(env);
}

async function identities(flag: string | undefined): Promise<string[]> {
  return loadIdentities(identityPath(flag));
}

/** The real path of the repository: every store path is resolved under it, never through a link. */
async function requireOut(out: string | undefined): Promise<string> {
  if (!out)
    throw new UsageError(
      "which repository? pass --out DIR (the folder hlab build wrote)",
      "for example: hlab secrets list --out ./homelab",
    );
  if (!existsSync(out)) throw new UsageError(`${out} does not exist`, "pass the folder hlab build wrote");
  return outputRoot(out, { create: false });
}

/** Recipients checked before anything is encrypted: a typo is a usage error, not a crash. */
function checkRecipients(recipients: readonly string[], from: string): void {
  for (const r of recipients) {
    const why = invalidRecipientReason(r);
    if (why)
      throw new UsageError(
        `${from} ${r.slice(0, 100)}: ${why}`,
        "copy it again from `hlab secrets init` (or `age-keygen -y KEYFILE`)",
      );
  }
}

/** Store errors (a wrong identity, a tampered file) are the user's to fix: a message, exit 1. */
async function guarded(io: Io, setExit: (code: number) => void, body: () => Promise<void>): Promise<void> {
  try {
    await body();
  } catch (err) {
    if (err instanceof SopsError) {
      io.err(`hlab: ${err.message}`);
      return setExit(EXIT_FINDINGS);
    }
    throw err;
  }
}

export function registerSecrets(program: Command, io: Io, setExit: (code: number) => void): void {
  const secrets = program
    .command("secrets")
    .description("the encrypted secret store of a built repository (SOPS + age)");

  secrets
    .command("init")
    .description("create your age identity (private key, mode 0600) and print its public recipient")
    .option("--identity <file>", "where to write it (default: $XDG_CONFIG_HOME/hlab/age.key)")
    .option("--json", "print JSON")
    .action(async (opts: { identity?: string; json?: boolean }) => {
      const path = resolve(opts.identity ?? defaultIdentityPath());
      let recipient: string;
      let created = false;
      if (existsSync(path)) {
        recipient = (await recipientsOf(await identities(path)))[0]!;
      } else {
        const made = await createIdentity(new Date());
        await writeNewFile(path, made.fileContent, 0o600);
        recipient = made.recipient;
        created = true;
      }
      if (opts.json) io.out(JSON.stringify({ identity: path, recipient, created }, null, 2));
      else {
        io.out(recipient);
        io.err(
          created
            ? `created ${path} (keep it safe and backed up: without it the secrets cannot be read)`
            : `${path} already exists; its recipient is above`,
        );
        io.err(
          "  = hint: to let others (or CI) read the secrets too, list every recipient under `secrets.recipients` in the spec",
        );
      }
      setExit(EXIT_OK);
    });

  secrets
    .command("list")
    .description("list the secrets with their kind and recipients (no identity needed)")
    .option("--out <dir>", "the repository hlab build wrote")
    .option("--json", "print JSON")
    .action(async (opts: { out?: string; json?: boolean }) => {
      const out = await requireOut(opts.out);
      const { secrets: list, unreadable } = await listSecrets(out);
      if (opts.json) io.out(JSON.stringify({ secrets: list, unreadable }, null, 2));
      else {
        for (const s of list) {
          const where =
            s.shape.kind === "kubernetes"
              ? `Secret ${s.shape.namespace}/${s.shape.name} key ${s.shape.key}`
              : "file";
          io.out(`${s.name}\t${s.kind}\t${where}\t${s.recipients.join(",")}\t${s.lastModified}`);
        }
        for (const u of unreadable) io.err(`hlab: ${u.path}: ${u.reason}`);
        if (!list.length && !unreadable.length) io.err(`no secrets in ${join(out, "secrets")}`);
      }
      setExit(unreadable.length ? EXIT_FINDINGS : EXIT_OK);
    });

  secrets
    .command("show")
    .description("print a secret's value (needs your identity)")
    .argument("<name>", "the secret, as `hlab secrets list` names it")
    .option("--out <dir>", "the repository hlab build wrote")
    .option(
      "--identity <file>",
      "age identity file (default: $SOPS_AGE_KEY_FILE, else $XDG_CONFIG_HOME/hlab/age.key)",
    )
    .option("--public", "for a key pair: print the public key instead")
    .action(async (name: string, opts: { out?: string; identity?: string; public?: boolean }) => {
      const out = await requireOut(opts.out);
      await guarded(io, setExit, async () => {
        const ids = opts.public ? [] : await identities(opts.identity);
        io.out(opts.public ? await readPublicKey(out, name, ids) : await readSecretValue(out, name, ids));
        setExit(EXIT_OK);
      });
    });

  secrets
    .command("rotate")
    .description("give a secret a new value, encrypted for its current recipients (or --recipient ones)")
    .argument("<name>", "the secret")
    .option("--out <dir>", "the repository hlab build wrote")
    .option(
      "--recipient <age1...>",
      "encrypt for this recipient (repeatable)",
      (v: string, acc: string[]) => [...acc, v],
      [] as string[],
    )
    .action(async (name: string, opts: { out?: string; recipient: string[] }) => {
      const out = await requireOut(opts.out);
      checkRecipients(opts.recipient, "--recipient");
      await guarded(io, setExit, async () => {
        const files = await rotateSecret(out, name, opts.recipient, new Date());
        await replaceOwnedFiles(out, files);
        io.err(
          `rotated ${name}: run \`hlab build\` again (public keys and configs follow), then phase 3 of the README to install it`,
        );
        setExit(EXIT_OK);
      });
    });

  secrets
    .command("update-keys")
    .description(
      "re-encrypt every secret for the recipients of the last build (or --recipient ones); values unchanged",
    )
    .option("--out <dir>", "the repository hlab build wrote")
    .option("--identity <file>", "an age identity that opens the secrets today")
    .option(
      "--recipient <age1...>",
      "encrypt for this recipient (repeatable)",
      (v: string, acc: string[]) => [...acc, v],
      [] as string[],
    )
    .action(async (opts: { out?: string; identity?: string; recipient: string[] }) => {
      const out = await requireOut(opts.out);
      await guarded(io, setExit, async () => {
        checkRecipients(opts.recipient, "--recipient");
        let recipients = opts.recipient;
        if (!recipients.length) {
          recipients = (await readOutputManifest(out).catch(() => undefined))?.recipients ?? [];
          checkRecipients(recipients, "the last build's recipient (in .hlab/manifest.json)");
        }
        if (!recipients.length)
          throw new UsageError(
            "no recipients to encrypt for",
            "pass --recipient age1... (repeatable), or run hlab build first",
          );
        const ids = await identities(opts.identity);
        const { secrets: list } = await listSecrets(out);
        const files = [];
        for (const s of list) files.push(await reencryptSecret(out, s.name, ids, recipients, new Date()));
        await replaceOwnedFiles(out, files);
        io.err(
          `re-encrypted ${files.length} secret${files.length === 1 ? "" : "s"} for ${[...recipients].sort().join(", ")}`,
        );
        setExit(EXIT_OK);
      });
    });
}
