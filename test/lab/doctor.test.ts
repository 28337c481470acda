// `lab up` refuses before creating anything when a command it runs is missing, naming the Debian
// package; the lookup is checked here against a PATH that holds nothing but `sh`.
import assert from "node:assert/strict";
import { mkdtemp, rm, symlink } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { missingCommands } from "../../src/lab/doctor.js";
import { run } from "../../src/process/run.js";

test("missing commands are named with the Debian package that provides them", async () => {
  const sh = (await run("sh", ["-c", "command -v sh"])).stdout.trim();
  const bin = await mkdtemp(join(tmpdir(), "hlab-path-"));
  const saved = process.env.PATH;
  try {
    await symlink(sh, join(bin, "sh"));
    process.env.PATH = bin;
    assert.deepEqual(await missingCommands(["keepalived", "sh", "hlab-no-such-tool", "keepalived"]), [
      { cmd: "hlab-no-such-tool", pkg: undefined },
      { cmd: "keepalived", pkg: "keepalived" },
    ]);
  } finally {
    process.env.PATH = saved;
    await rm(bin, { recursive: true, force: true });
  }
});
