import http from 'node:http';
import { createLogger } from '../../src/log';
import { undeliveredPage } from '../../src/metrics/undelivered.query';
import { WorkspaceDb } from '../../src/metrics/workspace-db';
import { captureLogLines } from '../helpers/log-capture';
import { startTestGateway, type TestGateway } from '../helpers/gateway';

/**
 * A million undelivered messages, generated inside the engine: the export streams them
 * with flat memory (RSS of this process, which holds the engine too) and a client that
 * goes away mid-stream ends the read while the gateway keeps serving.
 */
jest.setTimeout(180_000);

const ROWS = 1_000_000;
const MB = 1024 * 1024;
let t: TestGateway;
let token: string;
const { lines, stream: logStream } = captureLogLines();
const problems: unknown[] = [];
const onProblem = (err: unknown) => problems.push(err);

beforeAll(async () => {
  process.on('unhandledRejection', onProblem);
  process.on('uncaughtException', onProblem);
  t = await startTestGateway('undelivered_1m', { LOG_LEVEL: 'info' }, { log: createLogger('info', false, logStream) });
  token = await t.token('ws_big', ['read']);
  // One failed delivery per message, a millisecond apart, ending a minute ago (see tools/bench/dataset.ts).
  await t.gateway.db.command({
    family: 'test',
    sql: `INSERT INTO ${t.gateway.db.database}.delivery_events
            (time, workspace_id, source_id, destination_id, destination_kind, mapping_id, step, reason, event_type, event_name, app_version, enriched, count, message_id)
          SELECT fromUnixTimestamp64Milli(toInt64({end:Int64} - number)), 'ws_big', 'src_big', 'dst_big', 'classic', '', 'failed_delivery',
                 ['500', '429', '400'][number % 3 + 1], 'track', concat('Event ', toString(number % 20)), '1.0.0', 0, 1, concat('big-', leftPad(toString(number), 7, '0'))
          FROM numbers({rows:UInt64})`,
    params: { end: Date.now() - 60_000, rows: ROWS },
  });
});
afterAll(async () => {
  await t.close();
  process.off('unhandledRejection', onProblem);
  process.off('uncaughtException', onProblem);
});

const PATH = '/v1/export/undelivered?destinationId=dst_big&range=LAST_HOUR&maxRows=1000000';

function rss(): number {
  return process.memoryUsage().rss;
}

async function settle(): Promise<void> {
  (globalThis as { gc?: () => void }).gc?.();
  await new Promise((r) => setTimeout(r, 300));
}

describe('export of a million rows', () => {
  it('streams every row with flat memory', async () => {
    await settle();
    const before = rss();
    let peak = before;
    const sampler = setInterval(() => (peak = Math.max(peak, rss())), 20);
    const started = performance.now();
    const result = await new Promise<{ status: number; rows: number; bytes: number; first: string; trailers: NodeJS.Dict<string> }>((resolve, reject) => {
      http
        .get(`${t.url}${PATH}`, { agent: false, headers: { authorization: `Bearer ${token}` } }, (res) => {
          let rows = 0;
          let bytes = 0;
          let first = '';
          res.on('data', (c: Buffer) => {
            if (first === '') first = c.subarray(0, c.indexOf(10)).toString();
            bytes += c.length;
            for (let i = c.indexOf(10); i >= 0; i = c.indexOf(10, i + 1)) rows++;
            peak = Math.max(peak, rss());
          });
          res.on('end', () => resolve({ status: res.statusCode!, rows, bytes, first, trailers: res.trailers }));
          res.on('error', reject);
        })
        .on('error', reject);
    });
    clearInterval(sampler);
    const seconds = (performance.now() - started) / 1000;
    const growthMb = (peak - before) / MB;
    console.log(
      `export of ${result.rows} rows (${(result.bytes / MB).toFixed(0)} MB NDJSON): ${seconds.toFixed(1)} s, ${Math.round(result.rows / seconds)} rows/s, RSS growth ${growthMb.toFixed(0)} MB (from ${(before / MB).toFixed(0)} MB)`,
    );
    expect(result.status).toBe(200);
    expect(result.rows).toBe(ROWS);
    expect(result.trailers).toMatchObject({ 'x-export-rows': String(ROWS), 'x-export-truncated': 'false' });
    expect(JSON.parse(result.first)).toMatchObject({ messageId: 'big-0999999', reason: '500', mappingId: null, sourceId: 'src_big' });
    expect(growthMb).toBeLessThan(150);
  });

  it('measures something that can fail: the same list read whole through a buffered read grows RSS past the bound', async () => {
    await settle();
    const before = rss();
    let peak = before;
    const sampler = setInterval(() => (peak = Math.max(peak, rss())), 20);
    const wdb = new WorkspaceDb(t.gateway.db, 'ws_big');
    const page = await undeliveredPage(
      wdb,
      { destinationId: 'dst_big', from: Date.now() - 3_600_000, to: Date.now(), mappingId: null, reason: null, after: null },
      ROWS - 1,
    );
    peak = Math.max(peak, rss());
    clearInterval(sampler);
    console.log(`the same list buffered (${page.items.length} rows): RSS growth ${((peak - before) / MB).toFixed(0)} MB`);
    expect(page.items.length).toBe(ROWS - 1);
    expect((peak - before) / MB).toBeGreaterThan(150);
  });

  it('ends the read when the client goes away mid-stream, and keeps serving', async () => {
    const ended = new Promise<{ durationMs: number; ok: boolean }>((resolve) => {
      const listener = (e: { family: string; durationMs: number; ok: boolean }) => {
        if (e.family !== 'undelivered_export') return;
        t.gateway.db.events.off('query', listener);
        resolve(e);
      };
      t.gateway.db.events.on('query', listener);
    });
    const started = performance.now();
    let received = 0;
    await new Promise<void>((resolve, reject) => {
      const req = http.get(`${t.url}${PATH}&format=csv`, { agent: false, headers: { authorization: `Bearer ${token}` } }, (res) => {
        res.on('data', (c: Buffer) => {
          received += c.length;
          if (received > 512 * 1024) {
            req.destroy();
            resolve();
          }
        });
      });
      req.on('error', (err) => ((err as NodeJS.ErrnoException).code === 'ECONNRESET' ? resolve() : reject(err)));
    });
    const gone = performance.now();
    // The gateway answers while the read winds down, and the read ends long before a full export would.
    const health = await fetch(`${t.url}/healthz`);
    expect(health.status).toBe(200);
    const event = await ended;
    const afterGone = performance.now() - gone;
    console.log(
      `client left after ${(received / 1024).toFixed(0)} KiB, ${(gone - started).toFixed(0)} ms in; the read ended ${afterGone.toFixed(0)} ms later (ok: ${event.ok})`,
    );
    expect(event.ok).toBe(true);
    expect(afterGone).toBeLessThan(5_000);
    await new Promise((r) => setTimeout(r, 100));
    expect(lines.some((l) => l.includes('undelivered export stopped: the client went away'))).toBe(true);
    const next = await fetch(`${t.url}/v1/export/undelivered?destinationId=dst_big&range=LAST_HOUR&maxRows=3`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect((await next.text()).trim().split('\n')).toHaveLength(3);
    const gql = await t.gql(token, '{ destination(id: "dst_big") { undelivered(range: { preset: LAST_HOUR }, first: 2) { messageId } } }');
    expect(gql.body.errors).toBeUndefined();
    expect(problems).toEqual([]);
  });
});
