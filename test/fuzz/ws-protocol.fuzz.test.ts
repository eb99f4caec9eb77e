/**
 * Property-based fuzzing of the graphql-ws protocol itself, over raw sockets: generated
 * sequences of frames (valid and broken connection_init, ping/pong, subscribe with good,
 * bad and missing payloads, duplicate and huge ids, complete for unknown ids, unknown
 * message types, non-JSON text, binary frames, messages over the size limit, the wrong
 * or no subprotocol).
 *
 *   npx jest test/fuzz/ws-protocol.fuzz.test.ts   (FUZZ_SEED=<n> for another stream)
 *
 * Properties: the gateway closes a socket only with a close code of the documented set
 * (README, "Live values"), never 4500 (internal error); every error it sends carries a
 * code of the closed ErrorCode set and never INTERNAL_SERVER_ERROR; no unhandled rejection;
 * afterwards /healthz answers 200 and an ordinary subscription still works.
 */
import fc from 'fast-check';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { report, startTestGateway, type TestGateway } from '../helpers/gateway';
import { ERROR_CODES, fcParams, pool, preview, trackUnhandledRejections } from './fuzz-helpers';

jest.setTimeout(300_000);

const RUNS = Number(process.env.FUZZ_WS_RUNS ?? 150); // × 8 sockets = 1,200 sequences
const MIN_SEQUENCES = Number(process.env.FUZZ_MIN_WS_SEQUENCES ?? 1_000);
const BATCH = 8;
/** How long a socket is watched after its last frame (a quiet socket is then closed by the client). */
const QUIET_MS = 120;
/** Close codes the gateway may use (README, "Live values"); 1005/1006 are the client's view of a close without a status. */
const ALLOWED_CLOSE = new Set([1000, 1001, 1002, 1005, 1006, 1009, 4400, 4401, 4403, 4406, 4408, 4409, 4429]);

let t: TestGateway;
let token: string;
let rejections: ReturnType<typeof trackUnhandledRejections>;

beforeAll(async () => {
  rejections = trackUnhandledRejections();
  t = await startTestGateway('ws_protocol_fuzz', { WS_CONNECTION_INIT_TIMEOUT_MS: '1000' });
  token = await t.token('ws_fuzz_proto', ['read', 'ingest']);
  expect((await t.ingest(token, [report({ destinationId: 'dst_p', step: 'retry_enqueued', reason: '429' })])).status).toBe(200);
});

afterAll(async () => {
  await t?.close();
  rejections?.stop();
});

type Frame = { text: string } | { binary: Buffer } | { wait: number };

const id = fc.oneof(fc.constantFrom('1', '2', 'a', ''), fc.string({ maxLength: 8 }), fc.constant('x'.repeat(5_000)));
const goodQuery = fc.constantFrom(
  'subscription { retryPendingChanged(destinationId: "dst_p") { count } }',
  '{ destinations { id } }',
  'subscription { alertEvents { id } }',
);
const badQuery = fc.constantFrom(
  'subscription { nope }',
  '{',
  '',
  'query { trace(messageId: "") { step } }',
  `{ ${'__typename '.repeat(6_000)}}`,
  'subscription { a: retryPendingChanged(destinationId: "d") { count } b: alertEvents { id } }',
);
const payload = fc.oneof(
  fc.record({ query: goodQuery }),
  fc.record({ query: badQuery }),
  fc.record({ query: goodQuery, variables: fc.oneof(fc.constant(null), fc.constant([1]), fc.jsonValue({ maxDepth: 2 })) }),
  fc.record({ query: fc.constant(5) }),
  fc.jsonValue({ maxDepth: 2 }),
);
const init = fc.oneof(
  { weight: 6, arbitrary: fc.constant({ type: 'connection_init', payload: { authorization: 'Bearer @TOKEN@' } }) },
  { weight: 1, arbitrary: fc.constant({ type: 'connection_init', payload: { authorization: 'Bearer dov_wrong' } }) },
  { weight: 1, arbitrary: fc.constant({ type: 'connection_init' }) },
  { weight: 1, arbitrary: fc.record({ type: fc.constant('connection_init'), payload: fc.jsonValue({ maxDepth: 2 }) }) },
);
const message = fc.oneof(
  { weight: 12, arbitrary: fc.record({ type: fc.constant('subscribe'), id, payload }) },
  { weight: 2, arbitrary: fc.record({ type: fc.constant('complete'), id }) },
  { weight: 1, arbitrary: fc.record({ type: fc.constantFrom('ping', 'pong') }, { requiredKeys: ['type'] }) },
  { weight: 1, arbitrary: init },
  {
    weight: 1,
    arbitrary: fc.record({
      type: fc.constantFrom('next', 'error', 'connection_ack', 'start', 'stop', 'connection_terminate', '', 'SUBSCRIBE'),
      id,
      payload: fc.jsonValue({ maxDepth: 2 }),
    }),
  },
  { weight: 1, arbitrary: fc.record({ id, payload }) },
);
const frame: fc.Arbitrary<Frame> = fc.oneof(
  { weight: 16, arbitrary: message.map((m) => ({ text: JSON.stringify(m) })) },
  {
    weight: 1,
    arbitrary: fc.oneof(fc.string({ maxLength: 40 }), fc.constantFrom('{', 'null', '[]', '"str"', '{"type":5}', '\u0000')).map((text) => ({ text })),
  },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 40 }).map((b) => ({ binary: Buffer.from(b) })) },
  { weight: 1, arbitrary: fc.constantFrom(256 * 1024 + 1, 300_000).map((n) => ({ text: `{"type":"ping","payload":"${'x'.repeat(n)}"}` })) },
  { weight: 1, arbitrary: fc.integer({ min: 0, max: 60 }).map((wait) => ({ wait })) },
);
const sequence: fc.Arbitrary<Sequence> = fc.record({
  protocol: fc.oneof(
    { weight: 9, arbitrary: fc.constant<string | null>('graphql-transport-ws') },
    { weight: 1, arbitrary: fc.constantFrom<string | null>(null, 'graphql-ws', 'x') },
  ),
  initFirst: fc.oneof({ weight: 6, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }),
  frames: fc.array(frame, { maxLength: 6 }),
});

