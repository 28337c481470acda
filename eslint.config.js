// The rules that keep the pipeline honest: the library never reaches into the CLI, and only
// src/process/ may start processes or signal them (so the lab can account for every pid it owns).
import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["dist/", "node_modules/", "test/golden/", "**/*.js", "**/*.mjs"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      "@typescript-eslint/no-explicit-any": "error",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "no-restricted-syntax": [
        "error",
        { selector: "ExportDefaultDeclaration", message: "No default exports." },
      ],
    },
  },
  {
    files: ["src/**/*.ts"],
    ignores: ["src/process/**"],
    rules: {
      "no-restricted-properties": [
        "error",
        { property: "kill", message: "Only src/process/ signals processes (signalProcess, signalGroup)." },
      ],
    },
  },
  {
    files: ["src/**/*.ts"],
    ignores: ["src/cli/**", "src/process/**"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            { group: ["**/cli/*", "**/cli"], message: "The library never imports the CLI." },
            {
              group: ["node:child_process", "child_process"],
              message: "Only src/process/ spawns processes.",
            },
          ],
        },
      ],
    },
  },
  {
    files: ["src/cli/**/*.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              group: ["node:child_process", "child_process"],
              message: "Only src/process/ spawns processes.",
            },
          ],
        },
      ],
    },
  },
);
