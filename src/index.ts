// The library: everything the CLI does is available here without it.
export { defineHomelab, loadSpecFile, loadSpecText, checkSpecValue, type LoadResult } from "./spec/load.js";
export type { Spec, ParsedSpec } from "./spec/schema.js";
export { jsonSchema } from "./spec/json-schema.js";
export type { Model } from "./model/model.js";
export type { Diagnostic, Severity } from "./diagnostic/diagnostic.js";
export { renderDiagnostics } from "./diagnostic/render.js";
export { CODES } from "./diagnostic/codes.js";
export { generateAll, GENERATORS } from "./generate/registry.js";
export type { GeneratedFile, Generator } from "./generate/artifact.js";
