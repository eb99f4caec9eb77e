/**
 * What to do about a warehouse sync that failed or skipped rows, from the words of its reason.
 * The API carries the loader's reason as text (no code), so the page matches the common kinds
 * and says so when it does not recognise one.
 */
const REMEDIES: { match: RegExp; remedy: string }[] = [
  {
    match: /has type|type mismatch|column type/i,
    remedy:
      'A property arrives with another type than its warehouse column. Send it with one type, or change or drop the column so the next sync can add it again.',
  },
  {
    match: /row size|oversized|too large/i,
    remedy: 'Some events are larger than a warehouse row may be. Trim large properties (long strings, arrays) at the source.',
  },
  {
    match: /column limit|too many columns/i,
    remedy: 'The table reached the warehouse’s column limit. Stop sending properties nobody queries, or let the destination skip them.',
  },
  { match: /out of range/i, remedy: 'A number does not fit its column. Send it as a string, or widen the column type in the warehouse.' },
  {
    match: /unreachable|timed out|timeout|connection/i,
    remedy: 'The warehouse could not be reached. Check its host, credentials and network allowlist; the next scheduled sync tries again.',
  },
  {
    match: /cancel|queue|quota|busy/i,
    remedy: 'The warehouse refused or cancelled the load job under load. Give loads more capacity or move the sync schedule to a quieter time.',
  },
  { match: /permission|denied|not allowed/i, remedy: 'The sync user may not write these tables. Grant it write access on the destination schema.' },
];

export function syncRemedy(reason: string | null | undefined): string | null {
  if (!reason) return null;
  return (
    REMEDIES.find((r) => r.match.test(reason))?.remedy ??
    'Read the warehouse’s own error for this load; fix the tables or the events it names, and the next sync loads the rows.'
  );
}
