// `hlab build`: model → secret requests → the encrypted store (created where missing) → every
// generator → Kubernetes schema validation → the output tree. Everything is computed in memory
// first; nothing is written while any error stands, and nothing is written at all with --dry-run.
import { join } from "node:path";
import type { Code } from "../diagnostic/codes.js";
import { diagnosticAt, sortDiagnostics, type Diagnostic } from "../diagnostic/diagnostic.js";
import type { Model } from "../model/model.js";
import { emitTree, type EmitResult } from "../emit/emit-tree.js";
import { outputRoot } from "../emit/out-root.js";
import { secretFilePath, secretNameOf, sopsExtractPath } from "../artifact/secret-layout.js";
import { ensureSecrets } from "../secrets/store.js";
import type { GenerateContext, GeneratedFile, SecretInstall, SecretRequest } from "../artifact/artifact.js";
import { validateManifests } from "../generate/cluster/validate-manifests.js";
import { generateAll, secretRequests } from "./registry.js";

/** Which guests and Proxmox hosts need each installed secret: those whose generated files name its path. */
export function secretInstalls(
  requests: readonly SecretRequest[],
  files: readonly GeneratedFile[],
): SecretInstall[] {
  return requests.flatMap((req) => {
    if (!req.installPath) return [];
    const targets = new Map<string, SecretInstall["targets"][number]>();
    for (const f of files) {
      const m = /^(nodes|proxmox)\/([^/]+)\//.exec(f.path);
      if (!m || !f.content.includes(req.installPath)) continue;
      const target = { kind: m[1] === "nodes" ? ("guest" as const) : ("host" as const), name: m[2]! };
      if (target.name.startsWith("_")) continue; // proxmox/_cluster/ is cluster-wide, not a host
      targets.set(`${target.kind}:${target.name}`, target);
    }
    const sorted = [...targets.values()].sort((a, b) => (a.kind + a.name < b.kind + b.name ? -1 : 1));
    return [
      {
        name: req.name,
        installPath: req.installPath,
        file: secretFilePath(req.name),
        extract: sopsExtractPath(req),
        targets: sorted,
      },
    ];
  });
}

/**
 * Every generated file of the repository except the secret store, for a given context. Pure. Two
 * passes: the first finds which files reference each secret's install path, so the bootstrap
 * scripts of the second install each secret exactly where it is used.
 */
export function renderRepository(model: Model, ctx: GenerateContext): GeneratedFile[] {
  const first = generateAll(model, { publicKeys: ctx.publicKeys });
  const requests = secretRequests(model);
  return generateAll(model, {
    ...ctx,
    secretInstalls: secretInstalls(requests, first),
    kubernetesSecrets: requests.flatMap((r) =>
      r.kubernetes ? [{ file: secretFilePath(r.name), namespace: r.kubernetes.namespace }] : [],
    ),
  });
}

export interface BuildOptions {
  outDir: string;
  /** age recipients for secrets that must be created (resolved by the caller). */
  recipients: readonly string[];
  now: Date;
  dryRun?: boolean;
  /** Take over files hlab did not write that are where generated files go. */
  force?: boolean;
}

export interface BuildResult {
  diagnostics: Diagnostic[];
  /** Every file of the repository, the secret store included (encrypted). */
  files: GeneratedFile[];
  createdSecrets: string[];
  emit?: EmitResult;
  written: boolean;
}

const located = (code: Code, file: string, message: string, hint: string): Diagnostic =>
  diagnosticAt(code, { file, line: 0, column: 0 }, message, hint);

export async function build(model: Model, opts: BuildOptions): Promise<BuildResult> {
  const diagnostics: Diagnostic[] = [];
  const requests = secretRequests(model);
  // The real folder, refused when it is a file, a system folder or a pseudo-filesystem (UserError).
  const root = await outputRoot(opts.outDir, { create: false });
  const store = await ensureSecrets(requests, {
    outDir: root,
    recipients: opts.recipients,
    now: opts.now,
  });
  for (const p of store.problems) {
    diagnostics.push(located(p.code, join(opts.outDir, p.path), p.message, p.hint));
  }
  const generated = renderRepository(model, { publicKeys: store.publicKeys });
  for (const p of validateManifests(generated)) {
    diagnostics.push(
      located(
        "HL304",
        join(opts.outDir, p.file),
        `${p.object}: ${p.field ? `${p.field}: ` : ""}${p.message}`,
        "this is a bug in hlab's generator: please report it with the spec",
      ),
    );
  }
  const files = [...generated, ...store.files].sort((a, b) =>
    a.path < b.path ? -1 : a.path > b.path ? 1 : 0,
  );
  const clash = files.find((f, i) => i > 0 && files[i - 1]!.path === f.path);
  if (clash) throw new Error(`the secret store and a generator both wrote ${clash.path}`);
  const result: BuildResult = { diagnostics, files, createdSecrets: store.created, written: false };
  if (diagnostics.some((d) => d.severity === "error")) {
    result.diagnostics = sortDiagnostics(diagnostics);
    return result;
  }
  const emit = await emitTree(opts.outDir, files, {
    dryRun: opts.dryRun,
    force: opts.force,
    // No recipient resolved (no identity here, none in the spec) but every secret already exists:
    // the manifest keeps the recipients those secrets are encrypted for.
    recipients: requests.length && opts.recipients.length ? opts.recipients : undefined,
    preserve: (path) => {
      const name = secretNameOf(path);
      return name === undefined
        ? undefined
        : {
            code: "HL306",
            message: `secret \`${name}\` is no longer used by the spec; it is kept, since its value cannot be made again`,
            hint: `delete ${path} when you are sure (Git keeps a copy); a service that comes back reuses it`,
          };
    },
  });
  for (const issue of emit.issues)
    diagnostics.push(located(issue.code, join(opts.outDir, issue.path), issue.message, issue.hint));
  return { ...result, diagnostics: sortDiagnostics(diagnostics), emit, written: emit.written };
}
