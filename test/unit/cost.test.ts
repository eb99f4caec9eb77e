import { isListType, isNonNullType, isObjectType, parse, type GraphQLOutputType } from 'graphql';
import { MAX_BREAKDOWN_ROWS } from '../../src/graphql/breakdown/breakdown.args';
import { MAX_SAMPLES } from '../../src/graphql/discards/discards.resolver';
import { costOf, costSpecOf } from '../../src/graphql/transport/cost';
import { DestinationViewDocument } from '../../web/src/gql/graphql';
import { destinationViewVariables } from '../../web/src/views/destination-query';
import { gatewaySchema } from '../../src/graphql/schema';

const now = Date.UTC(2026, 10, 25, 12, 0, 0);
const cost = (q: string, v: Record<string, unknown> = {}) => costOf(gatewaySchema(), parse(q), null, v, now);

describe('operation cost', () => {
  it('prices the dashboard overview of two weeks well under the limit, the batched pipeline query once', () => {
    const q = '{ destinations { id pipeline(range: { preset: LAST_2_WEEKS }) { steps { kind count share change { count percentagePoints } } } } }';
    const c = cost(q);
    expect(c).toBeGreaterThan(1000);
    expect(c).toBeLessThan(2000);
    // 200 real destinations: ten times the rows, the pipeline's query cost still counted once.
    const big = costOf(gatewaySchema(), parse(q), null, {}, now, { destinations: 200, sources: 10 });
    expect(big).toBeGreaterThan(c * 5);
    expect(big).toBeLessThan(20_000);
  });

  it('prices lists that declare one at the workspace’s real size, a batched query once', () => {
    const q = '{ destinations { timeseries(step: SUCCESSFUL_DELIVERY, range: { preset: LAST_2_WEEKS }, granularity: DAY) { total points { at count } } } }';
    const one = costOf(gatewaySchema(), parse(q), null, {}, now, { destinations: 1, sources: 1 });
    const thousand = costOf(gatewaySchema(), parse(q), null, {}, now, { destinations: 1000, sources: 1 });
    // `destinations` costs 1; each destination its fields; the 14-day query cost (140) counts once.
    expect(thousand).toBe(1 + 140 + (one - 141) * 1000);
    expect(thousand).toBeGreaterThan(20_000);
  });

  it('grows with the range width and with list bounds', () => {
    const hour = cost('{ destination(id: "d") { breakdown(step: SUCCESSFULLY_RECEIVED, range: { preset: LAST_HOUR }, first: 10) { eventName } } }');
    const weeks = cost('{ destination(id: "d") { breakdown(step: SUCCESSFULLY_RECEIVED, range: { preset: LAST_2_WEEKS }, first: 10) { eventName } } }');
    const more = cost('{ destination(id: "d") { breakdown(step: SUCCESSFULLY_RECEIVED, range: { preset: LAST_2_WEEKS }, first: 1000) { eventName } } }');
    expect(weeks).toBeGreaterThan(hour * 5);
    expect(more).toBeGreaterThan(weeks);
  });

  it('reads ranges and bounds from variables', () => {
    const q = 'query($r: TimeRangeInput!, $n: Int!) { destinations { breakdown(step: SUCCESSFULLY_RECEIVED, range: $r, first: $n) { eventName } } }';
    expect(cost(q, { r: { preset: 'LAST_2_WEEKS' }, n: 1000 })).toBeGreaterThan(cost(q, { r: { preset: 'LAST_HOUR' }, n: 10 }) * 10);
  });

  it('leaves out what @include(if: false) and @skip(if: true) leave out (the page asks for its open panels only)', () => {
    const q =
      'query($on: Boolean!) { destination(id: "d") { breakdown(step: SUCCESSFULLY_RECEIVED, range: { preset: LAST_2_WEEKS }, first: 1000) @include(if: $on) { eventName } id } }';
    const skipped =
      'query($off: Boolean!) { destination(id: "d") { breakdown(step: SUCCESSFULLY_RECEIVED, range: { preset: LAST_2_WEEKS }, first: 1000) @skip(if: $off) { eventName } id } }';
    const without = cost('{ destination(id: "d") { id } }');
    expect(cost(q, { on: false })).toBe(without);
    expect(cost(skipped, { off: true })).toBe(without);
    expect(cost(q, { on: true })).toBeGreaterThan(1000);
  });

  it('ignores introspection', () => {
    expect(cost('{ __schema { types { name fields { name } } } }')).toBe(0);
  });
});

