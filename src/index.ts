// The library: everything the CLI does is available here without it.
export { defineHomelab, loadSpecFile, loadSpecText, checkSpecValue, type LoadResult } from "./spec/load.js";
export type { Spec, ParsedSpec } from "./spec/schema.js";
export { jsonSchema } from "./spec/json-schema.js";
export type { Model } from "./model/model.js";
export type { Diagnostic, Severity } from "./diagnostic/diagnostic.js";
export { renderDiagnostics } from "./diagnostic/render.js";
export { CODES } from "./diagnostic/codes.js";
export { generateAll, GENERATORS } from "./pipeline/registry.js";
export type { GeneratedFile, Generator } from "./artifact/artifact.js";
export { planModel, type PlanOptions } from "./analyze/plan.js";
export { whatIf } from "./analyze/what-if.js";
export { compare } from "./analyze/compare.js";
export type * from "./analyze/plan-report.js";
export { build, renderRepository, type BuildOptions, type BuildResult } from "./pipeline/build.js";
export { listSecrets, readSecretValue, rotateSecret } from "./secrets/store.js";
