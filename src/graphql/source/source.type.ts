import { Field, ObjectType, Directive } from 'type-graphql';
import { CACHE } from '../common/cache-control';
import { Destination } from '../catalog/catalog.type';

/** A destination seen from one of its sources (`Source.destinations`): its pipeline is narrowed to that source. */
@Directive(CACHE.inherit)
@ObjectType({ description: 'A destination connected to a source, seen from that source: `pipeline` counts only what came from it.' })
export class SourceDestination {
  /** The source this row was reached from (not exposed: it is the parent). */
  sourceId!: string;

  @Field(() => Destination)
  destination!: Destination;
}
