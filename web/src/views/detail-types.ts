import type {
  BreakdownFieldsFragment,
  DiscardFieldsFragment,
  PipelineFieldsFragment,
  PipelineStepKind,
  ReplayPreviewFieldsFragment,
  SeriesFieldsFragment,
  SyncFieldsFragment,
  SyncRunFieldsFragment,
} from '../gql/graphql';
import type { DestinationState } from '../state';

/** The open panels' numbers, each only when the snapshot answered this step (and reason). */
export interface Panels {
  discards?: DiscardFieldsFragment[];
  breakdown?: BreakdownFieldsFragment[];
  series?: SeriesFieldsFragment[];
  syncs?: SyncFieldsFragment[];
  syncRuns?: SyncRunFieldsFragment[];
  /** The failed-delivery step's replay preview, when the token may replay. */
  replay?: ReplayPreviewFieldsFragment;
}

export interface DetailProps {
  destinationId: string;
  pipeline: PipelineFieldsFragment;
  state: DestinationState;
  panels: Panels;
  mappingName: string | null;
  mappingNames: Map<string, string>;
  sourceNames: Map<string, string>;
}

export const PER_BUCKET = { MINUTE: 'per minute', HOUR: 'per hour', DAY: 'per day' } as const;

export function stepOf(pipeline: PipelineFieldsFragment, step: PipelineStepKind) {
  return pipeline.steps.find((s) => s.kind === step);
}
