// The JSON Schema editors use to complete and check homelab.yaml (yaml-language-server).
import { z } from "zod";
import { spec } from "./schema.js";

export function jsonSchema(): Record<string, unknown> {
  const s = z.toJSONSchema(spec, { target: "draft-7", io: "input", unrepresentable: "any" }) as Record<
    string,
    unknown
  >;
  return { ...s, title: "hlab homelab spec" };
}
