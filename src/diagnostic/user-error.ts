// A failure the user caused and can fix (a locked or missing lab, an unsafe output folder, a missing
// optional tool), as opposed to a bug. The library throws it; the CLI prints its message and hint and
// exits 2, never "internal error" (exit 70). The code is a closed set so callers, the dashboard and
// tests can tell them apart without matching on messages.

export type UserErrorCode =
  | "usage"
  | "input-too-large"
  | "unsafe-path"
  | "file-exists"
  | "not-found"
  | "lab-missing"
  | "lab-locked"
  | "lab-exists"
  | "no-free-address"
  | "missing-dependency"
  | "no-identity"
  | "bad-fault"
  | "timeout";

export class UserError extends Error {
  constructor(
    message: string,
    readonly hint: string,
    readonly code: UserErrorCode = "usage",
  ) {
    super(message);
    this.name = "UserError";
  }
}

export const isUserError = (e: unknown): e is UserError => e instanceof UserError;
