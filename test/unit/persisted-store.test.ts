import { parse } from 'graphql';
import { AdmittedDocuments, REFUSED_DOCUMENT } from '../../src/graphql/transport/apollo-documents';
import { PersistedQueries } from '../../src/graphql/transport/persisted-queries';

describe('the persisted query store', () => {
  it('is bounded by count, least recently used first', async () => {
    const store = new PersistedQueries({ maxEntries: 2, maxBytes: 1_000 });
    await store.set('a', '{ a }');
    await store.set('b', '{ b }');
    expect(await store.get('a')).toBe('{ a }'); // a is now the most recent
    await store.set('c', '{ c }');
    expect([await store.get('a'), await store.get('b'), await store.get('c')]).toEqual(['{ a }', undefined, '{ c }']);
    expect(store.size).toBe(2);
  });

  it('is bounded by UTF-8 bytes, and never keeps a text larger than the bound', async () => {
    const store = new PersistedQueries({ maxEntries: 100, maxBytes: 20 });
    await store.set('a', '{ ééé }'); // 11 bytes, 8 characters
    await store.set('b', '{ bbbbbbb }'); // 11 bytes: over 20 together, a goes
    expect([await store.get('a'), await store.get('b')]).toEqual([undefined, '{ bbbbbbb }']);
    expect(store.heldBytes).toBe(11);
    await store.set('huge', 'x'.repeat(21));
    expect(await store.get('huge')).toBeUndefined();
    expect(store.heldBytes).toBe(11);
    await store.set('b', '{ bbbbbbb }'); // the same hash again is counted once
    expect(store.heldBytes).toBe(11);
  });
});

describe("Apollo's documentStore: the document phase's hand-over", () => {
  it('gives each held outcome to one lookup, by the hash after the schema prefix, then forgets it', async () => {
    const documents = new AdmittedDocuments();
    const doc = parse('{ sources { id } }');
    documents.hold('h1', doc);
    documents.hold('h1', doc); // a second request with the same text, in flight
    documents.hold('h2', REFUSED_DOCUMENT);
    expect(await documents.get('schemahash:h1')).toBe(doc);
    expect(await documents.get('schemahash:h2')).toBe(REFUSED_DOCUMENT);
    expect(await documents.get('schemahash:h1')).toBe(doc);
    expect(documents.size).toBe(0);
    expect(await documents.get('schemahash:h1')).toBeUndefined();
    await documents.set();
    expect(documents.size).toBe(0);
  });
});
