import { isConnectionEntryStep, isSourceSideStep, type ReportStep } from '../domain/steps';

/**
 * Which rows of one step belong to one destination: source-side steps come from
 * its connected sources (rows without a destination); destination-side steps from
 * its own rows, narrowed to one mapping when given (except a connection's entry steps, which
 * come before any mapping).
 */
export interface StepScope {
  step: ReportStep;
  destinationId: string;
  sourceIds: readonly string[];
  mappingId: string | null;
}

export const STEP_SCOPE_SQL = `
  AND step = {step:String}
  AND (({source_side:Bool} AND destination_id = '' AND source_id IN {sources:Array(String)})
       OR (NOT {source_side:Bool} AND destination_id = {dest:String} AND ({any_mapping:Bool} OR mapping_id = {mapping:String})))`;

export function stepScopeParams(scope: StepScope): Record<string, unknown> {
  return {
    step: scope.step,
    source_side: isSourceSideStep(scope.step),
    sources: scope.sourceIds,
    dest: scope.destinationId,
    any_mapping: scope.mappingId === null || isConnectionEntryStep(scope.step),
    mapping: scope.mappingId ?? '',
  };
}
