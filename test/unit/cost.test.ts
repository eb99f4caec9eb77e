import { parse } from 'graphql';
import { costOf } from '../../src/graphql/transport/cost';
import { gatewaySchema } from '../../src/graphql/schema';

const now = Date.UTC(2026, 10, 25, 12, 0, 0);
const cost = (q: string, v: Record<string, unknown> = {}) => costOf(gatewaySchema(), parse(q), null, v, now);

describe('operation cost', () => {
  it('prices the dashboard overview of two weeks well under the limit', () => {
    const c = cost('{ destinations { id pipeline(range: { preset: LAST_2_WEEKS }) { steps { kind count share change { count percentagePoints } } } } }');
    expect(c).toBeGreaterThan(2000);
    expect(c).toBeLessThan(6000);
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

  it('ignores introspection', () => {
    expect(cost('{ __schema { types { name fields { name } } } }')).toBe(0);
  });
});
