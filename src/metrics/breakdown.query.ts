import { periodCoverage } from './shared-reads';
import type { Slice } from './slice';
import type { StepCount } from './pipeline.query';
import { isSourceSideStep } from '../domain/steps';
import { KEY_COLUMNS, KEYED_SCOPE_SQL, keyedScopeParams, rowsOfDestination, STEP_SCOPE_SQL, stepScopeParams, type StepScope } from './step-scope';
import { filterParams, TIERED, type PeriodSource } from './tiered';
import type { WorkspaceDb } from './workspace-db';
import { storedRequest, storedResponse, type StoredRequest, type StoredResponse } from './sample-exchange.read';
import { compoundKey } from '../domain/compound-key';

/** What a breakdown row can be grouped by. */
export const BREAKDOWN_DIMENSIONS = ['EVENT_TYPE', 'EVENT_NAME', 'APP_VERSION'] as const;
export type BreakdownDimension = (typeof BREAKDOWN_DIMENSIONS)[number];

export interface BreakdownCount extends StepCount {
  /** Null when the rows are not grouped by it. */
  eventType: string | null;
  eventName: string | null;
  appVersion: string | null;
}

/**
 * Events of one step grouped by `groupBy` (default: event type, name and app version),
 * largest first (from the tiers unless `source` says otherwise).
 */
export async function breakdownCounts(
  wdb: WorkspaceDb,
  scope: StepScope,
  slice: Slice,
  reason: string | null,
  first: number,
  source: PeriodSource = TIERED,
  groupBy: readonly BreakdownDimension[] = BREAKDOWN_DIMENSIONS,
): Promise<BreakdownCount[]> {
  const { range, filter, mappingId } = slice;
  const g = new Set(groupBy);
  const rows = await wdb.query<{ event_type: string; event_name: string; app_version: string; now: number; before: number }>(
    `${source.family}breakdown`,
    `SELECT if({g_type:Bool}, event_type, '') AS event_type, if({g_name:Bool}, event_name, '') AS event_name,
            if({g_version:Bool}, app_version, '') AS app_version,
            sumIf(events, t >= toDateTime({cur_from:UInt32}, 'UTC')) AS now,
            sumIf(events, t < toDateTime({cur_from:UInt32}, 'UTC')) AS before
     FROM ${source.from(
       wdb,
       ['step', 'destination_id', 'source_id', 'mapping_id', 'reason', 'event_type', 'event_name', 'app_version'],
       `${STEP_SCOPE_SQL}
       AND ({any_reason:Bool} OR reason = {reason:String})`,
       filter,
     )}
     GROUP BY event_type, event_name, app_version
     ORDER BY now DESC, before DESC, event_type, event_name, app_version
     LIMIT {first:UInt32}`,
    {
      ...source.params(range),
      ...filterParams(filter),
      ...stepScopeParams(scope, mappingId),
      any_reason: reason === null,
      reason: reason ?? '',
      first,
      g_type: g.has('EVENT_TYPE'),
      g_name: g.has('EVENT_NAME'),
      g_version: g.has('APP_VERSION'),
    },
    undefined,
    periodCoverage(range),
  );
  return rows.map((r) => ({
    eventType: g.has('EVENT_TYPE') ? r.event_type : null,
    eventName: g.has('EVENT_NAME') ? r.event_name : null,
    appVersion: g.has('APP_VERSION') ? r.app_version : null,
    now: Number(r.now),
    before: Number(r.before),
  }));
}

/**
 * The breakdown of many destinations in one statement (scopes share step and mapping):
 * destination-side steps are cut to `first` rows per destination in SQL; source-side rows
 * come per source and are summed over each destination's sources before the cut.
 * One destination uses breakdownCounts as it is.
 */
