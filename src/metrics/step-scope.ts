import { isSourceSideStep, type ReportStep } from '../domain/steps';

/**
 * Which rows of one step belong to one destination: source-side steps come from
 * its connected sources (rows without a destination); destination-side steps from
 * its own rows, narrowed to one mapping when given, and to one source when `sourceId`
 * is given (the source-keyed compat API). `reasons` keeps only rows with one of them.
 */
export interface StepScope {
  step: ReportStep;
  destinationId: string;
  sourceIds: readonly string[];
  mappingId: string | null;
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

export function stepScopeParams(scope: StepScope): Record<string, unknown> {
  return {
    step: scope.step,
    source_side: isSourceSideStep(scope.step),
    sources: scope.sourceIds,
    dest: scope.destinationId,
    any_mapping: scope.mappingId === null,
    mapping: scope.mappingId ?? '',
    any_scope_source: scope.sourceId == null,
    scope_source: scope.sourceId ?? '',
    any_scope_reason: scope.reasons == null,
    scope_reasons: scope.reasons ?? [],
  };
}
