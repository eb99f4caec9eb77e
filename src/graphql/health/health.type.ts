import { Field, Float, ObjectType, registerEnumType } from 'type-graphql';
import { Cost } from '../common/cost';
import type { HealthReasonKind as ReasonKind, HealthStatus as Status } from '../../domain/health';

export const HealthStatusEnum = { HEALTHY: 'healthy', ATTENTION: 'attention', IDLE: 'idle' } as const satisfies Record<string, Status>;
registerEnumType(HealthStatusEnum, {
  name: 'HealthStatus',
  description:
    'A destination over a range: HEALTHY, ATTENTION (a reason says why) or IDLE (nothing arrived, failed or waits for a retry). See docs/api.md, Health.',
});

export const HealthReasonKindEnum = {
  FAILURE_RATE_ROSE: 'FAILURE_RATE_ROSE',
  FAILURE_RATE_HIGH: 'FAILURE_RATE_HIGH',
  GOING_QUIET: 'GOING_QUIET',
  RETRY_BACKLOG: 'RETRY_BACKLOG',
  ALERT_FIRING: 'ALERT_FIRING',
  NO_EVENTS: 'NO_EVENTS',
} as const satisfies Record<ReasonKind, ReasonKind>;
registerEnumType(HealthReasonKindEnum, { name: 'HealthReasonKind', description: 'Which part of the health rule a reason comes from.' });

@ObjectType({ description: 'One part of the health rule that applies, in words.' })
export class HealthReason {
  @Field(() => HealthReasonKindEnum)
  kind!: ReasonKind;

  @Field(() => String, { description: 'A short sentence with the numbers, e.g. "failure rate 6 % vs 2 % before".' })
  message!: string;
}

@ObjectType({ description: 'A destination’s health over a range, by the one rule of docs/api.md (Health), with the reasons behind it.' })
export class DestinationHealth {
  @Field(() => HealthStatusEnum)
  status!: Status;

  @Cost({ list: { assumed: 5 } })
  @Field(() => [HealthReason], { description: 'Why it needs attention (or NO_EVENTS when idle); empty when healthy.' })
  reasons!: HealthReason[];

  @Field(() => String, { description: 'One sentence explaining the status, whatever it is (the "why" a page shows per row).' })
  summary!: string;

  @Field(() => Float, {
    nullable: true,
    description:
      'Failed out of failed + successful deliveries in the range, percent (syncs for storage: a partial sync counts in both); null without outcomes.',
  })
  failureRate!: number | null;

  @Field(() => Float, { nullable: true, description: 'The same in the previous period.' })
  previousFailureRate!: number | null;
}
