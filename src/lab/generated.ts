// The configs `hlab build` generates, as the lab runs them. WireGuard is not rehearsed, so its
// public keys are fixed dummies; secrets a config reads from a file get a throwaway value that
// lives only in the lab's run directory and is never printed.
import { randomBytes } from "node:crypto";
import type { GenerateContext, GeneratedFile, SecretRequest } from "../artifact/artifact.js";
import { generateAll, secretRequests } from "../pipeline/registry.js";
import type { Model } from "../model/model.js";

/** A valid-looking Curve25519 public key (32 zero bytes): the lab never brings WireGuard up. */
export const DUMMY_PUBLIC_KEY = Buffer.alloc(32).toString("base64");

export function labGenerateContext(model: Model): GenerateContext {
  const keys = secretRequests(model)
    .filter((s) => s.kind === "wireguard-key")
    .map((s) => [s.name, DUMMY_PUBLIC_KEY] as const);
  return { publicKeys: new Map(keys) };
}

export interface Generated {
  files: GeneratedFile[];
  secrets: SecretRequest[];
}

export function labGenerated(model: Model): Generated {
  return { files: generateAll(model, labGenerateContext(model)), secrets: secretRequests(model) };
}

/** Files generated for one machine: `nodes/<guest>` or `proxmox/<host>`, keyed by absolute path. */
export function filesOf(
  gen: Generated,
  root: "nodes" | "proxmox",
  machine: string,
  dir: string,
): Map<string, GeneratedFile> {
  const prefix = `${root}/${machine}${dir.endsWith("/") ? dir : dir + "/"}`;
  const out = new Map<string, GeneratedFile>();
  for (const f of gen.files)
    if (f.path.startsWith(prefix)) out.set(f.path.slice(`${root}/${machine}`.length), f);
  return out;
}

/** Throwaway secret values, one per secret name for the whole lab (every node must agree). */
export class ThrowawaySecrets {
  private readonly values = new Map<string, Buffer>();

  value(request: SecretRequest): Buffer {
    let v = this.values.get(request.name);
    if (!v) {
      v = throwaway(request);
      this.values.set(request.name, v);
    }
    return v;
  }

  /** A password only the lab uses (PostgreSQL's users), as text. */
  password(name: string): string {
    return this.value({ name: `lab/${name}`, kind: "password", description: "" })
      .toString()
      .trim();
  }

  /** Kept in the run directory (mode 0600) so later commands (`lab run`) can reach the databases. */
  toJSON(): Record<string, string> {
    return Object.fromEntries([...this.values.entries()].map(([k, v]) => [k, v.toString("base64")]));
  }

  static fromJSON(data: Record<string, string>): ThrowawaySecrets {
    const s = new ThrowawaySecrets();
    for (const [k, v] of Object.entries(data)) s.values.set(k, Buffer.from(v, "base64"));
    return s;
  }
}

function throwaway(request: SecretRequest): Buffer {
  // Corosync's key file is raw bytes; corosync-keygen writes 256 of them.
  if (request.installPath?.endsWith("/authkey")) return randomBytes(256);
  switch (request.kind) {
    case "hex32":
      return Buffer.from(randomBytes(32).toString("hex") + "\n");
    case "wireguard-key":
      return Buffer.from(randomBytes(32).toString("base64") + "\n");
    default:
      return Buffer.from(randomBytes(24).toString("base64url") + "\n");
  }
}

/**
 * Network settings from the generated sysctl.d files of a machine (`key=value`). Only `net.*` keys
 * are applied in a namespace: those are per-namespace (a global one is not even visible inside),
 * while anything else would change the whole machine; those are returned as skipped.
 */
export function sysctlSettings(
  gen: Generated,
  root: "nodes" | "proxmox",
  machine: string,
): { apply: string[]; skipped: string[] } {
  const apply: string[] = [];
  const skipped: string[] = [];
  for (const [, f] of [...filesOf(gen, root, machine, "/etc/sysctl.d").entries()].sort()) {
    for (const raw of f.content.split("\n")) {
      const line = raw.trim();
      if (!line || line.startsWith("#") || line.startsWith(";")) continue;
      const eq = line.indexOf("=");
      if (eq < 0) continue;
      const key = line.slice(0, eq).trim().replace(/^-/, "");
      const value = line.slice(eq + 1).trim();
      (key.startsWith("net.") ? apply : skipped).push(`${key}=${value}`);
    }
  }
  return { apply, skipped };
}
