/**
 * The pipeline vocabulary, in one place. Producers report `ReportStep`s; the product
 * shows `PipelineStepKind`s. Every other module (SQL, GraphQL enums, validation,
 * the simulator) derives from the tables below, so nothing is kept in sync by hand.
 */

/** What a pipeline component reports about one or more events (the ingest contract). */
export const REPORT_STEPS = [
  'received',
  'failed_ingest',
  'filtered_source',
  'extracted',
  'failed_extract',
  'computed',
  'filtered_destination',
  'retry_enqueued',
  'retry_resolved',
  'failed_delivery',
  'delivered',
] as const;
export type ReportStep = (typeof REPORT_STEPS)[number];

/** Steps reported by the source side: they carry no destination. */
export const SOURCE_SIDE_STEPS: readonly ReportStep[] = ['received', 'failed_ingest', 'filtered_source'];

/**
 * Steps a connection's own sync reports before any mapping sees the records: a Reverse ETL
 * sync run extracting its model (`extracted`, `failed_extract`) and an audience computing its
 * membership changes for one destination (`computed`). They carry the destination, because
 * the diff is computed against what that destination already holds, and a mapping never
 * narrows them.
 */
export const CONNECTION_ENTRY_STEPS: readonly ReportStep[] = ['extracted', 'failed_extract', 'computed'];

/** Steps where events leave the pipeline for a reason: a `reason` code is required. */
export const DISCARD_REPORT_STEPS: readonly ReportStep[] = ['failed_ingest', 'filtered_source', 'failed_extract', 'filtered_destination', 'failed_delivery'];

export function isReportStep(value: unknown): value is ReportStep {
  return typeof value === 'string' && (REPORT_STEPS as readonly string[]).includes(value);
}
export function isSourceSideStep(step: ReportStep): boolean {
  return SOURCE_SIDE_STEPS.includes(step);
}
export function isDiscardReportStep(step: ReportStep): boolean {
  return DISCARD_REPORT_STEPS.includes(step);
}
export function isConnectionEntryStep(step: ReportStep): boolean {
  return CONNECTION_ENTRY_STEPS.includes(step);
}

export const DESTINATION_KINDS = ['classic', 'actions', 'storage', 'retl', 'audience'] as const;
export type DestinationKind = (typeof DESTINATION_KINDS)[number];
export function isDestinationKind(value: unknown): value is DestinationKind {
  return typeof value === 'string' && (DESTINATION_KINDS as readonly string[]).includes(value);
}

/** The boxes of the pipeline view. */
export enum PipelineStepKind {
  SUCCESSFULLY_RECEIVED = 'SUCCESSFULLY_RECEIVED',
  FAILED_ON_INGEST = 'FAILED_ON_INGEST',
  FILTERED_AT_SOURCE = 'FILTERED_AT_SOURCE',
  FILTERED_AT_DESTINATION = 'FILTERED_AT_DESTINATION',
  RETRY_PENDING = 'RETRY_PENDING',
  FAILED_DELIVERY = 'FAILED_DELIVERY',
  SUCCESSFUL_DELIVERY = 'SUCCESSFUL_DELIVERY',
  EVENTS_TO_WAREHOUSE_ROWS = 'EVENTS_TO_WAREHOUSE_ROWS',
  FAILED_TO_SYNC = 'FAILED_TO_SYNC',
  SUCCESSFULLY_SYNCED = 'SUCCESSFULLY_SYNCED',
  RECORDS_EXTRACTED = 'RECORDS_EXTRACTED',
  FAILED_TO_EXTRACT = 'FAILED_TO_EXTRACT',
  FILTERED_AT_MAPPING = 'FILTERED_AT_MAPPING',
  MEMBERSHIP_CHANGES_COMPUTED = 'MEMBERSHIP_CHANGES_COMPUTED',
}

export interface PipelineStepDefinition {
  kind: PipelineStepKind;
  label: string;
  /** The report step whose counts this box shows; null for gauges and sync-based boxes. */
  reportStep: ReportStep | null;
  isDiscard: boolean;
  side: 'source' | 'destination';
}

