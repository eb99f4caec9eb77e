// Generated from src/domain/steps.ts by `npm run codegen:web` (tools/codegen/web-steps.ts). Do not edit.
import type { PipelineStepKind } from './gql/graphql';

/** Every box of every kind's pipeline. */
export const STEP_KINDS = new Set<PipelineStepKind>(['SUCCESSFULLY_RECEIVED', 'FAILED_ON_INGEST', 'FILTERED_AT_SOURCE', 'FILTERED_AT_DESTINATION', 'RETRY_PENDING', 'FAILED_DELIVERY', 'SUCCESSFUL_DELIVERY', 'EVENTS_TO_WAREHOUSE_ROWS', 'FAILED_TO_SYNC', 'SUCCESSFULLY_SYNCED', 'RECORDS_EXTRACTED', 'FAILED_TO_EXTRACT', 'FILTERED_AT_MAPPING', 'MEMBERSHIP_CHANGES_COMPUTED']);
/** Step names as the pipeline shows them (the API's labels), for skeletons, insights and the live tail. */
export const STEP_LABELS: Record<PipelineStepKind, string> = {
  SUCCESSFULLY_RECEIVED: 'Successfully received',
  FAILED_ON_INGEST: 'Failed on ingest',
  FILTERED_AT_SOURCE: 'Filtered at source',
  FILTERED_AT_DESTINATION: 'Filtered at destination',
  RETRY_PENDING: 'Retry pending',
  FAILED_DELIVERY: 'Failed delivery',
  SUCCESSFUL_DELIVERY: 'Successful delivery',
  EVENTS_TO_WAREHOUSE_ROWS: 'Events to warehouse rows',
  FAILED_TO_SYNC: 'Failed to sync',
  SUCCESSFULLY_SYNCED: 'Successfully synced',
  RECORDS_EXTRACTED: 'Records extracted',
  FAILED_TO_EXTRACT: 'Failed to extract',
  FILTERED_AT_MAPPING: 'Filtered at mapping',
  MEMBERSHIP_CHANGES_COMPUTED: 'Membership changes computed',
};
/** Boxes where events leave the pipeline for a reason code (their detail lists the reasons). */
export const DISCARD_STEPS = new Set<PipelineStepKind>(['FAILED_ON_INGEST', 'FILTERED_AT_SOURCE', 'FILTERED_AT_DESTINATION', 'FAILED_DELIVERY', 'FAILED_TO_EXTRACT', 'FILTERED_AT_MAPPING']);
/** The first box of each kind: every share is a percent of it, and it opens the breakdown. */
export const ENTRY_STEPS = new Set<PipelineStepKind>(['SUCCESSFULLY_RECEIVED', 'RECORDS_EXTRACTED', 'MEMBERSHIP_CHANGES_COMPUTED']);
/** The boxes a storage destination fills from its warehouse syncs (their detail lists sync runs). */
export const SYNC_STEPS = new Set<PipelineStepKind>(['FAILED_TO_SYNC', 'SUCCESSFULLY_SYNCED']);
/** The boxes a selected mapping narrows (the others count the destination as a whole). */
export const MAPPING_NARROWED_STEPS = new Set<PipelineStepKind>(['FILTERED_AT_DESTINATION', 'RETRY_PENDING', 'FAILED_DELIVERY', 'SUCCESSFUL_DELIVERY', 'EVENTS_TO_WAREHOUSE_ROWS', 'FILTERED_AT_MAPPING']);
