import { getNamedType, isCompositeType, isObjectType, type GraphQLField, type GraphQLNamedType } from 'graphql';
import { CACHE_SECONDS, rangeCacheSeconds } from '../../src/domain/cache-age';
import { resolveTimeRange, TimeRangePreset, type TimeRangeRequest } from '../../src/domain/time-range';
import { gatewaySchema } from '../../src/graphql/schema';
import { cacheControlHeader } from '../../src/graphql/transport/cache-header';

const NOW = Date.parse('2026-12-01T12:00:30Z');
const age = (asked: TimeRangeRequest, defaultLookback = true) => rangeCacheSeconds(asked, resolveTimeRange(asked, NOW, defaultLookback), NOW);

describe('how long an answer over a range may be cached', () => {
  it('rolling presets 30 s, settled fixed ranges an hour, anything reaching the last five minutes not at all', () => {
    expect(age({ preset: TimeRangePreset.LAST_24_HOURS })).toBe(CACHE_SECONDS.rolling);
    expect(age({ from: new Date('2026-12-01T08:00:00Z'), to: new Date('2026-12-01T10:00:00Z') })).toBe(CACHE_SECONDS.settled);
    expect(age({ from: new Date('2026-12-01T08:00:00Z'), to: new Date('2026-12-01T11:55:00Z') })).toBe(CACHE_SECONDS.settled);
    // `to` within the lookback: moved back to now − 5 min, so it rolls with the clock.
    expect(age({ from: new Date('2026-12-01T08:00:00Z'), to: new Date('2026-12-01T11:58:00Z') })).toBe(CACHE_SECONDS.rolling);
    expect(age({ preset: TimeRangePreset.LAST_HOUR, lookback: false })).toBe(CACHE_SECONDS.live);
    expect(age({ from: new Date('2026-12-01T08:00:00Z'), to: new Date('2026-12-01T11:58:00Z'), lookback: false })).toBe(CACHE_SECONDS.live);
    // A field whose lookback is off by default (undelivered) reaches now with a preset.
    expect(age({ preset: TimeRangePreset.LAST_HOUR }, false)).toBe(CACHE_SECONDS.live);
  });
});

describe('the Cache-Control header', () => {
  const policy = (maxAge: number | undefined) => ({
    maxAge,
    scope: undefined,
    restrict: () => undefined,
    replace: () => undefined,
    policyIfCacheable: () => (maxAge ? { maxAge, scope: 'PUBLIC' as const } : null),
  });
  it('is private with the least age, and no-store for mutations, errors and age 0', () => {
    expect(cacheControlHeader({ operationType: 'query', hasErrors: false, policy: policy(3600), rangeMaxAge: 30 })).toBe('private, max-age=30');
    expect(cacheControlHeader({ operationType: 'query', hasErrors: false, policy: policy(30), rangeMaxAge: Infinity })).toBe('private, max-age=30');
    expect(cacheControlHeader({ operationType: 'query', hasErrors: false, policy: policy(3600), rangeMaxAge: 0 })).toBe('no-store');
    expect(cacheControlHeader({ operationType: 'query', hasErrors: false, policy: policy(undefined), rangeMaxAge: Infinity })).toBe('no-store');
    expect(cacheControlHeader({ operationType: 'query', hasErrors: true, policy: policy(3600), rangeMaxAge: 3600 })).toBe('no-store');
    expect(cacheControlHeader({ operationType: 'mutation', hasErrors: false, policy: policy(3600), rangeMaxAge: 3600 })).toBe('no-store');
    expect(cacheControlHeader({ operationType: null, hasErrors: false, policy: policy(3600), rangeMaxAge: 3600 })).toBe('no-store');
  });
});

/** The @cacheControl arguments on a type or field, as Apollo's cache-control plugin reads them. */
function hintOf(node: {
  astNode?: { directives?: readonly { name: { value: string }; arguments?: readonly { name: { value: string }; value: unknown }[] }[] } | null;
}): Record<string, unknown> | null {
  const directive = node.astNode?.directives?.find((d) => d.name.value === 'cacheControl');
  if (!directive) return null;
  return Object.fromEntries((directive.arguments ?? []).map((a) => [a.name.value, (a.value as { value: unknown }).value]));
}

/**
 * A type marked inheritMaxAge takes the age of the field above it. Under a long-lived parent
 * (a destination, a source: an hour) such a field must either read a range (which bounds the
 * age) or carry a hint of its own; otherwise an answer that moves would be cached for an hour.
 */
function inheritingWithoutBound(types: readonly GraphQLNamedType[]): string[] {
  const out: string[] = [];
  for (const parent of types) {
    if (!isObjectType(parent) || parent.name.startsWith('__') || !hintOf(parent)?.maxAge) continue;
    for (const field of Object.values(parent.getFields()) as GraphQLField<unknown, unknown>[]) {
      const target = getNamedType(field.type);
      if (!isCompositeType(target) || !hintOf(target)?.inheritMaxAge) continue;
      if (!field.args.some((a) => a.name === 'range') && !hintOf(field)) out.push(`${parent.name}.${field.name}`);
    }
  }
  return out;
}

describe('static hints', () => {
  const schema = gatewaySchema();
  const types = Object.values(schema.getTypeMap());

  it('a field that inherits its age from a long-lived parent reads a range or has its own hint', () => {
    expect(hintOf(schema.getType('Destination')!)).toEqual({ maxAge: String(CACHE_SECONDS.settled) });
    expect(inheritingWithoutBound(types)).toEqual([]);
  });

  it('can fail: a field without a range under a destination is found', () => {
    const destination = schema.getType('Destination') as { getFields(): Record<string, { astNode?: unknown }> };
    const syncRun = destination.getFields().syncRun;
    const saved = syncRun.astNode;
    syncRun.astNode = { ...(saved as object), directives: [] };
    try {
      expect(inheritingWithoutBound(types)).toEqual(['Destination.syncRun']);
    } finally {
      syncRun.astNode = saved;
    }
  });

  it('live values, alerts, traces, tokens and mutations carry no age', () => {
    const query = schema.getQueryType()!.getFields();
    for (const root of ['trace', 'alertRules', 'alertHistory', 'apiTokens'])
      expect({ root, hint: hintOf(query[root]) ?? hintOf(getNamedType(query[root].type) as never) }).toEqual({ root, hint: null });
    expect(hintOf((schema.getType('Pipeline') as never as { getFields(): Record<string, never> }).getFields().retryPending)).toEqual({ maxAge: '0' });
    for (const field of Object.values(schema.getMutationType()!.getFields()))
      expect({ field: field.name, hint: hintOf(field) }).toEqual({ field: field.name, hint: null });
  });
});
