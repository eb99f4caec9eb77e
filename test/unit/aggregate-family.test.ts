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
  it('uses the connections tables for an operation, audience or space, never with an event filter', () => {
    expect(aggregateFamily(['step', 'destination_id', 'operation'], null)).toBe('connections');
    expect(aggregateFamily(['step', 'mapping_id', 'audience_id', 'space_id'], {})).toBe('connections');
    // A mapping alone is a step dimension: every kind's rows are in the narrow tier.
    expect(aggregateFamily(['step', 'mapping_id'], null)).toBe('steps');
    expect(aggregateFamily(['step', 'operation'], { eventNames: ['x'] })).toBe('events');
  });
});
