import { Field, ID, Int, ObjectType, Directive } from 'type-graphql';
import { CACHE } from '../common/cache-control';
import type { SyncStatus } from '../../domain/steps';
import { SyncStatusEnum } from '../common/enums';
import { Count, DateTime } from '../common/scalars';
import { Cost } from '../common/cost';

@Directive(CACHE.inherit)
@ObjectType({ description: 'One collection (table) of a warehouse sync.' })
export class SyncCollection {
  @Field(() => String)
  name!: string;
  @Field(() => Count)
  rowsSynced!: number;
  @Field(() => Count)
  rowsFailed!: number;
  @Field(() => String, { nullable: true })
  reason!: string | null;
}

@Directive(CACHE.inherit)
@ObjectType({ description: 'One sync of a storage destination to its warehouse.' })
export class WarehouseSync {
  @Field(() => ID, { description: 'The syncId the loader reported.' })
  id!: string;
  @Field(() => DateTime)
  startedAt!: Date;
  @Field(() => DateTime)
  finishedAt!: Date;
  @Field(() => SyncStatusEnum)
  status!: SyncStatus;
  @Field(() => String, { nullable: true })
  reason!: string | null;
  @Cost({ list: { assumed: 10 } })
  @Field(() => [SyncCollection])
  collections!: SyncCollection[];
  @Field(() => Count, { description: 'Rows synced over all collections.' })
  rowsSynced!: number;
  @Field(() => Count, { description: 'Rows that failed over all collections.' })
  rowsFailed!: number;
  @Field(() => Int, { description: 'Collections with at least one failed row.' })
  failedCollections!: number;
}
