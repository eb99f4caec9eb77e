import { ArrayMaxSize, IsOptional, Max, Min } from 'class-validator';
import { ArgsType, Field, ID, InputType, Int } from 'type-graphql';
import { PipelineStepKind } from '../../domain/steps';
import { EventFilter, TimeRangeInput } from '../common/time-range.input';
import { ReplayDeliveryEnum } from './replay.type';
import type { ReplayDelivery } from '../../replay/values';

export const MAX_REPLAY_MESSAGE_IDS = 10_000;
export const MAX_REPLAYS_PAGE = 100;
const MAX_KEY_LENGTH = 128;

@InputType({
  description:
    'Which undelivered messages to replay: the arguments of `Destination.undelivered` (a range and optional reason, mapping and event filter), or an explicit list of message ids (still only those that are undelivered).',
})
export class ReplayInput {
  @Field(() => ID)
  destinationId!: string;
  @Field(() => TimeRangeInput, {
    nullable: true,
    description:
      'When the final failures happened (inside the retained 14 days; lookback defaults to false). Required unless messageIds is given; then the default is LAST_2_WEEKS.',
  })
  range?: TimeRangeInput | null;
  @Field(() => PipelineStepKind, { nullable: true, description: 'FAILED_DELIVERY, the only step a message stays undelivered at; any other is refused.' })
  step?: PipelineStepKind | null;
  @Field(() => String, { nullable: true, description: 'Only final failures with this discard reason code.' })
  reason?: string | null;
  @Field(() => ID, { nullable: true, description: 'Actions: only this mapping.' })
  mappingId?: string | null;
  @Field(() => EventFilter, { nullable: true, description: 'Only messages whose final failure report matches.' })
  filter?: EventFilter | null;
  @Field(() => [String], { nullable: true, description: `Only these message ids (at most ${MAX_REPLAY_MESSAGE_IDS}).` })
  @IsOptional()
  @ArrayMaxSize(MAX_REPLAY_MESSAGE_IDS)
  messageIds?: string[] | null;
}

@ArgsType()
export class CreateReplayArgs {
  @Field(() => ReplayInput)
  input!: ReplayInput;
  @Field(() => ReplayDeliveryEnum, { defaultValue: 'push', description: 'PUSH to the replay endpoint (needs one), or PULL from /v1/replays/<id>/messages.' })
  delivery!: ReplayDelivery;
  @Field(() => String, {
    nullable: true,
    description: `The same key again returns the first replay made with it (1-${MAX_KEY_LENGTH} visible ASCII characters).`,
  })
  idempotencyKey?: string | null;
}

@ArgsType()
export class ReplaysArgs {
  @Field(() => Int, { defaultValue: 20, description: `1-${MAX_REPLAYS_PAGE} replays, newest first.` })
  @Min(1)
  @Max(MAX_REPLAYS_PAGE)
  first!: number;
  @Field(() => ID, { nullable: true, description: 'The id of the last replay of the previous page.' })
  after?: string | null;
}

export const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,128}$/;
