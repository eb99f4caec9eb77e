/** The three ways a step's change is reported (see DESIGN.md, "Semantics"). */
export interface Change {
  /** count now − count before. */
  count: number | null;
  /** (now − before) / before × 100; null when before is 0. */
  relativePercent: number | null;
  /** share now − share before, in percentage points; null when either share is undefined. */
  percentagePoints: number | null;
}

/** Percent of Successfully received (0–100); null when nothing was received. */
export function shareOf(count: number, received: number): number | null {
  return received > 0 ? (count / received) * 100 : null;
}

export function changeOf(now: number, before: number, receivedNow: number, receivedBefore: number): Change {
  const shareNow = shareOf(now, receivedNow);
  const shareBefore = shareOf(before, receivedBefore);
  return {
    count: now - before,
    relativePercent: before > 0 ? ((now - before) / before) * 100 : null,
    percentagePoints: shareNow !== null && shareBefore !== null ? shareNow - shareBefore : null,
  };
}

export const NO_CHANGE: Change = { count: null, relativePercent: null, percentagePoints: null };
