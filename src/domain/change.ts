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

/** A count in the range and in the period before it. */
export interface Period {
  now: number;
  before: number;
}

/**
 * One segment's part (an app version, an event name) in the movement of a rate, in
 * percentage points. The rate is count / received; the whole moved by
 * C₁/R₁ − C₀/R₀. A segment's part is
 *
 *   (c₁/R₁ − c₀/R₀) − r₀ · (w₁ − w₀),   r₀ = C₀/R₀,  w = r/R (its share of received),
 *
 * its own share-point change minus what its change in volume alone would have brought at
 * the old overall rate. The parts of segments that split received add up to the whole's
 * change exactly; a segment whose volume grew at an unchanged rate gets 0, one whose rate
 * jumped gets the jump weighted by its volume. Null when either period received nothing.
 */
export function rateContributionPoints(segment: { count: Period; received: Period }, whole: { count: Period; received: Period }): number | null {
  const r1 = whole.received.now;
  const r0 = whole.received.before;
  if (r1 <= 0 || r0 <= 0) return null;
  const oldRate = whole.count.before / r0;
  const ownChange = segment.count.now / r1 - segment.count.before / r0;
  const volumeChange = segment.received.now / r1 - segment.received.before / r0;
  return (ownChange - oldRate * volumeChange) * 100;
}
