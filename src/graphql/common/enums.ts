import { registerEnumType } from 'type-graphql';
import { WORKSPACE_SCOPES } from '../../auth/scopes';
import { DESTINATION_KINDS, PipelineStepKind, REPORT_STEPS, SYNC_STATUSES } from '../../domain/steps';

/** GraphQL enums are derived from the domain lists, never retyped. */
function upperEnum<T extends string>(values: readonly T[]): Record<string, T> {
  return Object.fromEntries(values.map((v) => [v.toUpperCase(), v]));
}

export const DestinationKindEnum = upperEnum(DESTINATION_KINDS);
registerEnumType(DestinationKindEnum, { name: 'DestinationKind', description: 'How a destination receives events.' });

export const ScopeEnum = upperEnum(WORKSPACE_SCOPES);
registerEnumType(ScopeEnum, {
  name: 'Scope',
  description:
    'What a workspace token may do: read metrics, ingest reports, administer (alert rules, names, the replay endpoint), replay undelivered messages (create, cancel, pull; admin implies it).',
});

export const CatalogEntityEnum = upperEnum(['source', 'destination', 'mapping'] as const);
registerEnumType(CatalogEntityEnum, { name: 'CatalogEntity', description: 'A kind of catalog entry that can be given a display name.' });

registerEnumType(PipelineStepKind, { name: 'PipelineStepKind', description: 'A box of the pipeline view.' });
export { PipelineStepKind };

export const ReportStepEnum = upperEnum(REPORT_STEPS);
registerEnumType(ReportStepEnum, { name: 'ReportStep', description: 'A step as producers report it to /v1/ingest.' });

export const SyncStatusEnum = upperEnum(SYNC_STATUSES);
registerEnumType(SyncStatusEnum, { name: 'SyncStatus', description: 'Outcome of a warehouse sync.' });
