import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { ApolloClient, ApolloLink, HttpLink, InMemoryCache } from '@apollo/client';
import { PersistedQueryLink } from '@apollo/client/link/persisted-queries';
import { GraphQLWsLink } from '@apollo/client/link/subscriptions';
import { getMainDefinition } from '@apollo/client/utilities';
import { Kind, parse, visit, type DefinitionNode, type DocumentNode, type FragmentDefinitionNode, type OperationDefinitionNode } from 'graphql';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { report, sourceReport, startTestGateway, type TestGateway } from '../helpers/gateway';

/**
 * A real client no one here wrote: Apollo Client 4 in Node, with its persisted-query link
 * (hashes over GET) in front of HttpLink, and GraphQLWsLink over graphql-ws for subscriptions,
 * running the page's own documents (web/src/operations) against a real gateway.
 */
let t: TestGateway;
let token: string;
const sockets: Client[] = [];

beforeAll(async () => {
  t = await startTestGateway('apollo_client');
  token = await t.token('ws_apollo_client', ['read', 'ingest', 'admin']);
  const rows = [
    sourceReport({ count: 10 }, 60),
    report({ count: 6 }, 60),
    report({ step: 'failed_delivery', reason: '429', messageId: 'msg-ac-1', sample: { payload: { a: 1 }, error: 'rate limited' } }, 50),
    report({ step: 'retry_enqueued', reason: '429', count: 3 }, 50),
    report({ destinationId: 'dst_wh', destinationKind: 'storage' }, 60),
    {
      type: 'sync',
      destinationId: 'dst_wh',
      syncId: 'sync-1',
      status: 'success',
      startedAt: new Date(Date.now() - 40 * 60_000).toISOString(),
      finishedAt: new Date(Date.now() - 39 * 60_000).toISOString(),
      collections: [{ name: 'tracks', rowsSynced: 5, rowsFailed: 0 }],
    },
    report(
      {
        destinationId: 'dst_crm',
        destinationKind: 'retl',
        sourceId: 'src_wh',
        step: 'extracted',
        syncId: 'run_1',
        operation: 'added',
        eventType: undefined,
        eventName: undefined,
        appVersion: undefined,
      },
      45,
    ),
  ];
  expect(
    (
      await t.ingest(
        token,
        rows.map((r) => JSON.parse(JSON.stringify(r))),
      )
    ).status,
  ).toBe(200);
});
afterAll(async () => {
  for (const s of sockets) await s.dispose();
  await t.close();
});

/** Every operation of the page, each as a document with only the fragments it spreads. */
function pageOperations(): Map<string, DocumentNode> {
  const dir = path.resolve(__dirname, '../../web/src/operations');
  const definitions = fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.graphql'))
    .flatMap((f) => parse(fs.readFileSync(path.join(dir, f), 'utf8')).definitions);
  const fragments = new Map(definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION).map((d) => [d.name.value, d]));
  const out = new Map<string, DocumentNode>();
  for (const op of definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION)) {
    const used = new Set<string>();
    const collect = (node: DefinitionNode) =>
      visit(node, { FragmentSpread: (s) => void (used.has(s.name.value) || (used.add(s.name.value), collect(fragments.get(s.name.value)!))) });
    collect(op);
    out.set(op.name!.value, { kind: Kind.DOCUMENT, definitions: [op, ...[...used].map((n) => fragments.get(n)!)] });
  }
  return out;
}

