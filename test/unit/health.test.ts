import { destinationHealth, healthFactsOf, HEALTH_RULE, type HealthStep } from '../../src/domain/health';
import { PipelineStepKind as K } from '../../src/domain/steps';

/** A classic destination's boxes: [now, before] per step. */
function classic(counts: Partial<Record<K, [number, number]>>): HealthStep[] {
  const layout = [K.SUCCESSFULLY_RECEIVED, K.FAILED_ON_INGEST, K.FILTERED_AT_SOURCE, K.FILTERED_AT_DESTINATION, K.FAILED_DELIVERY, K.SUCCESSFUL_DELIVERY];
  return layout.map((kind) => ({ kind, count: counts[kind]?.[0] ?? 0, previousCount: counts[kind]?.[1] ?? 0 }));
}

describe('destination health (src/domain/health.ts)', () => {
  it('a destination 70 % filtered on purpose, with no failures, is healthy', () => {
    const steps = classic({
      [K.SUCCESSFULLY_RECEIVED]: [10_000, 9_000],
      [K.FILTERED_AT_SOURCE]: [3_000, 0],
      [K.FILTERED_AT_DESTINATION]: [4_000, 500],
      [K.SUCCESSFUL_DELIVERY]: [3_000, 8_500],
    });
    const health = destinationHealth(healthFactsOf('classic', steps, 0, []));
    expect(health.status).toBe('healthy');
    expect(health.reasons).toEqual([]);
    expect(health.failureRate).toBe(0);
    expect(health.summary).toBe('failure rate 0 % vs 0 % before; delivering');
  });

  it('a destination whose failure rate tripled needs attention, and says so with both rates', () => {
    const steps = classic({ [K.SUCCESSFULLY_RECEIVED]: [10_000, 10_000], [K.FAILED_DELIVERY]: [600, 200], [K.SUCCESSFUL_DELIVERY]: [9_400, 9_800] });
    const health = destinationHealth(healthFactsOf('classic', steps, 0, []));
    expect(health.status).toBe('attention');
    expect(health.reasons).toEqual([{ kind: 'FAILURE_RATE_ROSE', message: 'failure rate 6 % vs 2 % before' }]);
    expect(health.failureRate).toBeCloseTo(6, 9);
    expect(health.previousFailureRate).toBeCloseTo(2, 9);
  });

  it('a steady failure rate under the ceiling is healthy; at the ceiling it needs attention', () => {
    const steady = classic({ [K.SUCCESSFULLY_RECEIVED]: [1_000, 1_000], [K.FAILED_DELIVERY]: [150, 140], [K.SUCCESSFUL_DELIVERY]: [850, 860] });
    expect(destinationHealth(healthFactsOf('classic', steady, 0, [])).status).toBe('healthy');
    const high = classic({ [K.SUCCESSFULLY_RECEIVED]: [1_000, 1_000], [K.FAILED_DELIVERY]: [250, 240], [K.SUCCESSFUL_DELIVERY]: [750, 760] });
    expect(destinationHealth(healthFactsOf('classic', high, 0, [])).reasons).toEqual([
      { kind: 'FAILURE_RATE_HIGH', message: `failure rate 25 %, at or above ${HEALTH_RULE.ceilingPercent} %` },
    ]);
  });

  it('a new destination (no outcomes before) is judged by the ceiling only', () => {
    const fresh = classic({ [K.SUCCESSFULLY_RECEIVED]: [5_000, 0], [K.FAILED_DELIVERY]: [70, 0], [K.SUCCESSFUL_DELIVERY]: [4_350, 0] });
    expect(destinationHealth(healthFactsOf('classic', fresh, 0, []))).toMatchObject({
      status: 'healthy',
      previousFailureRate: null,
      summary: 'failure rate 1.6 %; delivering',
    });
  });

  it('a few failures do not count as a rise (too few to tell)', () => {
    const steps = classic({ [K.SUCCESSFULLY_RECEIVED]: [100, 100], [K.FAILED_DELIVERY]: [9, 0], [K.SUCCESSFUL_DELIVERY]: [91, 100] });
    expect(destinationHealth(healthFactsOf('classic', steps, 0, [])).status).toBe('healthy');
  });

  it('delivering nothing while events arrive needs attention; arriving nothing is idle', () => {
    const quiet = classic({ [K.SUCCESSFULLY_RECEIVED]: [5_000, 5_000], [K.FILTERED_AT_DESTINATION]: [20, 0], [K.SUCCESSFUL_DELIVERY]: [0, 4_990] });
    const health = destinationHealth(healthFactsOf('classic', quiet, 0, []));
    expect(health.status).toBe('attention');
    expect(health.reasons.map((r) => r.kind)).toEqual(['GOING_QUIET']);
    expect(health.summary).toBe('delivered 0 of 4,980 events that arrived and were not filtered');
    // Everything filtered on purpose is not going quiet.
    const allFiltered = classic({ [K.SUCCESSFULLY_RECEIVED]: [5_000, 5_000], [K.FILTERED_AT_DESTINATION]: [5_000, 5_000] });
    expect(destinationHealth(healthFactsOf('classic', allFiltered, 0, [])).status).toBe('healthy');
    const idle = destinationHealth(healthFactsOf('classic', classic({ [K.SUCCESSFULLY_RECEIVED]: [0, 300] }), 0, []));
    expect(idle).toMatchObject({ status: 'idle', summary: 'no events arrived in the range' });
  });

  it('a retry backlog above the rule and a firing alert need attention', () => {
    const steps = classic({ [K.SUCCESSFULLY_RECEIVED]: [1_000, 1_000], [K.SUCCESSFUL_DELIVERY]: [1_000, 1_000] });
    expect(destinationHealth(healthFactsOf('classic', steps, 99, [])).status).toBe('healthy');
    expect(destinationHealth(healthFactsOf('classic', steps, 120, [])).reasons.map((r) => r.kind)).toEqual(['RETRY_BACKLOG']);
    expect(destinationHealth(healthFactsOf('classic', steps, 0, ['Amplitude delivery'])).reasons).toEqual([
      { kind: 'ALERT_FIRING', message: 'alert “Amplitude delivery” is firing' },
    ]);
    // No events and a firing alert is not idle.
    expect(destinationHealth(healthFactsOf('classic', classic({}), 0, ['x'])).status).toBe('attention');
  });

  it('storage destinations fail by syncs: half the syncs failing against none before needs attention', () => {
    const steps: HealthStep[] = [
      { kind: K.SUCCESSFULLY_RECEIVED, count: 3_000, previousCount: 3_000 },
      { kind: K.FILTERED_AT_DESTINATION, count: 120, previousCount: 100 },
      { kind: K.EVENTS_TO_WAREHOUSE_ROWS, count: 2_880, previousCount: 2_900 },
      { kind: K.FAILED_TO_SYNC, count: 2, previousCount: 0 },
      { kind: K.SUCCESSFULLY_SYNCED, count: 2, previousCount: 4 },
    ];
    const health = destinationHealth(healthFactsOf('storage', steps, null, []));
    expect(health.reasons).toEqual([{ kind: 'FAILURE_RATE_ROSE', message: 'sync failure rate 50 % vs 0 % before' }]);
  });
});
