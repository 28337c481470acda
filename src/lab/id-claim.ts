// Lab ids are unique on the machine, not only within one state directory: labs started with their
// own HLAB_LAB_STATE_DIR (tests, benches, another engineer) still share the kernel's namespace and
// interface names, and `lab down` deletes every name carrying its id. So an id is taken only when
// no namespace, link or state file carries it, and it is claimed by creating a file under a
// directory every lab on the machine shares, exclusively: two `lab up` at the same moment never get
// the same id. The claim names the state file that owns it and goes with the lab.
import { existsSync } from "node:fs";
import { mkdir, open, readFile, rm, stat } from "node:fs/promises";
import { join } from "node:path";
import { UserError } from "../diagnostic/user-error.js";
import { newLabId, ownsLink, ownsNamespace, type LabId } from "./names.js";
import { linkNames, listNamespaces } from "./netns.js";

/** Under /run, like the namespaces themselves: a reboot forgets both. Never per state directory. */
export const CLAIM_DIR = "/run/hlab/ids";
/** A claim whose lab left nothing anywhere for this long was made by an `up` that died at once. */
const STALE_CLAIM_MS = 60_000;
const ATTEMPTS = 64;

const claimPath = (id: LabId): string => join(CLAIM_DIR, id);

/** Whether anything on the machine carries `id`: a namespace, a root-namespace link. */
async function kernelUses(id: LabId): Promise<boolean> {
  const [namespaces, links] = await Promise.all([listNamespaces(), linkNames()]);
  return namespaces.some((ns) => ownsNamespace(id, ns)) || links.some((l) => ownsLink(id, l));
}

async function staleClaim(id: LabId): Promise<boolean> {
  const path = claimPath(id);
  const [owner, age] = await Promise.all([
    readFile(path, "utf8").catch(() => ""),
    stat(path).then(
      (s) => Date.now() - s.mtimeMs,
      () => 0,
    ),
  ]);
  return age > STALE_CLAIM_MS && !(owner && existsSync(owner)) && !(await kernelUses(id));
}

/**
 * A fresh lab id no lab on this machine uses, claimed for the state file `statePathOf(id)`.
 * `candidates` draws the ids to try (random by default; tests pass their own).
 */
export async function claimLabId(
  statePathOf: (id: LabId) => string,
  candidates: () => LabId = newLabId,
): Promise<LabId> {
  await mkdir(CLAIM_DIR, { recursive: true });
  for (let i = 0; i < ATTEMPTS; i++) {
    const id = candidates();
    if (existsSync(statePathOf(id)) || (await kernelUses(id))) continue;
    try {
      const h = await open(claimPath(id), "wx", 0o600);
      await h.writeFile(statePathOf(id));
      await h.close();
      return id;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
      // Dropped only; the next round draws again, so two cleaners never both take it.
      if (await staleClaim(id)) await rm(claimPath(id), { force: true });
    }
  }
  throw new UserError(
    `no free lab id after ${ATTEMPTS} tries`,
    `too many labs (or their leftovers) on this machine: \`ip netns list\` and ${CLAIM_DIR} show them; take some down`,
    "no-free-address",
  );
}

/** Gives the id back, if the claim is the one `statePath` made (never another lab's). */
export async function releaseLabId(id: LabId, statePath: string): Promise<void> {
  const owner = await readFile(claimPath(id), "utf8").catch(() => undefined);
  if (owner === statePath) await rm(claimPath(id), { force: true });
}
