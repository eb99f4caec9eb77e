import type { ResolvedRange } from '../domain/time-range';
import type { CatalogService } from '../metrics/catalog.service';
import type { WorkspaceDb } from '../metrics/workspace-db';
import type { AlertRuleValue } from './rules';

/** The shapes every kind's measurement shares (measure.ts and the kinds measured in their own modules). */

/** What one evaluation of a rule saw. */
export interface Measurement {
  /**
   * The number compared with the threshold: a rate in percent (DELIVERY_RATE_BELOW,
   * DISCARD_RATE_ABOVE), a deviation in percent (SOURCE_VOLUME_ANOMALY), or a count
   * (SYNC_FAILURES, RETRY_PENDING_ABOVE), or a delivered share in percent (DESTINATION_QUIET).
   * Null when undefined (nothing to divide by).
   */
  value: number | null;
  /** The sample behind it: delivery attempts, received events, the window's volume, syncs, the gauge, or expected events. */
  volume: number;
  /** SOURCE_VOLUME_ANOMALY: the typical volume; else null. */
  baseline: number | null;
  /** The condition holds (the rule should be firing). */
  breach: boolean;
  /** The sample reaches minVolume; below it no transition happens, in either direction. */
  sufficient: boolean;
  /**
   * The counts the value was computed from, by name, in the order measured (DESTINATION_QUIET:
   * what arrived, what was filtered on purpose, what was expected, what was delivered). Absent
   * for the kinds whose value and volume say it all.
   */
  counts?: Record<string, number>;
  /** One sentence for people: what was measured, over which window, against which threshold. */
  detail: string;
}

/** What every kind's measurement starts from. */
export interface MeasureInput {
  wdb: WorkspaceDb;
  catalog: CatalogService;
  rule: AlertRuleValue;
  from: number;
  to: number;
  range: ResolvedRange;
  /** The window in words, e.g. "15 minutes". */
  w: string;
  /** Enough volume for the rule to judge (kinds without a guard always have it). */
  guard: (volume: number) => boolean;
  dest: string;
  /** The destination (and mapping) in words. */
  on: string;
}

/** A percent for people: two decimals at most, "undefined" when there was nothing to divide by. */
export const pct = (v: number | null) => (v === null ? 'undefined' : `${Math.round(v * 100) / 100}%`);
export const num = (v: number) => v.toLocaleString('en-US');
