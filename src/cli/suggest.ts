/**
 * The candidates closest to a mistyped word, for "Did you mean ...?": those at the smallest edit
 * distance, if it is small enough to be a typo (at most 2 edits, and at most half the word); else those
 * the word begins (`--reg`: --region, --registry-port).
 */
export function closestMatches(word: string, candidates: readonly string[]): string[] {
  const limit = Math.min(2, Math.floor(word.length / 2));
  const distances = candidates.map((candidate) => ({ candidate, distance: editDistance(word, candidate) }));
  const best = Math.min(limit, ...distances.map(({ distance }) => distance));
  const closest = distances.filter(({ distance }) => distance === best).map(({ candidate }) => candidate);
  if (closest.length > 0 || word.length < 3) return closest;
  return candidates.filter((candidate) => candidate.startsWith(word));
}

/** " Did you mean --port?" (or "--port or --region"), or nothing when no candidate is close. */
export function didYouMean(
  word: string,
  candidates: readonly string[],
  show: (candidate: string) => string = (candidate) => candidate
): string {
  const matches = closestMatches(word, candidates).map(show);
  return matches.length === 0 ? '' : ` Did you mean ${matches.join(' or ')}?`;
}

/** Optimal string alignment distance: insertions, deletions, substitutions and swaps of neighbours. */
export function editDistance(a: string, b: string): number {
  // rows[i][j]: distance between the first i characters of a and the first j of b.
  const rows = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0))
  );
  const at = (i: number, j: number) => rows[i]?.[j] ?? Infinity;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let distance = Math.min(at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        distance = Math.min(distance, at(i - 2, j - 2) + 1);
      }
      (rows[i] as number[])[j] = distance;
    }
  }
  return at(a.length, b.length);
}
