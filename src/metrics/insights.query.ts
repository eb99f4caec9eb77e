import { changeOf, shareOf } from '../domain/change';
import { periodCoverage } from './shared-reads';
import { rankContributors, type ContributorValue, type PartRow } from './insights.contributors';

export type { ContributorValue } from './insights.contributors';
import { CONNECTION_ENTRY_STEPS, type ReportStep } from '../domain/steps';
import type { StepCount } from './pipeline.query';
import { filterParams, periodParams, tieredSource } from './tiered';
import type { WorkspaceDb } from './workspace-db';
import type { Slice } from './slice';

/** Steps whose rate movements explain a destination's behaviour. */
export const MOVER_STEPS: readonly ReportStep[] = [
  'failed_ingest',
  'filtered_source',
  'failed_extract',
  'filtered_destination',
  'failed_delivery',
  'delivered',
];

export interface MoverValue {
  step: ReportStep;
  reason: string | null;
  count: number;
  previousCount: number;
  share: number | null;
  previousShare: number | null;
  percentagePoints: number | null;
  relativePercent: number | null;
  contributors: ContributorValue[];
}

export interface MoverScope {
  destinationId: string;
  sourceIds: readonly string[];
}

const SCOPE_SQL = `
  AND step IN {steps:Array(String)}
  AND ((destination_id = '' AND source_id IN {sources:Array(String)})
       OR (destination_id = {dest:String} AND ({any_mapping:Bool} OR mapping_id = {mapping:String} OR step IN {unnarrowed:Array(String)})))`;

/**
 * Where the largest rate changes against the previous period happened (step and
 * reason, ranked by percentage points of Successfully received), and which event
 * names and app versions explain most of each (ranked by their part in the rate's
 * movement, see rankContributors). Two queries.
 */
export async function biggestMovers(
  wdb: WorkspaceDb,
  scope: MoverScope,
  slice: Slice,
  received: StepCount,
  limit: number,
  contributorsPerMover: number,
): Promise<MoverValue[]> {
  const { range, filter, mappingId } = slice;
  const base = {
    ...periodParams(range),
    ...filterParams(filter),
    steps: MOVER_STEPS,
    sources: scope.sourceIds,
    dest: scope.destinationId,
    any_mapping: mappingId === null,
    mapping: mappingId ?? '',
    unnarrowed: CONNECTION_ENTRY_STEPS,
  };
  const rows = await wdb.query<{ step: ReportStep; reason: string; now: number; before: number }>(
    'insights',
    `SELECT step, reason, sumIf(events, t >= toDateTime({cur_from:UInt32}, 'UTC')) AS now, sumIf(events, t < toDateTime({cur_from:UInt32}, 'UTC')) AS before
     FROM ${tieredSource(wdb, ['step', 'destination_id', 'source_id', 'mapping_id', 'reason'], SCOPE_SQL, filter)}
     GROUP BY step, reason`,
    base,
    undefined,
    periodCoverage(range),
  );
  const movers = rows
    .map((r): MoverValue => {
      const now = Number(r.now);
      const before = Number(r.before);
      const c = changeOf(now, before, received.now, received.before);
      return {
        step: r.step,
        reason: r.reason || null,
        count: now,
        previousCount: before,
        share: shareOf(now, received.now),
        previousShare: shareOf(before, received.before),
        percentagePoints: c.percentagePoints,
        relativePercent: c.relativePercent,
        contributors: [],
      };
    })
    .filter((m) => m.count !== m.previousCount)
    .sort(
      (a, b) =>
        Math.abs(b.percentagePoints ?? 0) - Math.abs(a.percentagePoints ?? 0) || Math.abs(b.count - b.previousCount) - Math.abs(a.count - a.previousCount),
    )
    .slice(0, limit);
  if (movers.length === 0 || contributorsPerMover === 0) return movers;

  // The movers' counts by event name and app version, and Successfully received by the same
  // values (the denominators of each value's own rate).
  const parts = await wdb.query<PartRow>(
    'insights',
    `SELECT step, reason, d.1 AS dim, d.2 AS value,
            sumIf(events, t >= toDateTime({cur_from:UInt32}, 'UTC')) AS now, sumIf(events, t < toDateTime({cur_from:UInt32}, 'UTC')) AS before
     FROM ${tieredSource(
       wdb,
       ['step', 'destination_id', 'source_id', 'mapping_id', 'reason', 'event_name', 'app_version'],
       `${SCOPE_SQL}
       AND (concat(step, '/', reason) IN {movers:Array(String)} OR step = 'received')`,
       filter,
     )}
     ARRAY JOIN [('EVENT_NAME', event_name), ('APP_VERSION', app_version)] AS d
     GROUP BY step, reason, dim, value`,
    { ...base, steps: [...MOVER_STEPS, 'received'], movers: movers.map((m) => `${m.step}/${m.reason ?? ''}`) },
    undefined,
    periodCoverage(range),
  );
  for (const m of movers) m.contributors = rankContributors(m, parts, received, contributorsPerMover);
  return movers;
}
