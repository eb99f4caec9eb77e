import { badInput } from '../domain/errors';
import type { Measurement } from './measure.types';
import { KIND_SPECS, type AlertKind, type AlertRuleFields, type AlertRuleValue } from './rules';
import type { AlertSeverity } from './values';

/**
 * Two severities per rule: `threshold` is the warning one and `criticalThreshold`, when set,
 * the critical one, compared the same way. Which way each kind's value goes bad decides both
 * the comparison and which critical thresholds make sense (beyond the warning one).
 */
type Direction = 'below' | 'above' | 'atLeast' | 'deviation';

const DIRECTIONS: Record<AlertKind, Direction> = {
  delivery_rate_below: 'below',
  retl_mapping_delivery_rate_below: 'below',
  audience_sync_health_below: 'below',
  destination_quiet: 'below',
  discard_rate_above: 'above',
  retry_pending_above: 'above',
  sync_failures: 'atLeast',
  source_volume_anomaly: 'deviation',
};

/**
 * The measurement is past `threshold` the way the rule's kind means it: the same comparisons
 * measure.ts makes with the warning threshold (a unit test holds them equal), here for any.
 */
export function breaches(kind: AlertKind, m: Pick<Measurement, 'value' | 'volume' | 'baseline'>, threshold: number): boolean {
  switch (DIRECTIONS[kind]) {
    case 'below':
      return m.value !== null && m.value < threshold;
    case 'above':
      return m.value !== null && m.value > threshold;
    case 'atLeast':
      return m.value !== null && m.value >= threshold;
    case 'deviation':
      // No typical volume: any volume at all is outside every band.
      return (m.baseline ?? 0) > 0 ? m.value !== null && Math.abs(m.value) > threshold : m.volume > 0;
  }
}

/** The severity the measurement calls for: none, warning, or critical when the critical threshold is passed too. */
export function severityOf(rule: Pick<AlertRuleValue, 'kind' | 'criticalThreshold'>, m: Measurement): AlertSeverity | null {
  if (!m.breach) return null;
  return rule.criticalThreshold !== null && breaches(rule.kind, m, rule.criticalThreshold) ? 'critical' : 'warning';
}

/** A critical threshold within the kind's range and beyond the warning one; throws BAD_USER_INPUT naming criticalThreshold. */
export function checkCriticalThreshold(f: Pick<AlertRuleFields, 'kind' | 'threshold' | 'criticalThreshold'>): void {
  const c = f.criticalThreshold;
  if (c === null) return;
  const t = KIND_SPECS[f.kind].threshold;
  if (!Number.isFinite(c) || c < t.min || c > t.max || (t.minExclusive && c <= t.min) || (t.integer && !Number.isInteger(c))) {
    throw badInput(`criticalThreshold of ${f.kind.toUpperCase()} (${t.unit}) must be ${t.integer ? 'an integer ' : ''}from ${t.min} to ${t.max}`, {
      field: 'criticalThreshold',
      min: t.min,
      max: t.max,
    });
  }
  const direction = DIRECTIONS[f.kind];
  const worse = direction === 'below' ? c < f.threshold : c > f.threshold;
  if (!worse) {
    throw badInput(`criticalThreshold must be ${direction === 'below' ? 'below' : 'above'} threshold (${f.threshold}): critical is the worse of the two`, {
      field: 'criticalThreshold',
    });
  }
}
