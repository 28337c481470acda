// The subset of OpenAPI v3 that CRD structural schemas use, and a checker for it. Enough to hold a
// generated custom resource to its CRD offline: types, required fields, enums, patterns, int-or-string,
// free-form subtrees, and closed objects (an unknown field is an error, as `kubectl apply
// --validate=strict` reports it, instead of being silently pruned by the API server).

export type SchemaType = "object" | "array" | "string" | "integer" | "number" | "boolean";

export interface Schema {
  type?: SchemaType;
  properties?: Record<string, Schema>;
  required?: readonly string[];
  /** false: only the listed properties; a schema: every value of a map. Default: anything else allowed. */
  additionalProperties?: boolean | Schema;
  items?: Schema;
  enum?: readonly (string | number | boolean)[];
  pattern?: string;
  minimum?: number;
  minItems?: number;
  /** x-kubernetes-int-or-string */
  intOrString?: boolean;
  /** x-kubernetes-preserve-unknown-fields on a free-form value (Helm values, JSON blobs). */
  anyValue?: boolean;
}

export type SchemaPath = (string | number)[];

export interface SchemaError {
  path: SchemaPath;
  message: string;
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

function typeMatches(type: SchemaType, v: unknown): boolean {
  switch (type) {
    case "object":
      return isObject(v);
    case "array":
      return Array.isArray(v);
    case "string":
      return typeof v === "string";
    case "integer":
      return typeof v === "number" && Number.isInteger(v);
    case "number":
      return typeof v === "number";
    case "boolean":
      return typeof v === "boolean";
  }
}

const describe = (v: unknown): string =>
  Array.isArray(v) ? "an array" : v === null ? "null" : `a ${typeof v} (${JSON.stringify(v)})`;

function checkScalar(schema: Schema, value: unknown, path: SchemaPath): SchemaError[] {
  const errors: SchemaError[] = [];
  if (schema.enum && !schema.enum.includes(value as string | number | boolean)) {
    errors.push({
      path,
      message: `must be one of ${schema.enum.map((e) => JSON.stringify(e)).join(", ")}, not ${JSON.stringify(value)}`,
    });
  }
  if (schema.pattern !== undefined && typeof value === "string" && !new RegExp(schema.pattern).test(value)) {
    errors.push({ path, message: `must match ${schema.pattern}, not ${JSON.stringify(value)}` });
  }
  if (schema.minimum !== undefined && typeof value === "number" && value < schema.minimum) {
    errors.push({ path, message: `must be at least ${schema.minimum}` });
  }
  return errors;
}

function checkObject(schema: Schema, value: Record<string, unknown>, path: SchemaPath): SchemaError[] {
  const errors: SchemaError[] = [];
  for (const key of schema.required ?? []) {
    if (value[key] === undefined) errors.push({ path: [...path, key], message: "is required" });
  }
  for (const [key, v] of Object.entries(value)) {
    const prop = schema.properties?.[key];
    if (prop) errors.push(...checkValue(prop, v, [...path, key]));
    else if (schema.additionalProperties === false)
      errors.push({ path: [...path, key], message: "is not a field of this resource" });
    else if (isObject(schema.additionalProperties))
      errors.push(...checkValue(schema.additionalProperties, v, [...path, key]));
  }
  return errors;
}

/** Every way the value breaks the schema, each with the path of the field. */
export function checkValue(schema: Schema, value: unknown, path: SchemaPath = []): SchemaError[] {
  if (schema.anyValue) return [];
  if (schema.intOrString) {
    return typeof value === "string" || (typeof value === "number" && Number.isInteger(value))
      ? checkScalar(schema, value, path)
      : [{ path, message: `must be an integer or a string, not ${describe(value)}` }];
  }
  if (schema.type && !typeMatches(schema.type, value)) {
    return [
      {
        path,
        message: `must be ${schema.type === "integer" || schema.type === "array" || schema.type === "object" ? "an" : "a"} ${schema.type}, not ${describe(value)}`,
      },
    ];
  }
  if (Array.isArray(value)) {
    const errors: SchemaError[] =
      schema.minItems !== undefined && value.length < schema.minItems
        ? [{ path, message: `needs at least ${schema.minItems} item(s)` }]
        : [];
    return schema.items
      ? [...errors, ...value.flatMap((v, i) => checkValue(schema.items!, v, [...path, i]))]
      : errors;
  }
  if (isObject(value)) return checkObject(schema, value, path);
  return checkScalar(schema, value, path);
}

// Building blocks the CRD schemas share.

export const str: Schema = { type: "string" };
export const int: Schema = { type: "integer" };
export const bool: Schema = { type: "boolean" };
export const anyValue: Schema = { anyValue: true };
export const stringMap: Schema = { type: "object", additionalProperties: str };
export const strings: Schema = { type: "array", items: str };
export const enumOf = (...values: string[]): Schema => ({ type: "string", enum: values });

/** A closed object: listed fields only. `optional` lists the CRD's other fields, accepted unchecked. */
export const closed = (
  properties: Record<string, Schema>,
  required: readonly string[] = [],
  optional: readonly string[] = [],
): Schema => ({
  type: "object",
  properties: { ...Object.fromEntries(optional.map((k) => [k, anyValue])), ...properties },
  required,
  additionalProperties: false,
});

const DNS_SUBDOMAIN = "^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$";

const metadata = (namespaced: boolean): Schema =>
  closed(
    {
      name: { type: "string", pattern: DNS_SUBDOMAIN },
      namespace: str,
      labels: stringMap,
      annotations: stringMap,
    },
    namespaced ? ["name", "namespace"] : ["name"],
    ["finalizers", "generateName", "ownerReferences"],
  );

/** A whole custom resource: apiVersion, kind, metadata and the CRD's spec. */
export function customResource(
  apiVersion: string,
  kind: string,
  spec: Schema,
  opts: { namespaced: boolean; specRequired: boolean },
): Schema {
  return closed(
    { apiVersion: enumOf(apiVersion), kind: enumOf(kind), metadata: metadata(opts.namespaced), spec },
    opts.specRequired ? ["apiVersion", "kind", "metadata", "spec"] : ["apiVersion", "kind", "metadata"],
    ["status"],
  );
}