describe('cost declarations on the fields', () => {
  const fields = () => {
    const out: { coordinate: string; field: import('graphql').GraphQLField<unknown, unknown> }[] = [];
    for (const type of Object.values(gatewaySchema().getTypeMap())) {
      if (!isObjectType(type) || type.name.startsWith('__')) continue;
      for (const field of Object.values(type.getFields())) out.push({ coordinate: `${type.name}.${field.name}`, field });
    }
    return out;
  };

  it('every list field declares its size, every ranged field whether it queries', () => {
    const isList = (t: GraphQLOutputType) => isListType(isNonNullType(t) ? t.ofType : t);
    const missing = fields()
      .filter(
        ({ field }) =>
          (isList(field.type) && !costSpecOf(field)?.list) || (field.args.some((a) => a.name === 'range') && costSpecOf(field)?.query === undefined),
      )
      .map((f) => f.coordinate);
    expect(missing).toEqual([]);
  });

  it('list bounds are the constants the resolvers validate with', () => {
    const spec = (c: string) => costSpecOf(fields().find((f) => f.coordinate === c)!.field);
    expect(spec('Destination.breakdown')?.list).toMatchObject({ arg: 'first', max: MAX_BREAKDOWN_ROWS });
    expect(spec('DiscardRow.samples')?.list).toMatchObject({ arg: 'limit', max: MAX_SAMPLES });
  });
});

describe('what a timeseries returns is what it costs (review finding)', () => {
  const q = (granularity: string, preset: string, split: boolean) =>
    cost(
      `{ destination(id: "d") { timeseries(step: SUCCESSFUL_DELIVERY, range: { preset: ${preset} }, granularity: ${granularity}${split ? ', groupBy: [EVENT_NAME]' : ''}) { total points { at count } } } }`,
    );

  it('prices every point of every series: one series unless split, one point per bucket', () => {
    // 2 weeks of hours split by name: up to 50 series × 337 buckets × 2 fields, over the limit alone.
    expect(q('HOUR', 'LAST_2_WEEKS', true)).toBeGreaterThan(20_000);
    // Unsplit, a day of hours is one series of 25 points.
    expect(q('HOUR', 'LAST_24_HOURS', false)).toBeLessThan(200);
    expect(q('HOUR', 'LAST_7_DAYS', false)).toBeGreaterThan(q('HOUR', 'LAST_24_HOURS', false) * 5);
  });

  it('counts each distinct argument set of a batched field once (aliases with other ranges are other statements)', () => {
    const one = cost('{ destination(id: "d") { a: timeseries(step: SUCCESSFUL_DELIVERY, range: { preset: LAST_2_WEEKS }, granularity: DAY) { total } } }');
    const two = cost(
      '{ destination(id: "d") { a: timeseries(step: SUCCESSFUL_DELIVERY, range: { preset: LAST_2_WEEKS }, granularity: DAY) { total } b: timeseries(step: FAILED_DELIVERY, range: { preset: LAST_2_WEEKS }, granularity: DAY) { total } } }',
    );
    expect(two - one).toBeGreaterThanOrEqual(140);
  });
});

describe('the page’s one request per view (web/src/views/destination-query.ts)', () => {
  it('stays under the default limit at two weeks, whichever step is open', () => {
    const base = {
      range: { preset: 'LAST_2_WEEKS' as const },
      rangeProblem: null,
      timeZone: 'UTC',
      zoneProblem: null,
      filters: { eventType: [], eventName: ['x'], appVersion: [], enriched: null },
      mapping: null,
      reason: null,
      view: 'percent' as const,
      lookback: true,
      samples: null,
      sync: null,
      doc: null,
    };
    const steps = [null, 'SUCCESSFULLY_RECEIVED', 'FAILED_DELIVERY', 'FAILED_TO_SYNC', 'RECORDS_EXTRACTED'] as const;
    const costs = steps.flatMap((step) =>
      [null, '429'].map((reason) =>
        cost(DestinationViewDocument.toString(), destinationViewVariables('d', { ...base, step, reason }, true) as unknown as Record<string, unknown>),
      ),
    );
    expect(Math.max(...costs)).toBeLessThan(20_000);
    // The first draw (pipeline only) is a small fraction of it.
    expect(
      cost(DestinationViewDocument.toString(), destinationViewVariables('d', { ...base, step: null }, false) as unknown as Record<string, unknown>),
    ).toBeLessThan(1_000);
  });
});