export const PIPELINE_STEPS: Record<PipelineStepKind, PipelineStepDefinition> = {
  SUCCESSFULLY_RECEIVED: {
    kind: PipelineStepKind.SUCCESSFULLY_RECEIVED,
    label: 'Successfully received',
    reportStep: 'received',
    isDiscard: false,
    side: 'source',
  },
  FAILED_ON_INGEST: { kind: PipelineStepKind.FAILED_ON_INGEST, label: 'Failed on ingest', reportStep: 'failed_ingest', isDiscard: true, side: 'source' },
  FILTERED_AT_SOURCE: {
    kind: PipelineStepKind.FILTERED_AT_SOURCE,
    label: 'Filtered at source',
    reportStep: 'filtered_source',
    isDiscard: true,
    side: 'source',
  },
  FILTERED_AT_DESTINATION: {
    kind: PipelineStepKind.FILTERED_AT_DESTINATION,
    label: 'Filtered at destination',
    reportStep: 'filtered_destination',
    isDiscard: true,
    side: 'destination',
  },
  RETRY_PENDING: { kind: PipelineStepKind.RETRY_PENDING, label: 'Retry pending', reportStep: null, isDiscard: false, side: 'destination' },
  FAILED_DELIVERY: { kind: PipelineStepKind.FAILED_DELIVERY, label: 'Failed delivery', reportStep: 'failed_delivery', isDiscard: true, side: 'destination' },
  SUCCESSFUL_DELIVERY: {
    kind: PipelineStepKind.SUCCESSFUL_DELIVERY,
    label: 'Successful delivery',
    reportStep: 'delivered',
    isDiscard: false,
    side: 'destination',
  },
  // For storage destinations a `delivered` report means "converted into a warehouse row".
  EVENTS_TO_WAREHOUSE_ROWS: {
    kind: PipelineStepKind.EVENTS_TO_WAREHOUSE_ROWS,
    label: 'Events to warehouse rows',
    reportStep: 'delivered',
    isDiscard: false,
    side: 'destination',
  },
  FAILED_TO_SYNC: { kind: PipelineStepKind.FAILED_TO_SYNC, label: 'Failed to sync', reportStep: null, isDiscard: true, side: 'destination' },
  SUCCESSFULLY_SYNCED: { kind: PipelineStepKind.SUCCESSFULLY_SYNCED, label: 'Successfully synced', reportStep: null, isDiscard: false, side: 'destination' },
  // Reverse ETL: a sync run's records. Every other box of its pipeline is a share of this one.
  RECORDS_EXTRACTED: { kind: PipelineStepKind.RECORDS_EXTRACTED, label: 'Records extracted', reportStep: 'extracted', isDiscard: false, side: 'destination' },
  FAILED_TO_EXTRACT: {
    kind: PipelineStepKind.FAILED_TO_EXTRACT,
    label: 'Failed to extract',
    reportStep: 'failed_extract',
    isDiscard: true,
    side: 'destination',
  },
  // A Reverse ETL record that no mapping sends is a `filtered_destination` report, shown under its own name.
  FILTERED_AT_MAPPING: {
    kind: PipelineStepKind.FILTERED_AT_MAPPING,
    label: 'Filtered at mapping',
    reportStep: 'filtered_destination',
    isDiscard: true,
    side: 'destination',
  },
  MEMBERSHIP_CHANGES_COMPUTED: {
    kind: PipelineStepKind.MEMBERSHIP_CHANGES_COMPUTED,
    label: 'Membership changes computed',
    reportStep: 'computed',
    isDiscard: false,
    side: 'destination',
  },
};

