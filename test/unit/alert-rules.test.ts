import crypto from 'node:crypto';
import {
  checkRuleFields,
  DEFAULT_QUIET_THRESHOLD,
  isValidEmail,
  redactUrl,
  thresholdOrDefault,
  windowText,
  type AlertRuleFields,
} from '../../src/alerts/rules';
import { ruleWindow } from '../../src/alerts/measure';
import { backoffDelay, withRetries, DeliveryError } from '../../src/alerts/notify/retry';
import { signBody } from '../../src/alerts/notify/webhook';
import { AppError } from '../../src/domain/errors';

const base: AlertRuleFields = {
  name: 'r',
  kind: 'delivery_rate_below',
  destinationId: 'dst',
  mappingId: null,
  sourceId: null,
  step: null,
  reason: null,
  threshold: 90,
  criticalThreshold: null,
  windowMinutes: 1440,
  minVolume: 100,
  enabled: true,
  webhookUrl: null,
  webhookSecret: null,
  emails: [],
  slackWebhookUrl: null,
  pagerdutyRoutingKey: null,
  mutedUntil: null,
};
const fieldOf = (f: Partial<AlertRuleFields>) => {
  try {
    checkRuleFields({ ...base, ...f });
    return null;
  } catch (e) {
    return (e as AppError).details?.field;
  }
};

describe('alert rule checks', () => {
  it('threshold ranges per kind', () => {
    expect(fieldOf({ threshold: 0 })).toBe('threshold'); // delivery rate: (0, 100]
    expect(fieldOf({ threshold: 100 })).toBeNull();
    expect(fieldOf({ kind: 'discard_rate_above', step: 'failed_delivery', threshold: 0 })).toBeNull();
    expect(fieldOf({ kind: 'source_volume_anomaly', destinationId: null, sourceId: 'src', threshold: 0.5 })).toBe('threshold');
    expect(fieldOf({ kind: 'sync_failures', threshold: 0 })).toBe('threshold');
    expect(fieldOf({ kind: 'retry_pending_above', threshold: 0 })).toBeNull();
    expect(fieldOf({ threshold: Number.NaN })).toBe('threshold');
  });

  it('windows 5 minutes to 14 days; minute-aligned, current minute excluded', () => {
    expect(fieldOf({ windowMinutes: 4 })).toBe('windowMinutes');
    expect(fieldOf({ windowMinutes: 20_160 })).toBeNull();
    expect(fieldOf({ windowMinutes: 20_161 })).toBe('windowMinutes');
    const now = Date.UTC(2026, 10, 25, 10, 7, 42);
    expect(ruleWindow({ windowMinutes: 60 }, now)).toEqual({ from: Date.UTC(2026, 10, 25, 9, 7), to: Date.UTC(2026, 10, 25, 10, 7) });
    expect(windowText(1440)).toBe('24 h');
    expect(windowText(90)).toBe('90 min');
  });

  it('urls, secrets and emails', () => {
    expect(fieldOf({ webhookUrl: 'https://hooks.example.com/x' })).toBeNull();
    expect(fieldOf({ webhookUrl: 'javascript:alert(1)' })).toBe('webhookUrl');
    expect(fieldOf({ webhookUrl: 'https://user:pw@example.com/' })).toBe('webhookUrl');
    expect(fieldOf({ webhookSecret: 'x'.repeat(16) })).toBe('webhookSecret'); // needs a URL
    expect(isValidEmail('a.b+c@example.co.uk')).toBe(true);
    for (const bad of ['a@', '@b.c', 'a b@c.d', 'a..b@c.d', 'a@b..c', 'a@-b.c']) expect([bad, isValidEmail(bad)]).toEqual([bad, false]);
    expect(checkRuleFields({ ...base, emails: [' x@y.z ', 'x@y.z'] }).emails).toEqual(['x@y.z']);
    expect(redactUrl('https://hooks.slack.com/services/T/B/secret')).toBe('https://hooks.slack.com/…');
  });

  it('fields that do not apply to a kind are refused', () => {
    expect(fieldOf({ sourceId: 'src' })).toBe('sourceId');
    expect(fieldOf({ kind: 'source_volume_anomaly', sourceId: 'src', threshold: 50 })).toBe('destinationId');
    expect(fieldOf({ kind: 'sync_failures', threshold: 1, mappingId: 'm' })).toBe('mappingId');
    expect(fieldOf({ reason: 'x' })).toBe('reason');
    expect(fieldOf({ kind: 'discard_rate_above', step: 'delivered', threshold: 1 })).toBe('step');
  });
});

