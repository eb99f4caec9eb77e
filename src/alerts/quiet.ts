import type { DestinationKind, ReportStep } from '../domain/steps';
import { num, pct } from './measure.types';

/**
 * DESTINATION_QUIET, the pure part: what "events keep arriving" and "it delivers" mean for
 * each destination kind, and the share, verdict and explanation computed from the counts.
 * The silent failure it catches: events keep coming in, nothing (or nearly nothing) goes out,
 * and no step reports a failure loud enough for the other kinds to notice.
 */

/** The name of the count that says events keep arriving: the first box of the kind's pipeline. */
export type QuietEntry = 'received' | 'extracted' | 'computed';

interface QuietMeaning {
  /**
   * Streaming kinds: Successfully received, summed over the destination's connected sources.
   * Reverse ETL and audience destinations have no streaming sources; their first box is
   * destination-side (records a sync run extracted, membership changes computed for it).
   */
  entry: QuietEntry;
  /** Steps that take events out on purpose; what they took is not expected to be delivered. */
  filters: readonly ReportStep[];
  /**
   * `delivered`: the kind's Successful delivery (reports). `rowsSynced`: storage destinations
   * deliver through syncs, so what reached the warehouse is the rows their syncs loaded;
   * events turned into rows that no sync loads are still quiet.
   */
  delivered: 'delivered' | 'rowsSynced';
  /** How the sentence names what arrived, and what went out. */
  words: { entry: string; delivered: string };
}

const STREAMING: QuietMeaning = {
  entry: 'received',
  filters: ['filtered_source', 'filtered_destination'],
  delivered: 'delivered',
  words: { entry: 'events its sources received', delivered: 'delivered' },
};

export const QUIET_MEANINGS: Record<DestinationKind, QuietMeaning> = {
  classic: STREAMING,
  actions: STREAMING,
  storage: { ...STREAMING, delivered: 'rowsSynced', words: { entry: 'events its sources received', delivered: 'rows loaded by its syncs' } },
  retl: {
    entry: 'extracted',
    filters: ['filtered_destination'],
    delivered: 'delivered',
    words: { entry: 'records its sync runs extracted', delivered: 'delivered' },
  },
  audience: {
    entry: 'computed',
    filters: ['filtered_destination'],
    delivered: 'delivered',
    words: { entry: 'membership changes computed for it', delivered: 'delivered' },
  },
};

/** What was counted over the window. */
export interface QuietCounts {
  /** The entry count (see QuietMeaning.entry). */
  entry: number;
  /** Taken out on purpose by the kind's filters. */
  filtered: number;
  /** Delivered events, records or changes; rows loaded by syncs for storage destinations. */
  delivered: number;
}

export interface QuietVerdict {
  /** delivered / expected × 100, at most 100 (a storage event can become several rows); null when nothing was expected. */
  share: number | null;
  /** entry − filtered, never below 0: the sample minVolume guards. */
  expected: number;
  breach: boolean;
  /** The counts by name, as alert events carry them: `received|extracted|computed`, filtered, expected, `delivered|rowsSynced`. */
  counts: Record<string, number>;
  /** The sentence, neutral enough to follow "Recovered: ". */
  detail: string;
}

/** Judges one window's counts for a destination of `kind` against `threshold` percent. */
export function judgeQuiet(kind: DestinationKind, c: QuietCounts, threshold: number, destinationId: string, windowWords: string): QuietVerdict {
  const meaning = QUIET_MEANINGS[kind];
  const expected = Math.max(0, c.entry - c.filtered);
  const share = expected > 0 ? Math.min(100, (c.delivered / expected) * 100) : null;
  const counts = { [meaning.entry]: c.entry, filtered: c.filtered, expected, [meaning.delivered]: c.delivered };
  const detail =
    `delivered share of ${destinationId} is ${pct(share)} over the last ${windowWords}: ` +
    `${num(c.entry)} ${meaning.words.entry}, ${num(c.filtered)} filtered on purpose, ${num(expected)} expected, ` +
    `${num(c.delivered)} ${meaning.words.delivered} (alert below ${threshold}%)`;
  // Nothing expected is not silence: an idle source, or filters that take everything (DISCARD_RATE_ABOVE watches those).
  return { share, expected, breach: share !== null && share < threshold, counts, detail };
}
