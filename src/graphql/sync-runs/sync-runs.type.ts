import { Field, ID, ObjectType, registerEnumType, Directive } from 'type-graphql';
import { CACHE } from '../common/cache-control';
import { SYNC_RUN_STATUSES, type SyncRunStatus } from '../../metrics/sync-runs.query';
import { Count, DateTime } from '../common/scalars';
import { Cost } from '../common/cost';
import { DiscardReason } from '../discards/discard.type';

export const SyncRunStatusEnum = Object.fromEntries(SYNC_RUN_STATUSES.map((s) => [s.toUpperCase(), s])) as Record<string, SyncRunStatus>;
registerEnumType(SyncRunStatusEnum, {
  name: 'SyncRunStatus',
  description:
    'How a Reverse ETL sync run went, read from its reports: SUCCESS (no record failed to extract or to deliver), FAILED (records failed and none was delivered), PARTIAL (some failed, some were delivered).',
});

@Directive(CACHE.inherit)
@ObjectType({ description: 'What a sync run did with its records, split like its pipeline.' })
export class SyncRunCounts {
  @Field(() => Count, { description: 'Records extracted (Records extracted).' })
  extracted!: number;
  @Field(() => Count, { description: 'Extracted records that were added to the model since the previous run.' })
  added!: number;
  @Field(() => Count, { description: 'Extracted records that changed since the previous run.' })
  updated!: number;
  @Field(() => Count, { description: 'Extracted records that left the model since the previous run.' })
  removed!: number;
  @Field(() => Count, { description: 'Failed to extract.' })
  failedToExtract!: number;
  @Field(() => Count, { description: 'Filtered at mapping.' })
  filtered!: number;
  @Field(() => Count, { description: 'Successful delivery.' })
  delivered!: number;
  @Field(() => Count, { description: 'Failed delivery.' })
  failed!: number;
  @Field(() => Count, { description: "Entered the retry queue and not yet resolved, among the run's reports." })
  retryPending!: number;
}

@Directive(CACHE.inherit)
@ObjectType({ description: 'A discard reason of one sync run, with its count.' })
export class SyncRunReason {
  @Field(() => DiscardReason)
  reason!: DiscardReason;
  @Field(() => Count)
  count!: number;
}

@Directive(CACHE.inherit)
@ObjectType({ description: "One mapping's or one operation's share of a sync run." })
export class SyncRunSplit extends SyncRunCounts {
  @Field(() => String, { description: 'The mappingId (empty for records no mapping saw), or the operation.' })
  value!: string;
}

@Directive(CACHE.inherit)
@ObjectType({ description: 'One sync run of a Reverse ETL destination: every report that carried its syncId.' })
export class SyncRun extends SyncRunCounts {
  @Field(() => ID, { description: 'The syncId producers reported.' })
  id!: string;
  @Field(() => DateTime, { description: "The run's first report." })
  startedAt!: Date;
  @Field(() => DateTime, { description: "The run's last report." })
  finishedAt!: Date;
  @Field(() => SyncRunStatusEnum)
  status!: SyncRunStatus;
  @Field(() => String, { description: "This run's place in the list (newest first): pass it as `syncRuns(after:)` for the runs that started before it." })
  cursor!: string;
  @Cost({ list: { assumed: 3 } })
  @Field(() => [SyncRunReason], { description: 'Its largest discard reasons (failed to extract, filtered at mapping, failed delivery), at most 3.' })
  topReasons!: SyncRunReason[];
  /** Not exposed: the destination the run belongs to, for the detail fields. */
  destinationId!: string;
}
