import { rateContributionPoints, type Period } from '../domain/change';
import type { ReportStep } from '../domain/steps';

export interface ContributorValue {
  dimension: 'EVENT_NAME' | 'APP_VERSION';
  value: string;
  count: number;
  previousCount: number;
  /** count − previousCount, in events. */
  delta: number;
  /** This value's part in the mover's percentage-point change (rateContributionPoints); null when a period received nothing. */
  percentagePoints: number | null;
}

/** What ranking needs of a mover: its step and reason, its counts and its percentage-point change. */
export interface MoverCounts {
  step: ReportStep;
  reason: string | null;
  count: number;
  previousCount: number;
  percentagePoints: number | null;
}

/** One row of the insights' second query: a step (and reason) counted for one event name or app version. */
export interface PartRow {
  step: ReportStep | 'received';
  reason: string;
  dim: 'EVENT_NAME' | 'APP_VERSION';
  value: string;
  now: number;
  before: number;
}

/** Parts this close to zero are rounding, not a contribution. */
const NEGLIGIBLE_POINTS = 1e-9;

/**
 * The event names and app versions that explain a mover, largest part in the *rate's*
 * movement first (rateContributionPoints: a value whose volume grew at an unchanged rate
 * explains nothing, one whose rate jumped explains the jump), only those that moved the rate
 * the way the mover moved. When the rate is undefined (a period received nothing), by raw
 * count change instead.
 */
export function rankContributors(mover: MoverCounts, parts: readonly PartRow[], received: Period, limit: number): ContributorValue[] {
  const receivedBy = new Map(parts.filter((p) => p.step === 'received').map((p) => [`${p.dim}/${p.value}`, p]));
  const whole = { count: { now: mover.count, before: mover.previousCount }, received };
  const candidates = parts
    .filter((p) => p.step === mover.step && p.reason === (mover.reason ?? ''))
    .map((p): ContributorValue => {
      const count = { now: Number(p.now), before: Number(p.before) };
      const r = receivedBy.get(`${p.dim}/${p.value}`);
      const ownReceived = { now: Number(r?.now ?? 0), before: Number(r?.before ?? 0) };
      const points = rateContributionPoints({ count, received: ownReceived }, whole);
      return { dimension: p.dim, value: p.value, count: count.now, previousCount: count.before, delta: count.now - count.before, percentagePoints: points };
    });
  const byRate = mover.percentagePoints !== null;
  const direction = Math.sign(byRate ? mover.percentagePoints! : mover.count - mover.previousCount);
  const size = (c: ContributorValue) => (byRate ? (c.percentagePoints ?? 0) : c.delta);
  return candidates
    .filter((c) => Math.sign(size(c)) === direction && Math.abs(size(c)) > NEGLIGIBLE_POINTS)
    .sort((a, b) => Math.abs(size(b)) - Math.abs(size(a)) || a.value.localeCompare(b.value))
    .slice(0, limit);
}
