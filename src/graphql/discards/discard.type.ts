import { Field, Int, ObjectType, Directive } from 'type-graphql';
import { ReportedEvent } from '../common/event-fields';
import { CACHE } from '../common/cache-control';
import type { DiscardSampleValue } from '../../metrics/breakdown.query';
import type { DestinationKind } from '../../domain/steps';
import { DestinationKindEnum, PipelineStepKind } from '../common/enums';
import { MeasuredRow } from '../common/measured.type';
import { DateTime } from '../common/scalars';
import { Cost } from '../common/cost';

@Directive(CACHE.fixed)
@ObjectType({ description: 'A discard reason from the remedy catalogue: what happened and what to do.' })
export class DiscardReason {
  @Field(() => String, { description: 'The code as stored and counted (exact case): the canonical code of the reason, whichever alias a producer sent.' })
  code!: string;
  @Cost({ list: { assumed: 2 } })
  @Field(() => [String], { description: 'Other codes producers send for the same reason; ingest stores them as `code`.' })
  aliases!: readonly string[];
  @Field(() => PipelineStepKind)
  step!: PipelineStepKind;
  @Field(() => String)
  title!: string;
  @Field(() => String, { description: 'What happened.' })
  description!: string;
  @Field(() => String, { description: 'What to do about it.' })
  remedy!: string;
  @Field(() => String)
  docsUrl!: string;
  @Field(() => Boolean, { description: 'True when the code is not in the catalogue (still counted and shown).' })
  unknown!: boolean;
  @Cost({ list: { assumed: 5 } })
  @Field(() => [DestinationKindEnum], { description: 'The destination kinds whose producers report this code (delivery errors: every kind that delivers).' })
  kinds!: readonly DestinationKind[];
}

@Directive(CACHE.inherit)
@ObjectType({ description: 'One HTTP header of a sample request or response, as the producer sent it; a secret\'s value reads "[redacted]".' })
export class SampleHeader {
  @Field(() => String)
  name!: string;
  @Field(() => String)
  value!: string;
}

/** What a request and a response share: the producer's selected headers and the body. */
// Decorated so subclasses inherit the fields; never referenced, so never emitted as a type of its own.
@ObjectType()
abstract class SampleMessage {
  @Cost({ list: { assumed: 10 } })
  @Field(() => [SampleHeader], { description: 'The headers the producer chose to send, in its order.' })
  headers!: SampleHeader[];
  @Field(() => String, { nullable: true, description: 'The body: a string body as sent, any other JSON as its JSON text, cut at the sample size limit.' })
  body!: string | null;
  @Field(() => Boolean, { description: 'True when the body was cut.' })
  bodyTruncated!: boolean;
}

@Directive(CACHE.inherit)
@ObjectType({ description: 'The request a failed delivery sent: credentials in the URL and secret headers are redacted (at ingest, and again as it is read).' })
export class SampleRequest extends SampleMessage {
  @Field(() => String, { nullable: true, description: 'The HTTP method, as sent.' })
  method!: string | null;
  @Field(() => String, { nullable: true, description: 'The URL, with userinfo and secret-named query, fragment and matrix parameters redacted.' })
  url!: string | null;
}

@Directive(CACHE.inherit)
@ObjectType({ description: "The destination's response to a failed delivery: secret headers are redacted (at ingest, and again as it is read)." })
export class SampleResponse extends SampleMessage {
  @Field(() => Int, { nullable: true, description: 'The HTTP status (100-599).' })
  status!: number | null;
}

@Directive(CACHE.inherit)
@ObjectType({ description: 'One discarded event kept as a sample at ingest.' })
export class DiscardSample extends ReportedEvent {
  @Field(() => DateTime)
  at!: Date;
  @Field(() => String, { nullable: true })
  messageId!: string | null;
  @Field(() => String, { description: "The reason code as the producer sent it (may be an alias of its row's code)." })
  reason!: string;
  @Field(() => String)
  sourceId!: string;
  @Field(() => String, { nullable: true, description: 'The payload as JSON text, cut at the sample size limit.' })
  payload!: string | null;
  @Field(() => Boolean, { description: 'True when the payload was cut.' })
  truncated!: boolean;
  @Field(() => String, { nullable: true })
  error!: string | null;
  @Field(() => SampleRequest, { nullable: true, description: 'Failed deliveries: the request sent, when the producer reported it.' })
  request!: SampleRequest | null;
  @Field(() => SampleResponse, {
    nullable: true,
    description: 'Failed deliveries: the response received, when the producer reported it (none after a timeout).',
  })
  response!: SampleResponse | null;
}

@Directive(CACHE.inherit)
@ObjectType({ description: 'Events one discard step dropped for one reason.' })
export class DiscardRow extends MeasuredRow {
  @Field(() => DiscardReason)
  reason!: DiscardReason;
  /** Not exposed: the samples of every row of one table, fetched once. */
  samplesOfTable!: () => Promise<DiscardSampleValue[]>;
}