/** The boxes each destination kind shows, in pipeline order. */
export const PIPELINE_LAYOUT: Record<DestinationKind, readonly PipelineStepKind[]> = {
  classic: [
    PipelineStepKind.SUCCESSFULLY_RECEIVED,
    PipelineStepKind.FAILED_ON_INGEST,
    PipelineStepKind.FILTERED_AT_SOURCE,
    PipelineStepKind.FILTERED_AT_DESTINATION,
    PipelineStepKind.RETRY_PENDING,
    PipelineStepKind.FAILED_DELIVERY,
    PipelineStepKind.SUCCESSFUL_DELIVERY,
  ],
  actions: [
    PipelineStepKind.SUCCESSFULLY_RECEIVED,
    PipelineStepKind.FAILED_ON_INGEST,
    PipelineStepKind.FILTERED_AT_SOURCE,
    PipelineStepKind.FILTERED_AT_DESTINATION,
    PipelineStepKind.RETRY_PENDING,
    PipelineStepKind.FAILED_DELIVERY,
    PipelineStepKind.SUCCESSFUL_DELIVERY,
  ],
  storage: [
    PipelineStepKind.SUCCESSFULLY_RECEIVED,
    PipelineStepKind.FAILED_ON_INGEST,
    PipelineStepKind.FILTERED_AT_SOURCE,
    PipelineStepKind.FILTERED_AT_DESTINATION,
    PipelineStepKind.EVENTS_TO_WAREHOUSE_ROWS,
    PipelineStepKind.FAILED_TO_SYNC,
    PipelineStepKind.SUCCESSFULLY_SYNCED,
  ],
  retl: [
    PipelineStepKind.RECORDS_EXTRACTED,
    PipelineStepKind.FAILED_TO_EXTRACT,
    PipelineStepKind.FILTERED_AT_MAPPING,
    PipelineStepKind.RETRY_PENDING,
    PipelineStepKind.FAILED_DELIVERY,
    PipelineStepKind.SUCCESSFUL_DELIVERY,
  ],
  audience: [
    PipelineStepKind.MEMBERSHIP_CHANGES_COMPUTED,
    PipelineStepKind.FILTERED_AT_DESTINATION,
    PipelineStepKind.RETRY_PENDING,
    PipelineStepKind.FAILED_DELIVERY,
    PipelineStepKind.SUCCESSFUL_DELIVERY,
  ],
};

/** The boxes of a source's own pipeline: the source-side steps (Successfully received, Failed on ingest, Filtered at source). */
export const SOURCE_LAYOUT: readonly PipelineStepKind[] = PIPELINE_LAYOUT.classic.filter((k) => PIPELINE_STEPS[k].side === 'source');

/**
 * The boxes of a destination's pipeline narrowed to one source: its kind's boxes that count
 * reports (the retry gauge and the sync boxes are kept per destination, not per source).
 */
export function sourceNarrowedLayout(kind: DestinationKind): readonly PipelineStepKind[] {
  return PIPELINE_LAYOUT[kind].filter((k) => PIPELINE_STEPS[k].reportStep !== null);
}

/**
 * The report step every share of a kind's pipeline is a percent of: its first box
 * (Successfully received for the streaming kinds, Records extracted for Reverse ETL,
 * Membership changes computed for audiences).
 */
export function entryStepOf(kind: DestinationKind): ReportStep {
  return PIPELINE_STEPS[PIPELINE_LAYOUT[kind][0]].reportStep!;
}

const RETRY_STEPS: readonly ReportStep[] = ['retry_enqueued', 'retry_resolved'];

/**
 * The destination-side report steps a kind takes: the steps of its boxes, and both retry
 * steps where it shows Retry pending. Anything else would be counted in no box of its
 * pipeline (a storage destination's `failed_delivery`, a classic one's `extracted`).
 */
export function destinationStepsOf(kind: DestinationKind): readonly ReportStep[] {
  const layout = PIPELINE_LAYOUT[kind];
  const own = layout.map((k) => PIPELINE_STEPS[k].reportStep).filter((s): s is ReportStep => s !== null && !isSourceSideStep(s));
  return layout.includes(PipelineStepKind.RETRY_PENDING) ? [...own, ...RETRY_STEPS] : own;
}

/**
 * The boxes a selected Actions mapping narrows: the destination-side boxes whose reports carry
 * the mapping (after the connection's own entry step) and the retry gauge, kept per mapping.
 * Source-side boxes, entry boxes and sync boxes count the destination as a whole.
 */
export const MAPPING_NARROWED_KINDS: readonly PipelineStepKind[] = (Object.values(PIPELINE_STEPS) as PipelineStepDefinition[])
  .filter((d) => d.side === 'destination' && (d.kind === PipelineStepKind.RETRY_PENDING || (d.reportStep !== null && !isConnectionEntryStep(d.reportStep))))
  .map((d) => d.kind);

/** The first box of each kind: every share of its pipeline is a percent of it. */
export const ENTRY_KINDS: readonly PipelineStepKind[] = [...new Set(DESTINATION_KINDS.map((k) => PIPELINE_LAYOUT[k][0]))];

/** The boxes a storage destination fills from its warehouse syncs, not from reports. */
export const SYNC_KINDS: readonly PipelineStepKind[] = PIPELINE_LAYOUT.storage.filter((k) => PIPELINE_STEPS[k].reportStep === null);

