import { Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import { BREAKDOWN_DIMENSIONS } from '../../metrics/breakdown.query';
import type { Grouping } from '../../domain/steps';
import { Cost } from '../common/cost';
import type { RequestContext } from '../context';
import type { BreakdownAttemptsKey } from '../loaders';
import { Attempts, attemptsOf } from '../pipeline/attempts';
import { BreakdownRow } from './breakdown.type';

/** A breakdown row as the breakdown resolver returned it: `attemptsKey` is not a field, only what `attempts` reads. */
interface RowValue {
  count: number;
  attemptsKey?: BreakdownAttemptsKey;
}

/**
 * Marks the rows of a delivered or failed_delivery breakdown by event dimensions as able to
 * answer `attempts`; other steps and the connection kinds' groupings answer null.
 */
export function withRowAttempts<R extends { eventType: string | null; eventName: string | null; appVersion: string | null }>(
  rows: R[],
  groupBy: readonly Grouping[],
  key: Omit<BreakdownAttemptsKey, 'tuple' | 'groupBy'>,
): (R & Pick<RowValue, 'attemptsKey'>)[] {
  const step = key.scope.step;
  if ((step !== 'delivered' && step !== 'failed_delivery') || !groupBy.every((d) => (BREAKDOWN_DIMENSIONS as readonly string[]).includes(d))) return rows;
  return rows.map((r) => ({
    ...r,
    attemptsKey: { ...key, groupBy: groupBy as BreakdownAttemptsKey['groupBy'], tuple: [r.eventType ?? '', r.eventName ?? '', r.appVersion ?? ''] },
  }));
}

@Resolver(() => BreakdownRow)
export class BreakdownRowResolver {
  @Cost({ query: true, batched: true })
  @FieldResolver(() => Attempts, {
    nullable: true,
    description:
      "Breakdowns of Successful or Failed delivery by event type, name or app version: this row's events on the first attempt and after retries. Null for other steps and groupings.",
  })
  // The root typed as a plain object: a class type would make type-graphql hand over a copy without `attemptsKey`.
  async attempts(@Root() row: RowValue, @Ctx() ctx: RequestContext): Promise<Attempts | null> {
    const key = row.attemptsKey;
    if (!key) return null;
    return attemptsOf(await ctx.forWorkspace().loaders.breakdownAttempts.load(key), row.count);
  }
}
