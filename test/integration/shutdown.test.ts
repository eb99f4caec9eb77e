import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';

/**
 * The real CLI in a child process (built by `npm test` before jest runs): SIGTERM
 * finishes in-flight ingest, completes subscriptions and exits 0.
 */
const CLI = path.resolve(__dirname, '../../dist/cli.js');
const ROOT = 'root-token-for-the-shutdown-test-0123456789';

function start(dataDir: string): Promise<{ child: ChildProcess; url: string; exit: Promise<number | null> }> {
  const child = spawn(process.execPath, [CLI, 'serve'], {
    env: { ...process.env, DATA_DIR: dataDir, PORT: '0', ROOT_TOKEN: ROOT, LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`gateway did not start: ${out}`)), 30_000);
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const m = /"graphql":"(http:\/\/[^"]+)\/graphql"/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ child, url: m[1], exit });
      }
    });
    child.stderr!.on('data', (chunk: Buffer) => (out += chunk.toString()));
  });
}

async function gql(url: string, token: string, query: string): Promise<any> {
  const res = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query }),
  });
  return res.json();
}

describe('graceful shutdown (SIGTERM)', () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'do-shutdown-'));
  afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  it('finishes in-flight ingest, completes subscriptions, exits 0, and loses nothing', async () => {
    const first = await start(dataDir);
    const created = await gql(first.url, ROOT, 'mutation { createApiToken(workspaceId: "ws_sd", scopes: [READ, INGEST]) }');
    const token = created.data.createApiToken as string;
    const now = Date.now();
    const lines = Array.from({ length: 10_000 }, (_, i) =>
      JSON.stringify({
        timestamp: new Date(now - 60_000).toISOString(),
        sourceId: 'src_sd',
        destinationId: 'dst_sd',
        destinationKind: 'classic',
        step: 'delivered',
        count: 1,
        messageId: `sd-${i}`,
      }),
    ).join('\n');
    const seed = await fetch(`${first.url}/v1/ingest`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-ndjson', authorization: `Bearer ${token}` },
      body: lines.split('\n')[0],
    });
    expect(seed.status).toBe(200);

    const client = createClient({
      url: first.url.replace('http', 'ws') + '/graphql',
      webSocketImpl: WebSocket,
      connectionParams: { authorization: `Bearer ${token}` },
      retryAttempts: 0,
      lazy: true,
    });
    let values = 0;
    const completed = new Promise<string>((resolve) => {
      client.subscribe(
        { query: 'subscription { retryPendingChanged(destinationId: "dst_sd") { count } }' },
        { next: () => values++, error: (e) => resolve(`error ${JSON.stringify(e)}`), complete: () => resolve('complete') },
      );
    });
    const deadline = Date.now() + 5000;
    while (values === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(values).toBe(1);

    const inflight = fetch(`${first.url}/v1/ingest`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-ndjson', authorization: `Bearer ${token}`, 'idempotency-key': 'sd-batch' },
      body: lines,
    });
    await new Promise((r) => setTimeout(r, 5));
    first.child.kill('SIGTERM');
    const res = await inflight;
    expect(res.status).toBe(200);
    expect(((await res.json()) as { accepted: number }).accepted).toBe(10_000);
    expect(await completed).toBe('complete');
    expect(await first.exit).toBe(0);
    await client.dispose();

    const second = await start(dataDir);
    const after = await gql(
      second.url,
      token,
      '{ destination(id: "dst_sd") { pipeline(range: { preset: LAST_HOUR, lookback: false }) { steps { kind count } } } }',
    );
    const delivered = after.data.destination.pipeline.steps.find((s: { kind: string }) => s.kind === 'SUCCESSFUL_DELIVERY').count;
    expect(delivered).toBe(10_001);
    second.child.kill('SIGTERM');
    expect(await second.exit).toBe(0);
  }, 90_000);
});
