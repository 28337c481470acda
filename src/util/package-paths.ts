// Where hlab's own shipped files are, whether it runs from dist/ or from an installed package.
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, "package.json"))) {
    const up = dirname(dir);
    if (up === dir) throw new Error("hlab's package.json not found");
    dir = up;
  }
  return dir;
}

export const examplesDir = (): string => join(packageRoot(), "examples");