const RANGE = { preset: 'LAST_24_HOURS' };
const VIEW_FLAGS = {
  withInsights: true,
  withLatency: true,
  withDiscards: true,
  withBreakdown: true,
  withSeries: true,
  withSyncs: false,
  withSyncRuns: false,
  withReplay: true,
};
/** Variables for each query of the page: a query added to the page without a line here fails the first test. */
const QUERY_VARIABLES: Record<string, Record<string, unknown>> = {
  Overview: { range: RANGE, granularity: 'HOUR' },
  DestinationView: {
    id: 'dst_amplitude',
    range: RANGE,
    step: 'FAILED_DELIVERY',
    reason: '429',
    granularity: 'HOUR',
    latencyGranularity: 'HOUR',
    seriesGroupBy: ['REASON'],
    runsFirst: 20,
    replayInput: { destinationId: 'dst_amplitude', range: RANGE, step: 'FAILED_DELIVERY' },
    ...VIEW_FLAGS,
  },
  FilterValues: { id: 'dst_amplitude', range: RANGE },
  Trace: { messageId: 'msg-ac-1' },
  // `after` is filled in with a real cursor before the queries run.
  OlderSyncRuns: { id: 'dst_crm', range: RANGE, after: '' },
  SyncRun: { id: 'dst_crm', syncId: 'run_1' },
  SourcePage: { id: 'src_web', range: RANGE },
  AlertsPage: { range: RANGE },
  Viewer: {},
  ReplayPreview: { input: { destinationId: 'dst_amplitude', range: RANGE, step: 'FAILED_DELIVERY', reason: '429' }, range: RANGE },
  Replays: { first: 20 },
  // `id` is filled in with a replay made before the queries run.
  Replay: { id: '' },
  Undelivered: { id: 'dst_amplitude', range: RANGE, reason: '429' },
};

type Exchange = { method: string; url: URL; sentQuery: boolean; status: number; cacheControl: string | null; body: string };

/** An Apollo Client as a dashboard would build it; `exchanges` records what HttpLink sent and got. */
function apolloClient(exchanges: Exchange[]): ApolloClient {
  const recordingFetch: typeof fetch = async (input, init) => {
    const res = await fetch(input, init);
    const url = new URL(String(input));
    const body = typeof init?.body === 'string' ? init.body : '';
    exchanges.push({
      method: init?.method ?? 'GET',
      url,
      sentQuery: url.searchParams.has('query') || /"query"/.test(body),
      status: res.status,
      cacheControl: res.headers.get('cache-control'),
      body: await res.clone().text(),
    });
    return res;
  };
  const ws = createClient({ url: t.gateway.wsUrl, webSocketImpl: WebSocket, connectionParams: { authorization: `Bearer ${token}` }, retryAttempts: 0 });
  sockets.push(ws);
  const http = new HttpLink({
    uri: `${t.url}/graphql`,
    fetch: recordingFetch,
    headers: { authorization: `Bearer ${token}`, 'apollo-require-preflight': 'true' },
  });
  const persisted = new PersistedQueryLink({ sha256: (text: string) => crypto.createHash('sha256').update(text).digest('hex'), useGETForHashedQueries: true });
  const isSubscription = ({ query }: { query: DocumentNode }) => {
    const main = getMainDefinition(query);
    return main.kind === Kind.OPERATION_DEFINITION && main.operation === 'subscription';
  };
  return new ApolloClient({ link: ApolloLink.split(isSubscription, new GraphQLWsLink(ws), persisted.concat(http)), cache: new InMemoryCache() });
}

const operations = pageOperations();
const kindOf = (doc: DocumentNode) => (doc.definitions[0] as OperationDefinitionNode).operation;