export async function breakdownMany(
  wdb: WorkspaceDb,
  scopes: readonly StepScope[],
  slice: Slice,
  reason: string | null,
  first: number,
  groupBy: readonly BreakdownDimension[] = BREAKDOWN_DIMENSIONS,
): Promise<BreakdownCount[][]> {
  if (scopes.length === 1) return [await breakdownCounts(wdb, scopes[0], slice, reason, first, TIERED, groupBy)];
  const { range, filter, mappingId } = slice;
  const g = new Set(groupBy);
  const limitBy = isSourceSideStep(scopes[0].step) ? '' : 'LIMIT {first:UInt32} BY key';
  const rows = await wdb.query<{ key: string; source_side: number; event_type: string; event_name: string; app_version: string; now: number; before: number }>(
    'breakdown',
    `SELECT ${KEY_COLUMNS},
            if({g_type:Bool}, event_type, '') AS event_type, if({g_name:Bool}, event_name, '') AS event_name,
            if({g_version:Bool}, app_version, '') AS app_version,
            sumIf(events, t >= toDateTime({cur_from:UInt32}, 'UTC')) AS now,
            sumIf(events, t < toDateTime({cur_from:UInt32}, 'UTC')) AS before
     FROM ${TIERED.from(
       wdb,
       ['step', 'destination_id', 'source_id', 'mapping_id', 'reason', 'event_type', 'event_name', 'app_version'],
       `${KEYED_SCOPE_SQL}
       AND ({any_reason:Bool} OR reason = {reason:String})`,
       filter,
     )}
     GROUP BY key, source_side, event_type, event_name, app_version
     ORDER BY key, now DESC, before DESC, event_type, event_name, app_version
     ${limitBy}`,
    {
      ...TIERED.params(range),
      ...filterParams(filter),
      ...keyedScopeParams(scopes, mappingId),
      any_reason: reason === null,
      reason: reason ?? '',
      first,
      g_type: g.has('EVENT_TYPE'),
      g_name: g.has('EVENT_NAME'),
      g_version: g.has('APP_VERSION'),
    },
    undefined,
    periodCoverage(range),
  );
  return scopes.map((scope) => {
    const sums = new Map<string, BreakdownCount>();
    for (const r of rowsOfDestination(rows, scope)) {
      const id = JSON.stringify([r.event_type, r.event_name, r.app_version]);
      const acc = sums.get(id) ?? {
        eventType: g.has('EVENT_TYPE') ? r.event_type : null,
        eventName: g.has('EVENT_NAME') ? r.event_name : null,
        appVersion: g.has('APP_VERSION') ? r.app_version : null,
        now: 0,
        before: 0,
      };
      acc.now += Number(r.now);
      acc.before += Number(r.before);
      sums.set(id, acc);
    }
    return [...sums.values()].sort(byCountThenNames).slice(0, first);
  });
}

/** Largest first, ties by the previous period, then by the names (the SQL's order). */
function byCountThenNames(a: BreakdownCount, b: BreakdownCount): number {
  const x = compoundKey(String(a.eventType), String(a.eventName), String(a.appVersion));
  const y = compoundKey(String(b.eventType), String(b.eventName), String(b.appVersion));
  return b.now - a.now || b.before - a.before || (x < y ? -1 : x > y ? 1 : 0);
}

export interface ReasonCount extends StepCount {
  reason: string;
}

/** Events of one discard step by reason, largest first (from the tiers unless `source` says otherwise). */
export async function discardCounts(wdb: WorkspaceDb, scope: StepScope, slice: Slice, source: PeriodSource = TIERED): Promise<ReasonCount[]> {
  const { range, filter, mappingId } = slice;
  const rows = await wdb.query<{ reason: string; now: number; before: number }>(
    `${source.family}discards`,
    `SELECT reason,
            sumIf(events, t >= toDateTime({cur_from:UInt32}, 'UTC')) AS now,
            sumIf(events, t < toDateTime({cur_from:UInt32}, 'UTC')) AS before
     FROM ${source.from(wdb, ['step', 'destination_id', 'source_id', 'mapping_id', 'reason'], STEP_SCOPE_SQL, filter)}
     GROUP BY reason
     ORDER BY now DESC, before DESC, reason`,
    { ...source.params(range), ...filterParams(filter), ...stepScopeParams(scope, mappingId) },
    undefined,
    periodCoverage(range),
  );
  return rows.map((r) => ({ reason: r.reason, now: Number(r.now), before: Number(r.before) }));
}

export interface DiscardSampleValue {
  reason: string;
  at: Date;
  messageId: string | null;
  sourceId: string;
  eventType: string;
  eventName: string;
  appVersion: string;
  payload: string | null;
  error: string | null;
  truncated: boolean;
  /** The failed delivery's exchange (migration 0035): null when the producer sent none. */
  request: StoredRequest | null;
  response: StoredResponse | null;
}

/** The newest `limit` samples per reason of one discard step in the range. */
export async function discardSamples(wdb: WorkspaceDb, scope: StepScope, { range, mappingId }: Slice, limit: number): Promise<DiscardSampleValue[]> {
  const rows = await wdb.query<{
    reason: string;
    at: number;
    message_id: string;
    source_id: string;
    event_type: string;
    event_name: string;
    app_version: string;
    payload: string;
    error: string;
    truncated: number;
    request: string;
    response: string;
  }>(
    'discard_samples',
    `SELECT reason, toUnixTimestamp64Milli(time) AS at, message_id, source_id, event_type, event_name, app_version, payload, error, truncated, request, response
     FROM ${wdb.table('discard_samples')}
     WHERE workspace_id = {workspace:String}
       AND time >= fromUnixTimestamp64Milli({from:Int64}) AND time < fromUnixTimestamp64Milli({to:Int64})
       ${STEP_SCOPE_SQL}
     ORDER BY reason, time DESC
     LIMIT {limit:UInt32} BY reason`,
    { ...stepScopeParams(scope, mappingId), from: range.from, to: range.to, limit },
    undefined,
    periodCoverage(range),
  );
  return rows.map((r) => ({
    reason: r.reason,
    at: new Date(Number(r.at)),
    messageId: r.message_id || null,
    sourceId: r.source_id,
    eventType: r.event_type,
    eventName: r.event_name,
    appVersion: r.app_version,
    payload: r.payload || null,
    error: r.error || null,
    truncated: r.truncated === 1,
    request: storedRequest(r.request),
    response: storedResponse(r.response),
  }));
}
