import { aggregateFamily } from '../../src/metrics/tiered';

describe('aggregateFamily', () => {
  it('uses the narrow steps tables when no event dimension is needed', () => {
    expect(aggregateFamily(['step', 'destination_id', 'source_id', 'mapping_id', 'reason'], null)).toBe('steps');
    expect(aggregateFamily(['step'], {})).toBe('steps');
    expect(aggregateFamily(['step'], { eventTypes: null, eventNames: null, appVersions: null, enriched: null })).toBe('steps');
  });
  it('uses the full events tables for any event dimension or filter', () => {
    expect(aggregateFamily(['step', 'event_name'], null)).toBe('events');
    expect(aggregateFamily(['step'], { eventNames: ['x'] })).toBe('events');
    expect(aggregateFamily(['step'], { enriched: false })).toBe('events');
  });
});