/** The report step a discard box counts, for the discard-reason catalogue. */
export const DISCARD_STEP_KINDS: readonly PipelineStepKind[] = (Object.values(PIPELINE_STEPS) as PipelineStepDefinition[])
  .filter((d) => d.isDiscard && d.reportStep !== null)
  .map((d) => d.kind);

export function reportStepOf(kind: PipelineStepKind): ReportStep | null {
  return PIPELINE_STEPS[kind].reportStep;
}

export const SYNC_STATUSES = ['success', 'partial', 'failed'] as const;
export type SyncStatus = (typeof SYNC_STATUSES)[number];
export function isSyncStatus(value: unknown): value is SyncStatus {
  return typeof value === 'string' && (SYNC_STATUSES as readonly string[]).includes(value);
}

/** The pipeline box that shows a report step's discards (failed_ingest → FAILED_ON_INGEST, …). */
export function discardKindOf(step: ReportStep): PipelineStepKind | null {
  const def = (Object.values(PIPELINE_STEPS) as PipelineStepDefinition[]).find((d) => d.isDiscard && d.reportStep === step);
  return def ? def.kind : null;
}

/**
 * The pipeline box a report belongs to (trace speaks the pipeline's words): both retry steps
 * as RETRY_PENDING (entering and leaving the queue), any other step as the box of the
 * destination kind's layout that shows it (`delivered` is EVENTS_TO_WAREHOUSE_ROWS on a storage
 * destination, `filtered_destination` FILTERED_AT_MAPPING on a Reverse ETL one), else its usual box.
 */
export function pipelineStepOf(step: ReportStep, destinationKind: DestinationKind | ''): PipelineStepKind {
  if (RETRY_STEPS.includes(step)) return PipelineStepKind.RETRY_PENDING;
  const own = destinationKind === '' ? undefined : PIPELINE_LAYOUT[destinationKind].find((k) => PIPELINE_STEPS[k].reportStep === step);
  if (own) return own;
  if (step === 'delivered') return PipelineStepKind.SUCCESSFUL_DELIVERY;
  if (step === 'received') return PipelineStepKind.SUCCESSFULLY_RECEIVED;
  return (Object.values(PIPELINE_STEPS) as PipelineStepDefinition[]).find((d) => d.reportStep === step)!.kind;
}

/** The destination kinds whose pipeline shows a box. */
export function kindsShowing(box: PipelineStepKind): DestinationKind[] {
  return DESTINATION_KINDS.filter((k) => PIPELINE_LAYOUT[k].includes(box));
}

/** What a breakdown row can stand for (GraphQL `Dimension` values). */
export const GROUPINGS = ['EVENT_TYPE', 'EVENT_NAME', 'APP_VERSION', 'MAPPING', 'OPERATION', 'AUDIENCE'] as const;
export type Grouping = (typeof GROUPINGS)[number];
const EVENT_GROUPINGS: readonly Grouping[] = ['EVENT_TYPE', 'EVENT_NAME', 'APP_VERSION'];

/**
 * The breakdown dimensions of each kind, the default grouping first: events by type, name
 * and version; Reverse ETL records by operation and mapping; audience changes by audience and
 * change (entered or exited, the operation). Actions destinations may also split by mapping.
 */
export const BREAKDOWN_GROUPINGS: Record<DestinationKind, { allowed: readonly Grouping[]; byDefault: readonly Grouping[] }> = {
  classic: { allowed: EVENT_GROUPINGS, byDefault: EVENT_GROUPINGS },
  actions: { allowed: [...EVENT_GROUPINGS, 'MAPPING'], byDefault: EVENT_GROUPINGS },
  storage: { allowed: EVENT_GROUPINGS, byDefault: EVENT_GROUPINGS },
  retl: { allowed: ['OPERATION', 'MAPPING'], byDefault: ['OPERATION', 'MAPPING'] },
  audience: { allowed: ['AUDIENCE', 'OPERATION'], byDefault: ['AUDIENCE', 'OPERATION'] },
};

/** What a Reverse ETL record or an audience membership change was, per kind (`operation` in reports). */
export const OPERATIONS: Partial<Record<DestinationKind, readonly string[]>> = {
  retl: ['added', 'updated', 'removed'],
  audience: ['entered', 'exited'],
};