const stats = { sequences: 0, closes: {} as Record<string, number>, received: 0, errors: 0 };

interface Outcome {
  close: number | null;
  messages: { type?: string; id?: string; payload?: unknown }[];
}

interface Sequence {
  protocol: string | null;
  initFirst: boolean;
  frames: Frame[];
}

function run(seq: Sequence): Promise<Outcome> {
  return new Promise((resolve) => {
    const socket = seq.protocol === null ? new WebSocket(t.gateway.wsUrl) : new WebSocket(t.gateway.wsUrl, seq.protocol);
    const out: Outcome = { close: null, messages: [] };
    let quiet: NodeJS.Timeout | undefined;
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      clearTimeout(quiet);
      resolve(out);
    };
    const armQuiet = () => {
      clearTimeout(quiet);
      quiet = setTimeout(() => {
        if (socket.readyState === WebSocket.OPEN) socket.close(1000);
        else finish();
      }, QUIET_MS);
    };
    let acked: () => void = () => undefined;
    const ack = new Promise<void>((r) => (acked = r));
    socket.on('message', (data) => {
      const m = JSON.parse(String(data)) as Outcome['messages'][number];
      out.messages.push(m);
      if (m.type === 'connection_ack') acked();
      armQuiet();
    });
    socket.on('close', (code) => {
      out.close = code;
      acked();
      finish();
    });
    socket.on('error', () => undefined); // the close event follows
    socket.on('open', async () => {
      if (seq.initFirst) {
        // As a real client does: init, then wait for the acknowledgement (or a close).
        socket.send(JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${token}` } }));
        await Promise.race([ack, new Promise((r) => setTimeout(r, 1_000))]);
      }
      for (const f of seq.frames) {
        if (socket.readyState !== WebSocket.OPEN) break;
        if ('wait' in f) await new Promise((r) => setTimeout(r, f.wait));
        else socket.send('binary' in f ? f.binary : f.text.replace('@TOKEN@', token));
      }
      armQuiet();
    });
  });
}

function check(seq: unknown, o: Outcome): void {
  const fail = (why: string) => {
    throw new Error(`${why}\n  sequence: ${preview(seq, 1500)}\n  close: ${o.close}\n  messages: ${preview(o.messages, 1500)}`);
  };
  stats.sequences++;
  stats.closes[String(o.close)] = (stats.closes[String(o.close)] ?? 0) + 1;
  stats.received += o.messages.length;
  // Our own close (1000 after a quiet spell) is fine; any close by the gateway must be documented.
  if (o.close !== null && !ALLOWED_CLOSE.has(o.close)) fail(`close code ${o.close} is not in the documented set`);
  for (const m of o.messages) {
    const errors = m.type === 'error' ? m.payload : m.type === 'next' ? (m.payload as { errors?: unknown })?.errors : undefined;
    if (errors === undefined) continue;
    stats.errors++;
    if (!Array.isArray(errors) || errors.length === 0) fail('an error message without a list of errors');
    for (const e of errors as { extensions?: { code?: unknown } }[]) {
      const code = e?.extensions?.code;
      if (typeof code !== 'string' || !ERROR_CODES.has(code)) fail(`error code ${preview(code)} is not in the ErrorCode enum`);
      if (code === 'INTERNAL_SERVER_ERROR') fail('INTERNAL_SERVER_ERROR for client input');
    }
  }
}

describe('graphql-ws protocol under ≥ 1,000 generated frame sequences', () => {
  it('closes only with documented codes, answers only with closed-set error codes, and keeps serving', async () => {
    const started = performance.now();
    await fc.assert(
      fc.asyncProperty(fc.array(sequence, { minLength: BATCH, maxLength: BATCH }), async (seqs) => {
        const outcomes = await pool(seqs, BATCH, run);
        outcomes.forEach((o, i) => check(seqs[i], o));
      }),
      fcParams(301, RUNS),
    );

    console.log(
      `ws protocol fuzz: ${stats.sequences} sequences in ${((performance.now() - started) / 1000).toFixed(1)} s, seed ${fcParams(301, 0).seed}; close codes ${JSON.stringify(stats.closes)}; ${stats.received} messages received, ${stats.errors} with errors`,
    );
    expect(stats.sequences).toBeGreaterThanOrEqual(MIN_SEQUENCES);
    expect(rejections.list).toEqual([]);
    expect((await fetch(`${t.url}/healthz`)).status).toBe(200);

    // An ordinary subscriber is still served.
    const client = createClient({ url: t.gateway.wsUrl, webSocketImpl: WebSocket, connectionParams: { authorization: `Bearer ${token}` }, retryAttempts: 0 });
    const first = await new Promise<unknown>((resolve, reject) => {
      const dispose = client.subscribe(
        { query: 'subscription { retryPendingChanged(destinationId: "dst_p") { count } }' },
        { next: (v) => (dispose(), resolve(v)), error: reject, complete: () => undefined },
      );
    });
    await client.dispose();
    expect(first).toMatchObject({ data: { retryPendingChanged: { count: 1 } } });
  });
});
