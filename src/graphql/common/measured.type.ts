import { Field, Float, ObjectType } from 'type-graphql';
import { Change, MAPPING_SHARE_DESCRIPTION } from '../pipeline/pipeline.type';
import { Count } from './scalars';

/** Count, previous count, share and change: what every row of a breakdown or discard table carries. */
// Decorated so subclasses inherit the fields; never referenced, so never emitted as a type of its own.
@ObjectType()
export abstract class MeasuredRow {
  @Field(() => Count)
  count!: number;
  @Field(() => Count)
  previousCount!: number;
  @Field(() => Float, { nullable: true, description: 'Percent of Successfully received.' })
  share!: number | null;
  @Field(() => Float, { nullable: true, description: MAPPING_SHARE_DESCRIPTION })
  mappingShare!: number | null;
  @Field(() => Change)
  change!: Change;
}
