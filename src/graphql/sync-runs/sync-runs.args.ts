import { Max, Min } from 'class-validator';
import { ArgsType, Field, Int } from 'type-graphql';
import { MAX_SYNC_RUNS, type SyncRunStatus } from '../../metrics/sync-runs.query';
import { TimeRangeInput } from '../common/time-range.input';
import { SyncRunStatusEnum } from './sync-runs.type';

@ArgsType()
export class SyncRunsArgs {
  @Field(() => TimeRangeInput, { description: 'Runs whose first report falls in the range.' })
  range!: TimeRangeInput;
  @Field(() => SyncRunStatusEnum, { nullable: true })
  status?: SyncRunStatus | null;
  @Field(() => Int, { defaultValue: 100, description: `1-${MAX_SYNC_RUNS}, newest first.` })
  @Min(1)
  @Max(MAX_SYNC_RUNS)
  first!: number;
  @Field(() => String, {
    nullable: true,
    description: 'The `cursor` of the last run of the previous page: the runs listed after it. A page shorter than `first` is the last one.',
  })
  after?: string | null;
}
