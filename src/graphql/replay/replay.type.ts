import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import {
  REPLAY_DELIVERIES,
  REPLAY_STATUSES,
  type BatchProgress,
  type ReplayDelivery,
  type ReplayOutcome as OutcomeValue,
  type ReplayStatus,
} from '../../replay/values';
import { Cost } from '../common/cost';
import { Count, DateTime } from '../common/scalars';

function upperEnum<T extends string>(values: readonly T[]): Record<string, T> {
  return Object.fromEntries(values.map((v) => [v.toUpperCase(), v]));
}

export const ReplayStatusEnum = upperEnum(REPLAY_STATUSES);
registerEnumType(ReplayStatusEnum, {
  name: 'ReplayStatus',
  description: 'Where a replay stands.',
  valuesConfig: {
    PENDING: { description: 'Created; no batch sent or taken yet.' },
    SENDING: { description: 'Batches are being pushed, or pulled.' },
    SENT: { description: 'Every batch was acknowledged (a 2xx from the endpoint, or the puller asked past it).' },
    CANCELLED: { description: 'Cancelled; batches sent before stay sent.' },
    FAILED: { description: 'A batch was refused for good, or ran out of attempts; see error.' },
  },
});

export const ReplayDeliveryEnum = upperEnum(REPLAY_DELIVERIES);
registerEnumType(ReplayDeliveryEnum, {
  name: 'ReplayDelivery',
  description: "How the delivery system gets a replay's messages.",
  valuesConfig: {
    PUSH: { description: "The gateway POSTs signed batches to the workspace's replay endpoint (docs/replay.md)." },
    PULL: { description: 'The delivery system reads GET /v1/replays/<id>/messages, batch by batch.' },
  },
});

@ObjectType({ description: 'Undelivered messages with one reason.' })
export class ReplayReasonCount {
  @Field(() => String)
  reason!: string;
  @Field(() => Count)
  count!: number;
}

@ObjectType({ description: 'Undelivered messages of one Actions mapping (null: the destination has no mappings).' })
export class ReplayMappingCount {
  @Field(() => ID, { nullable: true })
  mappingId!: string | null;
  @Field(() => Count)
  count!: number;
}

@ObjectType({ description: 'What a replay of this input would hold, read from the same definition as `undelivered`.' })
export class ReplayPreview {
  @Field(() => Count, { description: 'Undelivered messages that match (a message counts once per mapping).' })
  total!: number;
  @Field(() => Count, { description: 'Of those, already in an active (pending or sending) replay of the destination: a new replay leaves them out.' })
  inActiveReplay!: number;
  @Field(() => Count, { description: 'What createReplay would freeze now: total − inActiveReplay.' })
  replayable!: number;
  @Field(() => Count, { description: 'The most one replay may hold (REPLAY_MAX_MESSAGES); more is refused.' })
  maxMessages!: number;
  @Cost({ list: { assumed: 20 } })
  @Field(() => [ReplayReasonCount], { description: 'By the reason of the final failure, largest first.' })
  byReason!: ReplayReasonCount[];
  @Cost({ list: { assumed: 20 } })
  @Field(() => [ReplayMappingCount], { description: 'By mapping, largest first.' })
  byMapping!: ReplayMappingCount[];
}

@ObjectType({ description: 'Batches and messages handed to the delivery system so far.' })
export class ReplayProgress implements BatchProgress {
  @Field(() => Int, { description: 'Batches pushed at least once, or taken by a puller.' })
  batchesSent!: number;
  @Field(() => Int, { description: 'Batches the endpoint answered 2xx, or the puller asked past.' })
  batchesAcknowledged!: number;
  @Field(() => Count)
  messagesSent!: number;
  @Field(() => Count)
  messagesAcknowledged!: number;
}

@ObjectType({
  description: "What later reports say of a replay's messages: the newest delivered or failed delivery report since the replay was created decides.",
})
export class ReplayOutcome implements OutcomeValue {
  @Field(() => Count, { description: 'Delivered since the replay was created.' })
  recovered!: number;
  @Field(() => Count, { description: 'Failed delivery again since the replay was created.' })
  failedAgain!: number;
  @Cost({ list: { assumed: 20 } })
  @Field(() => [ReplayReasonCount], { description: 'The failed-again messages by the reason of their newest failure, largest first.' })
  failedAgainByReason!: ReplayReasonCount[];
  @Field(() => Count, { description: 'No delivered or failed report since the replay was created.' })
  waiting!: number;
}

@ObjectType({ description: 'A replay: the frozen ids of undelivered messages, handed to the delivery system in signed batches.' })
export class Replay {
  @Field(() => ID)
  id!: string;
  @Field(() => ID)
  destinationId!: string;
  @Field(() => ID, { nullable: true, description: 'The mapping the input named, if any (the messages carry their own).' })
  mappingId!: string | null;
  @Field(() => ReplayDeliveryEnum)
  delivery!: ReplayDelivery;
  @Field(() => ReplayStatusEnum)
  status!: ReplayStatus;
  @Field(() => String, { description: 'The input it was created from, as JSON (range resolved to from/to).' })
  selection!: string;
  @Field(() => Count, { description: 'Messages frozen into it (message and mapping pairs).' })
  messages!: number;
  @Field(() => Int)
  batches!: number;
  @Field(() => Int, { description: 'Messages per batch (REPLAY_BATCH_SIZE when it was created); the last batch may hold fewer.' })
  batchSize!: number;
  @Field(() => String, { description: 'The id of the token that created it (tok_…).' })
  createdBy!: string;
  @Field(() => DateTime)
  createdAt!: Date;
  @Field(() => DateTime, { nullable: true, description: 'When the first batch was sent or taken.' })
  startedAt!: Date | null;
  @Field(() => DateTime, { nullable: true, description: 'When it was sent, cancelled or failed.' })
  finishedAt!: Date | null;
  @Field(() => String, { nullable: true, description: 'The id of the token that cancelled it.' })
  cancelledBy!: string | null;
  @Field(() => String, { nullable: true, description: 'Why it failed.' })
  error!: string | null;
  @Field(() => String, { nullable: true, description: 'The idempotency key it was created with.' })
  idempotencyKey!: string | null;
  /** Precomputed by a live poll (replayUpdated); else the field resolvers read them. */
  progressValue?: BatchProgress;
  outcomeValue?: OutcomeValue;
}

@ObjectType({ description: "The workspace's replay endpoint. The URL is shown as its origin only, and the secret never." })
export class ReplayEndpoint {
  @Field(() => String, { description: 'Scheme, host and port of the endpoint (its path may hold a credential).' })
  url!: string;
  @Field(() => DateTime, { description: 'When the current signing secret was made.' })
  secretSetAt!: Date;
  @Field(() => DateTime, { nullable: true, description: 'After a rotation: requests are signed with the previous secret too until then.' })
  previousSecretUntil!: Date | null;
  @Field(() => String, { description: 'The id of the token that last changed it.' })
  updatedBy!: string;
  @Field(() => DateTime)
  updatedAt!: Date;
}

@ObjectType({ description: 'The endpoint after a change, with the new signing secret when one was made (shown this once).' })
export class ReplayEndpointChange {
  @Field(() => ReplayEndpoint)
  endpoint!: ReplayEndpoint;
  @Field(() => String, { nullable: true, description: 'whsec_… (Standard Webhooks): shown only now; null when the secret did not change.' })
  secret!: string | null;
}
