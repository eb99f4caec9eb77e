import { isConnectionEntryStep, isSourceSideStep, type ReportStep } from '../domain/steps';

/**
 * Which rows of one step belong to one destination: source-side steps come from
 * its connected sources (rows without a destination); destination-side steps from
 * its own rows, narrowed to the slice's mapping when it has one (except a connection's entry steps, which
 * come before any mapping), and to one source when `sourceId` is given (the source-keyed
 * compat API). `reasons` keeps only rows with one of them.
 */
export interface StepScope {
  step: ReportStep;
  destinationId: string;
  sourceIds: readonly string[];
  /** Destination-side rows of this source only (default: every source). */
  sourceId?: string | null;
  /** Rows with one of these discard reasons only (default: any). */
  reasons?: readonly string[] | null;
}

export const STEP_SCOPE_SQL = `
  AND step = {step:String}
  AND (({source_side:Bool} AND destination_id = '' AND source_id IN {sources:Array(String)})
       OR (NOT {source_side:Bool} AND destination_id = {dest:String} AND ({any_mapping:Bool} OR mapping_id = {mapping:String})
           AND ({any_scope_source:Bool} OR source_id = {scope_source:String})))
  AND ({any_scope_reason:Bool} OR reason IN {scope_reasons:Array(String)})`;

/** The scope's parameters, with the slice's mapping (a connection's entry steps come before any mapping, so it never narrows them). */
export function stepScopeParams(scope: StepScope, mappingId: string | null): Record<string, unknown> {
  return {
    step: scope.step,
    source_side: isSourceSideStep(scope.step),
    sources: scope.sourceIds,
    dest: scope.destinationId,
    any_mapping: mappingId === null || isConnectionEntryStep(scope.step),
    mapping: mappingId ?? '',
    any_scope_source: scope.sourceId == null,
    scope_source: scope.sourceId ?? '',
    any_scope_reason: scope.reasons == null,
    scope_reasons: scope.reasons ?? [],
  };
}

/**
 * One step for many destinations in one statement: destination-side rows by destination
 * (narrowed to one mapping when given), source-side rows by source. Select `KEY_COLUMNS`
 * and group by `key, source_side`; `rowsOfDestination` then gives each destination its rows.
 * All scopes share one step, one mapping and one narrowing (loaders group them that way).
 */
export const KEYED_SCOPE_SQL = `
  AND step = {step:String}
  AND ((destination_id IN {dests:Array(String)} AND ({any_mapping:Bool} OR mapping_id = {mapping:String})
        AND ({any_scope_source:Bool} OR source_id = {scope_source:String}))
       OR (destination_id = '' AND source_id IN {sources:Array(String)}))
  AND ({any_scope_reason:Bool} OR reason IN {scope_reasons:Array(String)})`;

export const KEY_COLUMNS = `if(destination_id = '', source_id, destination_id) AS key, destination_id = '' AS source_side`;

export function keyedScopeParams(scopes: readonly StepScope[], mappingId: string | null): Record<string, unknown> {
  const first = scopes[0];
  return {
    step: first.step,
    dests: scopes.map((s) => s.destinationId),
    sources: [...new Set(scopes.flatMap((s) => s.sourceIds))],
    any_mapping: mappingId === null || isConnectionEntryStep(first.step),
    mapping: mappingId ?? '',
    any_scope_source: first.sourceId == null,
    scope_source: first.sourceId ?? '',
    any_scope_reason: first.reasons == null,
    scope_reasons: first.reasons ?? [],
  };
}

/** The rows that count for one destination: its own, or those of its connected sources for a source-side step. */
export function rowsOfDestination<R extends { key: string; source_side: number | boolean }>(rows: readonly R[], scope: StepScope): R[] {
  if (!isSourceSideStep(scope.step)) return rows.filter((r) => !Number(r.source_side) && r.key === scope.destinationId);
  const sources = new Set(scope.sourceIds);
  return rows.filter((r) => Number(r.source_side) && sources.has(r.key));
}
