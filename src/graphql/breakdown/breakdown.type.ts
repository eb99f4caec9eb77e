import { Field, ObjectType, Directive } from 'type-graphql';
import { CACHE } from '../common/cache-control';
import { MeasuredRow } from '../common/measured.type';

@Directive(CACHE.inherit)
@ObjectType({
  description:
    'Events of one step for one combination of the dimensions grouped by (event type, name, app version; for Reverse ETL operation and mapping; for audiences audience and operation).',
})
export class BreakdownRow extends MeasuredRow {
  @Field(() => String, { nullable: true, description: 'Empty when the producer did not report it; null when not grouped by EVENT_TYPE.' })
  eventType!: string | null;
  @Field(() => String, { nullable: true, description: 'Null when not grouped by EVENT_NAME.' })
  eventName!: string | null;
  @Field(() => String, { nullable: true, description: 'Null when not grouped by APP_VERSION.' })
  appVersion!: string | null;
  @Field(() => String, {
    nullable: true,
    description: 'Reverse ETL: added, updated or removed; audience: entered or exited. Null when not grouped by OPERATION.',
  })
  operation!: string | null;
  @Field(() => String, { nullable: true, description: 'The mapping (empty for records no mapping saw). Null when not grouped by MAPPING.' })
  mappingId!: string | null;
  @Field(() => String, { nullable: true, description: 'Null when not grouped by AUDIENCE.' })
  audienceId!: string | null;
  @Field(() => String, { nullable: true, description: "The audience's space. Null when not grouped by AUDIENCE." })
  spaceId!: string | null;
}
