/** "Did you mean" for a mistyped name: the known name closest to it. */

/** How far a name may be from the one meant, to be offered as a hint. */
const MAX_EDITS = 2;

/**
 * The known name within two edits of `name` (ignoring case), if exactly one is closest: a tie
 * would make the hint a guess.
 */
export function closest(name: string, candidates: readonly string[]): string | undefined {
  const distances = [...new Set(candidates)].map((candidate) => ({ candidate, distance: editDistance(name.toLowerCase(), candidate.toLowerCase()) }));
  const nearest = Math.min(...distances.map(({ distance }) => distance));
  const best = distances.filter(({ distance }) => distance === nearest && distance <= MAX_EDITS);
  return best.length === 1 ? best[0].candidate : undefined;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    previous = current;
  }
  return previous[b.length];
}
