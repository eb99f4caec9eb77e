/**
 * The benchmark's load client process (forked by BenchClient, client.ts, so the gateway
 * process measures only itself): HTTP GraphQL requests (one at a time, or N concurrent for
 * a bounded time), NDJSON ingest, and graphql-ws subscribers, each a handler answering one
 * IPC message. Loopback only.
 */
import crypto from 'node:crypto';
import type {
  GqlAllResult,
  GqlArgs,
  GqlResult,
  IngestArgs,
  IngestRunResult,
  LoadArgs,
  LoadResult,
  WsOpenArgs,
  WsOpenResult,
  WsTrialArgs,
  WsTrialResult,
} from './client';
import { herdStep } from './herd.users';
import { mixStep, pageLoad } from './mix.users';

async function gqlOnce(url: string, token: string, body: string): Promise<{ ok: boolean; data: unknown; error: string | null }> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body });
  const json = (await res.json()) as { data?: unknown; errors?: { message: string; extensions?: { code?: string } }[] };
  if (res.status !== 200 || json.errors)
    return { ok: false, data: json.data ?? null, error: `${res.status} ${JSON.stringify(json.errors ?? json).slice(0, 300)}` };
  return { ok: true, data: json.data, error: null };
}

async function gql(a: GqlArgs): Promise<GqlResult> {
  const out: GqlResult = { ms: [], errors: 0, firstError: null, firstData: undefined };
  for (const body of a.bodies) {
    const t = performance.now();
    const r = await gqlOnce(a.url, a.token, body);
    out.ms.push(performance.now() - t);
    if (out.firstData === undefined) out.firstData = r.data;
    if (!r.ok) {
      out.errors++;
      out.firstError ??= r.error;
    }
  }
  return out;
}

/** Every body at once (a dashboard firing one request per widget); wall time of the lot. */
async function gqlAll(a: GqlArgs): Promise<GqlAllResult> {
  const t = performance.now();
  const results = await Promise.all(a.bodies.map((b) => gqlOnce(a.url, a.token, b)));
  const failed = results.filter((r) => !r.ok);
  return { wallMs: performance.now() - t, errors: failed.length, firstError: failed[0]?.error ?? null, datas: results.map((r) => r.data) };
}

async function load(a: LoadArgs): Promise<LoadResult> {
  const out: LoadResult = { completed: 0, errors: 0, firstError: null, seconds: 0, ms: [] };
  let next = 0;
  const started = performance.now();
  const deadline = started + a.durationMs;
  await Promise.all(
    Array.from({ length: a.concurrency }, async () => {
      while (performance.now() < deadline) {
        const body = a.bodies[next++ % a.bodies.length];
        const t = performance.now();
        const r = await gqlOnce(a.url, a.token, body);
        out.ms.push(performance.now() - t);
        if (r.ok) out.completed++;
        else {
          out.errors++;
          out.firstError ??= r.error;
        }
      }
    }),
  );
  out.seconds = (performance.now() - started) / 1000;
  return out;
}

async function ingest(a: IngestArgs): Promise<IngestRunResult> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { benchRecords } = require('./ingest.bench') as typeof import('./ingest.bench');
  const lines = benchRecords(a.reports, a.seed, a.now);
  const batches: Buffer[] = [];
  for (let i = 0; i < lines.length; i += a.batchSize) batches.push(Buffer.from(lines.slice(i, i + a.batchSize).join('\n')));
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: a.concurrency }, async () => {
      while (next < batches.length) {
        const body = batches[next++];
        const res = await fetch(`${a.url}/v1/ingest`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-ndjson', authorization: `Bearer ${a.token}`, 'idempotency-key': crypto.randomUUID() },
          body,
        });
        if (res.status !== 200) throw new Error(`ingest answered ${res.status}: ${(await res.text()).slice(0, 300)}`);
        await res.arrayBuffer();
      }
    }),
  );
  return { seconds: (performance.now() - started) / 1000, reports: lines.length, batches: batches.length, bytes: batches.reduce((a, b) => a + b.length, 0) };
}

interface Sub {
  latest: number;
  target: number | null;
  reachedAt: number | null;
  wake: (() => void) | null;
}
const ws = {
  clients: [] as { dispose(): void | Promise<void> }[],
  byKey: new Map<string, Sub[]>(),
};

