// Offline validation of every Kubernetes manifest the build writes, before anything is written: built-in
// kinds against the Kubernetes 1.33 OpenAPI schemas (kubernetes-models), custom resources against the
// CRD schemas in crd-schemas/. Every problem names the file, the object and the field.
import { Namespace } from "kubernetes-models/v1/Namespace";
import { ConfigMap } from "kubernetes-models/v1/ConfigMap";
import { PersistentVolumeClaim } from "kubernetes-models/v1/PersistentVolumeClaim";
import { Secret } from "kubernetes-models/v1/Secret";
import { Service } from "kubernetes-models/v1/Service";
import { ServiceAccount } from "kubernetes-models/v1/ServiceAccount";
import { DaemonSet } from "kubernetes-models/apps/v1/DaemonSet";
import { Deployment } from "kubernetes-models/apps/v1/Deployment";
import { StatefulSet } from "kubernetes-models/apps/v1/StatefulSet";
import { CronJob } from "kubernetes-models/batch/v1/CronJob";
import { Job } from "kubernetes-models/batch/v1/Job";
import { Ingress } from "kubernetes-models/networking.k8s.io/v1/Ingress";
import { NetworkPolicy } from "kubernetes-models/networking.k8s.io/v1/NetworkPolicy";
import { PodDisruptionBudget } from "kubernetes-models/policy/v1/PodDisruptionBudget";
import { StorageClass } from "kubernetes-models/storage.k8s.io/v1/StorageClass";
import { parseAllDocuments } from "yaml";
import { formatPath, type PathSegment } from "../../diagnostic/diagnostic.js";
import type { GeneratedFile } from "../../artifact/artifact.js";
import { CRD_SCHEMAS } from "./crd-schemas/index.js";
import { checkValue, type SchemaError } from "./crd-schemas/structural-schema.js";
import { objectRef } from "./manifest.js";

export interface ManifestProblem {
  /** The generated file. */
  file: string;
  /** kind/name of the document in the file. */
  object: string;
  /** Dotted field path inside the object. */
  field: string;
  message: string;
}

interface AjvError {
  instancePath: string;
  keyword: string;
  message?: string;
  params: Record<string, unknown>;
}

interface Validatable {
  validate(): void;
}

/** A kubernetes-models class: built from an object's data, throws its schema's errors on validate(). */
type ModelClass = new (data: never) => Validatable;

/** The built-in kinds hlab writes, by `apiVersion/kind`. */
const BUILT_IN: ReadonlyMap<string, ModelClass> = new Map<string, ModelClass>([
  ["v1/Namespace", Namespace],
  ["v1/ConfigMap", ConfigMap],
  ["v1/PersistentVolumeClaim", PersistentVolumeClaim],
  ["v1/Secret", Secret],
  ["v1/Service", Service],
  ["v1/ServiceAccount", ServiceAccount],
  ["apps/v1/DaemonSet", DaemonSet],
  ["apps/v1/Deployment", Deployment],
  ["apps/v1/StatefulSet", StatefulSet],
  ["batch/v1/CronJob", CronJob],
  ["batch/v1/Job", Job],
  ["networking.k8s.io/v1/Ingress", Ingress],
  ["networking.k8s.io/v1/NetworkPolicy", NetworkPolicy],
  ["policy/v1/PodDisruptionBudget", PodDisruptionBudget],
  ["storage.k8s.io/v1/StorageClass", StorageClass],
]);

/** `/spec/template/spec/containers/0/image` → `spec.template.spec.containers[0].image`. */
function ajvPath(e: AjvError): string {
  const segments: PathSegment[] = e.instancePath
    .split("/")
    .slice(1)
    .map((s) => s.replace(/~1/g, "/").replace(/~0/g, "~"))
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
  if (e.keyword === "required" && typeof e.params["missingProperty"] === "string")
    segments.push(e.params["missingProperty"]);
  return formatPath(segments);
}

function builtInProblems(
  Model: ModelClass,
  data: Record<string, unknown>,
): { field: string; message: string }[] {
  try {
    // The class only copies the data in; validate() is what judges it.
    new Model(data as never).validate();
    return [];
  } catch (err) {
    const errors = (err as { errors?: AjvError[] }).errors;
    if (!errors) return [{ field: "", message: (err as Error).message }];
    return errors.map((e) => ({
      field: ajvPath(e),
      message: e.keyword === "required" ? "is required" : (e.message ?? e.keyword),
    }));
  }
}

const crdProblems = (errors: SchemaError[]): { field: string; message: string }[] =>
  errors.map((e) => ({ field: formatPath(e.path), message: e.message }));

function documentProblems(data: unknown): { object: string; field: string; message: string }[] {
  if (data === null || data === undefined) return [];
  if (typeof data !== "object" || Array.isArray(data))
    return [{ object: "?", field: "", message: "a manifest must be a map" }];
  const obj = data as Record<string, unknown>;
  // A SOPS-encrypted Secret: its values are ciphertext until decrypted, nothing to check here.
  if ("sops" in obj) return [];
  const object = objectRef(obj as { kind?: unknown; metadata?: { name?: unknown; namespace?: unknown } });
  const { apiVersion, kind } = obj;
  if (typeof apiVersion !== "string" || typeof kind !== "string") {
    return [
      { object, field: typeof apiVersion !== "string" ? "apiVersion" : "kind", message: "is required" },
    ];
  }
  const key = `${apiVersion}/${kind}`;
  const builtIn = BUILT_IN.get(key);
  const crd = CRD_SCHEMAS.get(key);
  const problems = builtIn
    ? builtInProblems(builtIn, obj)
    : crd
      ? crdProblems(checkValue(crd, obj))
      : undefined;
  if (!problems)
    return [{ object, field: "apiVersion", message: `no schema for ${key}: hlab does not know this kind` }];
  return problems.map((p) => ({ object, ...p }));
}

const isManifest = (f: GeneratedFile): boolean => f.path.startsWith("cluster/") && /\.ya?ml$/.test(f.path);

/** Checks every Kubernetes manifest among the files against the Kubernetes schemas and CRDs. */
export function validateManifests(files: readonly GeneratedFile[]): ManifestProblem[] {
  const problems: ManifestProblem[] = [];
  for (const file of files.filter(isManifest)) {
    for (const doc of parseAllDocuments(file.content)) {
      if (doc.errors.length > 0) {
        problems.push({
          file: file.path,
          object: "?",
          field: "",
          message: `not valid YAML: ${doc.errors[0]!.message.split("\n")[0]}`,
        });
        continue;
      }
      problems.push(...documentProblems(doc.toJS()).map((p) => ({ file: file.path, ...p })));
    }
  }
  return problems;
}

/** One line per problem: `cluster/apps/x.yaml: Application/argocd/x: spec.destination is required`. */
export const formatManifestProblem = (p: ManifestProblem): string =>
  `${p.file}: ${p.object}: ${p.field ? `${p.field} ` : ""}${p.message}`;
