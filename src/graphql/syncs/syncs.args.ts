import { Max, Min } from 'class-validator';
import { ArgsType, Field, Int } from 'type-graphql';
import type { SyncStatus } from '../../domain/steps';
import { MAX_SYNCS } from '../../metrics/syncs.query';
import { SyncStatusEnum } from '../common/enums';
import { TimeRangeInput } from '../common/time-range.input';

@ArgsType()
export class SyncsArgs {
  @Field(() => TimeRangeInput)
  range!: TimeRangeInput;
  @Field(() => SyncStatusEnum, { nullable: true })
  status?: SyncStatus | null;
  @Field(() => Int, { defaultValue: 100, description: `1-${MAX_SYNCS}, newest first.` })
  @Min(1)
  @Max(MAX_SYNCS)
  first!: number;
}
