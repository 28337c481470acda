// A failure the user caused and can fix (a locked or missing lab, an unsafe output folder, a missing
// optional tool), as opposed to a bug. The library throws it; the CLI prints its message and hint and
// exits 2, never "internal error". The kind is a closed set so callers and tests can tell them apart.

export type UserErrorKind =
  | "usage"
  | "input-too-large"
  | "unsafe-path"
  | "file-exists"
  | "lab-missing"
  | "lab-locked"
  | "lab-exists"
  | "no-free-address"
  | "missing-dependency"
  | "timeout";

export class UserError extends Error {
  constructor(
    message: string,
    readonly hint?: string,
    readonly kind: UserErrorKind = "usage",
  ) {
    super(message);
    this.name = "UserError";
  }
}

export const isUserError = (e: unknown): e is UserError => e instanceof UserError;