describe("Apollo Client 4 (HttpLink, persisted-query link, GraphQLWsLink) running the page's documents", () => {
  it('runs every query of the page; each first asks by hash, then sends the text once', async () => {
    const queries = [...operations].filter(([, doc]) => kindOf(doc) === 'query');
    expect(queries.map(([name]) => name).filter((n) => !(n in QUERY_VARIABLES))).toEqual([]);
    const runs = await t.gql<{ destination: { syncRuns: { cursor: string }[] } }>(
      token,
      '{ destination(id: "dst_crm") { syncRuns(range: { preset: LAST_24_HOURS }, first: 1) { cursor } } }',
    );
    QUERY_VARIABLES.OlderSyncRuns.after = runs.body.data!.destination.syncRuns[0].cursor;
    const replay = await t.gql<{ createReplay: { id: string } }>(
      token,
      'mutation { createReplay(input: { destinationId: "dst_amplitude", range: { preset: LAST_24_HOURS }, step: FAILED_DELIVERY }, delivery: PULL) { id } }',
    );
    expect(replay.body.errors).toBeUndefined();
    QUERY_VARIABLES.Replay.id = replay.body.data!.createReplay.id;
    const exchanges: Exchange[] = [];
    const client = apolloClient(exchanges);
    for (const [name, query] of queries) {
      const result = await client.query({ query, variables: QUERY_VARIABLES[name], fetchPolicy: 'network-only' });
      expect({ name, error: result.error, data: result.data !== undefined }).toEqual({ name, error: undefined, data: true });
    }
    const [first, retry] = exchanges;
    expect({ method: first.method, sentQuery: first.sentQuery, status: first.status, notFound: /PERSISTED_QUERY_NOT_FOUND/.test(first.body) }).toEqual({
      method: 'GET',
      sentQuery: false,
      status: 200,
      notFound: true,
    });
    expect({ method: retry.method, sentQuery: retry.sentQuery, status: retry.status }).toEqual({ method: 'POST', sentQuery: true, status: 200 });
    expect(exchanges).toHaveLength(queries.length * 2);
    // Views that show the live retry-pending gauge are never cached; the drill-downs over a preset are, briefly.
    const cacheControl = Object.fromEntries(queries.map(([name], i) => [name, exchanges[2 * i + 1].cacheControl]));
    expect(cacheControl).toEqual({
      Overview: 'no-store',
      DestinationView: 'no-store',
      SourcePage: 'no-store',
      AlertsPage: 'no-store',
      Trace: 'no-store',
      SyncRun: 'no-store',
      FilterValues: 'private, max-age=30',
      OlderSyncRuns: 'private, max-age=30',
      Viewer: 'no-store',
      ReplayPreview: 'no-store',
      Replays: 'no-store',
      Replay: 'no-store',
      Undelivered: 'no-store',
    });
  });

  it('a second client sends the same query as a hash only, over GET, and reads the cache headers', async () => {
    const query = operations.get('FilterValues')!;
    const exchanges: Exchange[] = [];
    const warm = await apolloClient([]).query({ query, variables: QUERY_VARIABLES.FilterValues, fetchPolicy: 'network-only' });
    const again = await apolloClient(exchanges).query({ query, variables: QUERY_VARIABLES.FilterValues, fetchPolicy: 'network-only' });
    expect(again.data).toEqual(warm.data);
    expect(
      exchanges.map((e) => ({
        method: e.method,
        sentQuery: e.sentQuery,
        status: e.status,
        hash: e.url.searchParams.get('extensions')?.includes('sha256Hash'),
      })),
    ).toEqual([{ method: 'GET', sentQuery: false, status: 200, hash: true }]);
    // A rolling preset: the browser may keep it 30 s, for this caller only.
    expect(exchanges[0].cacheControl).toBe('private, max-age=30');
  });

  it("runs the page's mutations (never cached) and a subscription over graphql-ws", async () => {
    const exchanges: Exchange[] = [];
    const client = apolloClient(exchanges);
    const created = await client.mutate({
      mutation: operations.get('CreateAlertRule')!,
      variables: { input: { name: 'delivery', kind: 'DELIVERY_RATE_BELOW', destinationId: 'dst_amplitude', threshold: 90 } },
    });
    const id = (created.data as { createAlertRule: { id: string } }).createAlertRule.id;
    await client.mutate({ mutation: operations.get('UpdateAlertRule')!, variables: { id, input: { name: 'delivery, renamed' } } });
    await client.mutate({ mutation: operations.get('DeleteAlertRule')!, variables: { id } });
    expect(exchanges.filter((e) => e.status === 200).map((e) => e.cacheControl)).toEqual(expect.arrayContaining(['no-store']));
    expect(exchanges.filter((e) => e.method === 'POST' && e.status === 200 && e.sentQuery).map((e) => e.cacheControl)).toEqual([
      'no-store',
      'no-store',
      'no-store',
    ]);
    const live = await new Promise<unknown>((resolve, reject) => {
      const subscription = client.subscribe({ query: operations.get('RetryPendingLive')!, variables: { destinationId: 'dst_amplitude' } }).subscribe({
        next: (value) => (subscription.unsubscribe(), resolve(value)),
        error: reject,
      });
    });
    expect(live).toMatchObject({ data: { retryPendingChanged: { count: 3 } } });
    // Subscriptions never touch HTTP.
    expect(exchanges.every((e) => !e.url.searchParams.get('operationName')?.includes('Live'))).toBe(true);
  });
});
