import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { createLogger } from '../../src/log';
import { captureLogLines } from '../helpers/log-capture';
import { report, startTestGateway, type TestGateway } from '../helpers/gateway';

/** Every JSON line the gateway logs, captured through a pino destination stream. */
const { lines, stream: capture } = captureLogLines();

let t: TestGateway;
let token: string;

// Distinct strings: if any of them shows up in a log line, a payload leaked.
const PAYLOAD_MARKER = 'payload-marker-7f3a9c';
const ERROR_MARKER = 'upstream-said-e41b02';
const EMAIL = 'jane.doe.91@example.com';

beforeAll(async () => {
  // debug: the most the gateway ever logs.
  t = await startTestGateway('logs', { LOG_LEVEL: 'debug' }, { log: createLogger('debug', false, capture) });
  token = await t.token('ws_logs', ['read', 'ingest']);
});
afterAll(async () => t.close());

function parsed(): Record<string, unknown>[] {
  return lines.map((l) => JSON.parse(l) as Record<string, unknown>);
}

describe('structured logs', () => {
  it('log ingest and GraphQL requests as JSON lines with request id, workspace, operation and duration, never tokens or payloads', async () => {
    lines.length = 0;
    const batch = [
      report(
        { step: 'failed_delivery', reason: '429', messageId: 'm-log-1', sample: { payload: { event: PAYLOAD_MARKER, email: EMAIL }, error: ERROR_MARKER } },
        15,
      ),
      report({ step: 'delivered', count: 5 }, 15),
    ];
    const ingestRes = await fetch(`${t.url}/v1/ingest`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'x-request-id': 'req-ingest-1' },
      body: JSON.stringify(batch),
    });
    expect(ingestRes.status).toBe(200);

    const query = `query LogDiscards { destination(id: "dst_amplitude") {
      discards(step: FAILED_DELIVERY, range: { preset: LAST_HOUR }) { count samples(limit: 1) { payload error } } } }`;
    const gqlRes = await fetch(`${t.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'x-request-id': 'req-gql-1' },
      body: JSON.stringify({ query }),
    });
    const body = (await gqlRes.json()) as { data: { destination: { discards: { samples: { payload: string }[] }[] } } };
    // The payload really went through the gateway...
    expect(body.data.destination.discards[0].samples[0].payload).toContain(PAYLOAD_MARKER);

    // ...and refusals are logged too, without the token they carried.
    const badToken = 'dov_this-token-does-not-exist-0123456789';
    expect((await t.ingest(badToken, batch)).status).toBe(401);
    expect((await t.gql(badToken, '{ destinations { id } }')).status).toBe(401);
    expect((await t.ingest(token, '[{"step": "' + PAYLOAD_MARKER + '"}]')).status).toBe(400);

    expect(lines.length).toBeGreaterThan(0);
    const all = lines.join('\n');
    for (const secret of [token, badToken, PAYLOAD_MARKER, ERROR_MARKER, EMAIL, 'discards(step']) expect(all).not.toContain(secret);

    const records = parsed();
    const ingestLine = records.find((r) => r.msg === 'ingest' && r.requestId === 'req-ingest-1');
    expect(ingestLine).toMatchObject({ level: 30, workspace: 'ws_logs', operation: 'ingest', status: 'accepted', records: 2, events: 6, samples: 1 });
    expect(typeof ingestLine!.durationMs).toBe('number');
    expect(typeof ingestLine!.bytes).toBe('number');
    expect(typeof ingestLine!.time).toBe('number');

    const gqlLine = records.find((r) => r.msg === 'graphql request' && r.requestId === 'req-gql-1');
    expect(gqlLine).toMatchObject({ level: 30, workspace: 'ws_logs', operation: 'LogDiscards', operationType: 'query', outcome: 'ok' });
    expect(typeof gqlLine!.durationMs).toBe('number');

    const refused = records.filter((r) => r.msg === 'ingest' && r.status === 'rejected');
    expect(refused.map((r) => r.code).sort()).toEqual(['BAD_USER_INPUT', 'UNAUTHENTICATED']);
    expect(refused.find((r) => r.code === 'BAD_USER_INPUT')).toMatchObject({ workspace: 'ws_logs', invalidRecords: 1 });
    expect(records.some((r) => r.msg === 'graphql request' && r.status === 401 && r.code === 'UNAUTHENTICATED')).toBe(true);
  });

  it('log GraphQL errors with their codes and no variables', async () => {
    lines.length = 0;
    const res = await t.gql(
      token,
      'query LogBadZone($z: String!) { destination(id: "dst_amplitude") { pipeline(range: { preset: LAST_HOUR, timeZone: $z }) { from } } }',
      { z: PAYLOAD_MARKER },
    );
    expect(res.body.errors![0].extensions!.code).toBe('TIME_RANGE_INVALID');
    const line = parsed().find((r) => r.msg === 'graphql request' && r.operation === 'LogBadZone');
    expect(line).toMatchObject({ outcome: 'error', errorCodes: ['TIME_RANGE_INVALID'], workspace: 'ws_logs' });
    expect(lines.join('\n')).not.toContain(token);
  });

  it('logs a graphql-ws operation like an HTTP one, its errors carrying its request id (review finding)', async () => {
    lines.length = 0;
    const client = createClient({
      url: t.gateway.wsUrl,
      webSocketImpl: WebSocket,
      connectionParams: { authorization: `Bearer ${token}` },
      retryAttempts: 0,
      lazy: true,
    });
    const answer = await new Promise<{ errors?: { extensions?: { requestId?: string } }[] }>((resolve) =>
      client.subscribe(
        { query: 'query OverWs { destination(id: "dst_amplitude") { pipeline(range: { preset: LAST_HOUR, timeZone: "Mars/Base" }) { from } } }' },
        { next: (v) => resolve(v as never), error: (e) => resolve(e as never), complete: () => undefined },
      ),
    );
    await client.dispose();
    const line = parsed().find((r) => r.msg === 'graphql request' && r.operation === 'OverWs');
    expect(line).toMatchObject({ transport: 'ws', operationType: 'query', outcome: 'error', errorCodes: ['TIME_RANGE_INVALID'], workspace: 'ws_logs' });
    expect(answer.errors?.[0]?.extensions?.requestId).toBe(line!.requestId);
  });
});