describe('alert rules of the connection kinds', () => {
  it('a Reverse ETL mapping rule needs its mapping; an audience sync-health rule takes none', () => {
    const retl = { ...base, kind: 'retl_mapping_delivery_rate_below' as const, destinationId: 'dst_crm', threshold: 95 };
    expect(() => checkRuleFields({ ...retl, mappingId: null })).toThrow(/needs a mappingId/);
    expect(checkRuleFields({ ...retl, mappingId: 'map_contacts' }).mappingId).toBe('map_contacts');
    const audience = { ...base, kind: 'audience_sync_health_below' as const, destinationId: 'dst_ads', threshold: 90 };
    expect(checkRuleFields({ ...audience, mappingId: null }).kind).toBe('audience_sync_health_below');
    expect(() => checkRuleFields({ ...audience, mappingId: 'map_x' })).toThrow(/mappingId does not apply/);
    expect(() => checkRuleFields({ ...audience, threshold: 0 })).toThrow(/greater than 0/);
  });
});

const quiet: Partial<AlertRuleFields> = { kind: 'destination_quiet', threshold: 1, windowMinutes: 60 };

describe('DESTINATION_QUIET rules', () => {
  it('a threshold defaults to 1 %; the kinds without a default still need one', () => {
    expect(DEFAULT_QUIET_THRESHOLD).toBe(1);
    expect(thresholdOrDefault('destination_quiet', undefined)).toBe(1);
    expect(thresholdOrDefault('destination_quiet', null)).toBe(1);
    expect(thresholdOrDefault('destination_quiet', 5)).toBe(5);
    expect(() => thresholdOrDefault('delivery_rate_below', undefined)).toThrow(
      expect.objectContaining({ code: 'BAD_USER_INPUT', details: { field: 'threshold' } }),
    );
  });

  it('takes a share in (0, 100] and no mapping, step, reason or source', () => {
    expect(fieldOf(quiet)).toBeNull();
    expect(fieldOf({ ...quiet, threshold: 0 })).toBe('threshold');
    expect(fieldOf({ ...quiet, threshold: 100 })).toBeNull();
    expect(fieldOf({ ...quiet, threshold: 100.5 })).toBe('threshold');
    expect(fieldOf({ ...quiet, mappingId: 'map_1' })).toBe('mappingId');
    expect(fieldOf({ ...quiet, step: 'failed_delivery' })).toBe('step');
    expect(fieldOf({ ...quiet, reason: 'x' })).toBe('reason');
    expect(fieldOf({ ...quiet, sourceId: 'src' })).toBe('sourceId');
    expect(fieldOf({ ...quiet, destinationId: null })).toBe('destinationId');
  });
});

describe('notifier mechanics', () => {
  it('signs the raw body with HMAC-SHA256', () => {
    expect(signBody('{"a":1}', 'k')).toBe('sha256=' + crypto.createHmac('sha256', 'k').update('{"a":1}').digest('hex'));
  });

  it('backs off exponentially and stops on a permanent failure', async () => {
    const policy = { attempts: 4, baseDelayMs: 1, timeoutMs: 100 };
    expect([1, 2, 3].map((n) => backoffDelay({ ...policy, baseDelayMs: 1000 }, n))).toEqual([1000, 2000, 4000]);
    let calls = 0;
    const retried: number[] = [];
    const r = await withRetries(
      policy,
      new AbortController().signal,
      async () => {
        calls++;
        throw new DeliveryError('HTTP 503', true, 503);
      },
      async (n) => void retried.push(n),
    );
    expect([calls, retried, r]).toEqual([4, [1, 2, 3], { ok: false, attempts: 4, statusCode: 503, lastError: 'HTTP 503' }]);
    calls = 0;
    const p = await withRetries(policy, new AbortController().signal, async () => {
      calls++;
      throw new DeliveryError('HTTP 404', false, 404);
    });
    expect([calls, p.ok, p.attempts]).toEqual([1, false, 1]);
    const ok = await withRetries(policy, new AbortController().signal, async (n) => {
      if (n < 2) throw new DeliveryError('reset', true);
      return { statusCode: 204 };
    });
    expect(ok).toEqual({ ok: true, attempts: 2, statusCode: 204, lastError: null });
  });
});