async function wsOpen(a: WsOpenArgs): Promise<WsOpenResult> {
  const { createClient } = await import('graphql-ws');
  const { default: WebSocket } = await import('ws');
  const started = performance.now();
  let errors = 0;
  let firstError: string | null = null;
  let waiting = 0;
  let allFirst: () => void = () => undefined;
  const firstValues = new Promise<void>((resolve) => (allFirst = resolve));
  const query = 'subscription ($d: ID!) { retryPendingChanged(destinationId: $d) { count } }';
  for (let i = 0; i < a.connections; i++) {
    const client = createClient({
      url: a.wsUrl,
      webSocketImpl: WebSocket,
      connectionParams: { authorization: `Bearer ${a.token}` },
      lazy: false,
      retryAttempts: 0,
    });
    ws.clients.push(client);
    for (let j = 0; j < a.perConnection; j++) {
      const key = a.keys[(i * a.perConnection + j) % a.keys.length];
      const sub: Sub = { latest: -1, target: null, reachedAt: null, wake: null };
      const list = ws.byKey.get(key) ?? [];
      list.push(sub);
      ws.byKey.set(key, list);
      waiting++;
      client.subscribe<{ retryPendingChanged: { count: number } }>(
        { query, variables: { d: key } },
        {
          next: (v) => {
            const count = v.data?.retryPendingChanged.count;
            if (typeof count !== 'number') {
              errors++;
              firstError ??= JSON.stringify(v.errors ?? v).slice(0, 300);
              if (sub.latest === -1 && --waiting === 0) allFirst();
              return;
            }
            if (sub.latest === -1 && --waiting === 0) allFirst();
            sub.latest = count;
            if (sub.target !== null && sub.reachedAt === null && count >= sub.target) {
              sub.reachedAt = performance.now();
              sub.wake?.();
            }
          },
          error: (e) => {
            errors++;
            firstError ??= String((e as Error)?.message ?? JSON.stringify(e)).slice(0, 300);
            if (sub.latest === -1 && --waiting === 0) allFirst();
          },
          complete: () => undefined,
        },
      );
    }
  }
  await Promise.race([firstValues, new Promise((r) => setTimeout(r, a.timeoutMs))]);
  return {
    subscriptions: a.connections * a.perConnection - waiting,
    ms: performance.now() - started,
    errors,
    firstError,
    clientRssMB: Math.round(process.memoryUsage().rss / 2 ** 20),
  };
}

async function wsTrial(a: WsTrialArgs): Promise<WsTrialResult> {
  const subs = ws.byKey.get(a.key) ?? [];
  const before = Math.max(...subs.map((s) => s.latest));
  for (const s of subs) {
    s.target = before + 1;
    s.reachedAt = null;
  }
  const t0 = performance.now();
  const res = await fetch(`${a.url}/v1/ingest`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${a.ingestToken}` },
    body: JSON.stringify([
      { timestamp: new Date().toISOString(), sourceId: 'src_fanout', destinationId: a.key, destinationKind: 'classic', step: 'retry_enqueued', count: 1 },
    ]),
  });
  if (res.status !== 200) throw new Error(`ingest answered ${res.status}: ${await res.text()}`);
  await res.arrayBuffer();
  const ingestMs = performance.now() - t0;
  const deadline = t0 + a.timeoutMs;
  for (const s of subs) {
    while (s.reachedAt === null && performance.now() < deadline) {
      await new Promise<void>((resolve) => {
        s.wake = resolve;
        setTimeout(resolve, Math.max(1, deadline - performance.now()));
      });
      s.wake = null;
    }
  }
  const latencies = subs.filter((s) => s.reachedAt !== null).map((s) => s.reachedAt! - t0);
  for (const s of subs) s.target = null;
  return { latencies, missing: subs.length - latencies.length, ingestMs, before, after: before + 1 };
}

async function wsClose(): Promise<void> {
  await Promise.all(ws.clients.map((c) => c.dispose()));
  ws.clients = [];
  ws.byKey.clear();
}

const handlers: Record<string, (args: never) => Promise<unknown>> = { gql, gqlAll, load, ingest, wsOpen, wsTrial, wsClose, pageLoad, mixStep, herdStep };

if (require.main === module && process.send) {
  process.on('message', (m: { id: number; cmd: string; args: unknown }) => {
    const handler = handlers[m.cmd];
    Promise.resolve()
      .then(() => (handler as (a: unknown) => Promise<unknown>)(m.args))
      .then(
        (result) => process.send!({ id: m.id, ok: true, result }),
        (err: unknown) => process.send!({ id: m.id, ok: false, error: String((err as Error)?.stack ?? err) }),
      );
  });
  process.on('disconnect', () => process.exit(0));
}
