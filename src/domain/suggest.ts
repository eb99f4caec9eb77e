/**
 * "Did you mean": the candidates closest to a misspelled id, so a NOT_FOUND answer can name
 * what the caller probably meant. Pure.
 */

import { ID_MAX_LENGTH } from './ids';

/**
 * Levenshtein distance (insertions, deletions, substitutions), case-insensitive. With
 * `limit`, the work stops once the distance must exceed it (the answer is then limit + 1):
 * a row whose smallest value is over the limit can only grow.
 */
export function editDistance(a: string, b: string, limit = Infinity): number {
  const s = a.toLowerCase();
  const t = b.toLowerCase();
  if (Math.abs(s.length - t.length) > limit) return limit + 1;
  let previous = Array.from({ length: t.length + 1 }, (_, j) => j);
  for (let i = 1; i <= s.length; i++) {
    const current = [i];
    let smallest = i;
    for (let j = 1; j <= t.length; j++) {
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (s[i - 1] === t[j - 1] ? 0 : 1));
      smallest = Math.min(smallest, current[j]);
    }
    if (smallest > limit) return limit + 1;
    previous = current;
  }
  return previous[t.length];
}

export const MAX_SUGGESTIONS = 5;
/** Candidates compared at most: a workspace's catalog is far smaller; the bound keeps a request's work bounded anyway. */
const MAX_CANDIDATES = 10_000;

/**
 * Up to `max` candidates, closest first: those within a third of the input's length in edits
 * (at least 2), and those that contain the input or are contained in it (a missing prefix
 * such as `amplitude` for `dst_amplitude`). Ties go alphabetically.
 */
export function closeMatches(input: string, candidates: readonly string[], max = MAX_SUGGESTIONS): string[] {
  // No id is longer: nothing can be close, and the comparisons would cost its length squared.
  if (input.length > ID_MAX_LENGTH) return [];
  const needle = input.toLowerCase();
  const limit = Math.max(2, Math.floor(input.length / 3));
  return [...new Set(candidates)]
    .slice(0, MAX_CANDIDATES)
    .map((candidate) => {
      const hay = candidate.toLowerCase();
      const contains = needle.length >= 3 && (hay.includes(needle) || needle.includes(hay));
      // One containing the other is exactly their length difference apart.
      const distance = contains ? Math.abs(hay.length - needle.length) : editDistance(needle, hay, limit);
      return { candidate, distance, close: distance <= limit || contains };
    })
    .filter((m) => m.close && m.candidate !== input)
    .sort((a, b) => a.distance - b.distance || a.candidate.localeCompare(b.candidate))
    .slice(0, max)
    .map((m) => m.candidate);
}
