// "Did you mean" for misspelt keys and references.

export function editDistance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0]!;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = prev[j]!;
      prev[j] = Math.min(prev[j]! + 1, prev[j - 1]! + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = tmp;
    }
  }
  return prev[b.length]!;
}

/** The closest candidate within a distance that scales with the word, or undefined. */
export function closest(word: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestD = Infinity;
  const lower = word.toLowerCase();
  for (const c of candidates) {
    const d = editDistance(lower, c.toLowerCase());
    if (d < bestD || (d === bestD && best !== undefined && c < best)) {
      best = c;
      bestD = d;
    }
  }
  const limit = Math.max(1, Math.floor(word.length / 3));
  return bestD <= limit ? best : undefined;
}

/** A hint sentence: "did you mean `x`?" or the list of what is allowed. */
export function didYouMean(word: string, candidates: readonly string[], what = "one of"): string {
  const c = closest(word, candidates);
  if (c !== undefined) return `did you mean \`${c}\`?`;
  if (candidates.length === 0) return "nothing is defined here yet";
  const shown = [...candidates].sort().slice(0, 12);
  return `${what} ${shown.map((s) => `\`${s}\``).join(", ")}${candidates.length > 12 ? ", ..." : ""}`;
}
