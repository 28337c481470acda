import { catalogName } from "./schema.js";

/** Services hlab knows how to deploy without an image of the user's. */
export const CATALOG_NAMES: readonly string[] = catalogName.options;
