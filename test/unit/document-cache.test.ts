import type { GraphQLError } from 'graphql';
import { gatewaySchema } from '../../src/graphql/schema';
import { DocumentCache } from '../../src/graphql/transport/document-cache';
import { DEFAULT_LIMITS, documentRules } from '../../src/graphql/transport/limits';

describe('DocumentCache (graphql-ws documents by query text)', () => {
  const schema = gatewaySchema();
  const q = (n: number) => `subscription { retryPendingChanged(destinationId: "d${n}") { count } }`;

  it('parses and validates a text once: subscribers share one document', () => {
    const cache = new DocumentCache(schema, { maxTokens: DEFAULT_LIMITS.maxTokens, rules: documentRules(DEFAULT_LIMITS, true) });
    const a = cache.get(q(1));
    expect('kind' in a).toBe(true);
    expect(cache.get(q(1))).toBe(a);
    expect(cache.get(q(2))).not.toBe(a);
  });

  it('keeps refusals too, with their codes', () => {
    const cache = new DocumentCache(schema, { maxTokens: DEFAULT_LIMITS.maxTokens, rules: documentRules(DEFAULT_LIMITS, true) });
    const bad = cache.get('subscription { nope }');
    expect(Array.isArray(bad)).toBe(true);
    expect(cache.get('subscription { nope }')).toBe(bad);
    expect((bad as readonly GraphQLError[])[0].originalError).toMatchObject({ code: 'GRAPHQL_VALIDATION_FAILED' });
  });

  it('holds at most maxEntries texts, dropping the least recently used, and never keeps long texts', () => {
    const cache = new DocumentCache(schema, { maxTokens: DEFAULT_LIMITS.maxTokens, rules: documentRules(DEFAULT_LIMITS, true) }, 3, 200);
    const first = cache.get(q(1));
    cache.get(q(2));
    cache.get(q(3));
    expect(cache.get(q(1))).toBe(first); // q(1) is now the most recent
    cache.get(q(4)); // evicts q(2)
    expect(cache.size).toBe(3);
    expect(cache.get(q(1))).toBe(first);
    const long = `subscription { retryPendingChanged(destinationId: "${'x'.repeat(300)}") { count } }`;
    const once = cache.get(long);
    expect(cache.get(long)).not.toBe(once);
    expect(cache.size).toBe(3);
  });
});
