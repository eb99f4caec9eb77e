/**
 * "Did you mean": the candidates closest to a misspelled id, so a NOT_FOUND answer can name
 * what the caller probably meant. Pure.
 */

/** Levenshtein distance (insertions, deletions, substitutions), case-insensitive. */
export function editDistance(a: string, b: string): number {
  const s = a.toLowerCase();
  const t = b.toLowerCase();
  let previous = Array.from({ length: t.length + 1 }, (_, j) => j);
  for (let i = 1; i <= s.length; i++) {
    const current = [i];
    for (let j = 1; j <= t.length; j++) {
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (s[i - 1] === t[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[t.length];
}

export const MAX_SUGGESTIONS = 5;

/**
 * Up to `max` candidates, closest first: those within a third of the input's length in edits
 * (at least 2), and those that contain the input or are contained in it (a missing prefix
 * such as `amplitude` for `dst_amplitude`). Ties go alphabetically.
 */
export function closeMatches(input: string, candidates: readonly string[], max = MAX_SUGGESTIONS): string[] {
  const needle = input.toLowerCase();
  const limit = Math.max(2, Math.floor(input.length / 3));
  return [...new Set(candidates)]
    .map((candidate) => {
      const hay = candidate.toLowerCase();
      const distance = editDistance(needle, hay);
      const contains = needle.length >= 3 && (hay.includes(needle) || needle.includes(hay));
      return { candidate, distance, close: distance <= limit || contains };
    })
    .filter((m) => m.close && m.candidate !== input)
    .sort((a, b) => a.distance - b.distance || a.candidate.localeCompare(b.candidate))
    .slice(0, max)
    .map((m) => m.candidate);
}
