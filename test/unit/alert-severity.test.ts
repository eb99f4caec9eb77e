import { breaches, checkCriticalThreshold, severityOf } from '../../src/alerts/severity';
import { planTransition, silencing, transitionKey } from '../../src/alerts/transition';
import type { AlertRuleValue } from '../../src/alerts/rules';
import type { RuleStateValue } from '../../src/alerts/values';
import type { Measurement } from '../../src/alerts/measure.types';

const ok: RuleStateValue = { state: 'ok', severity: null, silenced: false, since: 1000, value: null, version: 1 };
const warning: RuleStateValue = { state: 'firing', severity: 'warning', silenced: false, since: 2000, value: 80, version: 2 };
const critical: RuleStateValue = { ...warning, severity: 'critical', since: 3000 };
const m = (value: number | null, breach: boolean, extra: Partial<Measurement> = {}): Measurement => ({
  value,
  volume: 100,
  baseline: null,
  breach,
  sufficient: true,
  detail: 'd',
  ...extra,
});
const rule = (extra: Partial<AlertRuleValue> = {}) => ({ kind: 'delivery_rate_below', criticalThreshold: 50, mutedUntil: null, ...extra }) as AlertRuleValue;

describe('two severities', () => {
  it('compares each kind its way, the same as the warning threshold', () => {
    expect(breaches('delivery_rate_below', m(40, true), 50)).toBe(true);
    expect(breaches('delivery_rate_below', m(60, true), 50)).toBe(false);
    expect(breaches('discard_rate_above', m(60, true), 50)).toBe(true);
    expect(breaches('sync_failures', m(5, true), 5)).toBe(true);
    expect(breaches('retry_pending_above', m(5, true), 5)).toBe(false);
    expect(breaches('source_volume_anomaly', m(-80, true, { baseline: 10 }), 50)).toBe(true);
    expect(breaches('source_volume_anomaly', m(null, true, { baseline: 0, volume: 3 }), 50)).toBe(true);
    expect(breaches('delivery_rate_below', m(null, false), 50)).toBe(false);
  });

  it('is critical past the critical threshold, warning between, none without a breach', () => {
    expect(severityOf(rule(), m(40, true))).toBe('critical');
    expect(severityOf(rule(), m(70, true))).toBe('warning');
    expect(severityOf(rule({ criticalThreshold: null }), m(10, true))).toBe('warning');
    expect(severityOf(rule(), m(99, false))).toBeNull();
  });

  it('fires, changes severity and resolves once each; the same measurement again is no transition', () => {
    expect(planTransition(ok, 'warning')).toEqual({ next: 'firing', severity: 'warning', previousSeverity: null });
    expect(planTransition(warning, 'warning')).toBeNull();
    expect(planTransition(warning, 'critical')).toEqual({ next: 'firing', severity: 'critical', previousSeverity: 'warning' });
    expect(planTransition(critical, 'warning')).toEqual({ next: 'firing', severity: 'warning', previousSeverity: 'critical' });
    expect(planTransition(critical, null)).toEqual({ next: 'resolved', severity: 'critical', previousSeverity: null });
    expect(planTransition(ok, null)).toBeNull();
    // Rows written before severities existed read as warning.
    expect(planTransition({ ...warning, severity: null }, 'warning')).toBeNull();
  });

  it('keys each transition apart', () => {
    const keys = [
      transitionKey('alr_1', ok, planTransition(ok, 'warning')!),
      transitionKey('alr_1', warning, planTransition(warning, 'critical')!),
      transitionKey('alr_1', critical, planTransition(critical, 'warning')!),
      transitionKey('alr_1', critical, planTransition(critical, null)!),
    ];
    expect(keys).toEqual(['alr_1:1000:firing', 'alr_1:2000:critical', 'alr_1:3000:warning', 'alr_1:3000:resolved']);
  });

  it('withholds what a mute covers, but announces the recovery of a firing announced before it', () => {
    const muted = rule({ mutedUntil: 10_000 });
    const fire = planTransition(ok, 'warning')!;
    expect(silencing(muted, ok, fire, 5000)).toEqual({ event: true, state: true, mutedUntil: 10_000 });
    expect(silencing(muted, ok, fire, 20_000)).toEqual({ event: false, state: false, mutedUntil: null });
    const resolve = planTransition(warning, null)!;
    expect(silencing(muted, warning, resolve, 5000)).toEqual({ event: false, state: false, mutedUntil: 10_000 });
    expect(silencing(muted, { ...warning, silenced: true }, resolve, 20_000)).toEqual({ event: true, state: false, mutedUntil: null });
    const escalate = planTransition(warning, 'critical')!;
    expect(silencing(muted, warning, escalate, 5000).event).toBe(true);
  });

  it('takes a critical threshold only beyond the warning one', () => {
    expect(() => checkCriticalThreshold({ kind: 'delivery_rate_below', threshold: 90, criticalThreshold: 95 })).toThrow(/below threshold/);
    expect(() => checkCriticalThreshold({ kind: 'discard_rate_above', threshold: 5, criticalThreshold: 2 })).toThrow(/above threshold/);
    expect(() => checkCriticalThreshold({ kind: 'sync_failures', threshold: 1, criticalThreshold: 2.5 })).toThrow(/integer/);
    expect(() => checkCriticalThreshold({ kind: 'delivery_rate_below', threshold: 90, criticalThreshold: 50 })).not.toThrow();
    expect(() => checkCriticalThreshold({ kind: 'delivery_rate_below', threshold: 90, criticalThreshold: null })).not.toThrow();
  });
});
