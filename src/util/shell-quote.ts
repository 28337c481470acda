// The one way a value enters a generated shell command. A word made only of characters no POSIX
// shell treats specially stays as it is (so scripts read naturally); anything else is put in single
// quotes, inside which nothing expands, with each `'` closed, escaped and reopened. The schema
// already refuses NUL (a C string ends there, so no quoting can carry it); meeting one here is a bug.

const SAFE = /^[A-Za-z0-9@%+=:,./_-]+$/;

/** `value` as one shell word that the shell reads back as exactly `value`. */
export function shellQuote(value: string): string {
  if (value.includes("\0")) throw new Error("a NUL byte cannot be passed in a shell word");
  if (SAFE.test(value)) return value;
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/** A command line: each word quoted, joined by spaces. */
export const shellWords = (...words: string[]): string => words.map(shellQuote).join(" ");
