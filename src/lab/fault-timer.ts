// Ends one fault on schedule, detached from the terminal that injected it (`hlab lab chaos ...
// --for`): sleeps until the fault's end, then undoes it as `hlab lab chaos restore` would. Its pid is
// on the fault, so a restore before then, or `lab down`, stops it first; a closed terminal or a
// Ctrl-C in the one that injected the fault leaves the schedule as it was.
// Run: node fault-timer.js LAB FAULT END_EPOCH_MS, with the lab's HLAB_LAB_STATE_DIR.
import { restoreFaults } from "./chaos.js";
import { isLabId } from "./names.js";

const [lab, fault, end] = process.argv.slice(2);
const endMs = Number(end);
if (!lab || !isLabId(lab) || !fault || !Number.isFinite(endMs)) {
  process.stderr.write("usage: fault-timer.js LAB FAULT END_EPOCH_MS\n");
  process.exit(2);
}
// Timers cap at 2^31-1 ms (24.8 days): long faults sleep in steps.
while (Date.now() < endMs) await new Promise((r) => setTimeout(r, Math.min(endMs - Date.now(), 3_600_000)));
try {
  const undone = await restoreFaults(lab, [fault]);
  process.stdout.write(
    `${new Date().toISOString()} ${undone.length ? `restored ${fault}` : `${fault} was already restored`}\n`,
  );
} catch (err) {
  // The lab went down meanwhile (which stops this timer first, so this is a race lost): nothing to undo.
  process.stdout.write(`${new Date().toISOString()} ${fault} not restored: ${(err as Error).message}\n`);
}
