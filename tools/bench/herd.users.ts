/**
 * The incident herd, run in the bench's client process: N readers open the same destination
 * page within one second (the page's own requests, and its two live subscriptions over
 * graphql-ws), while producers post reports at a fixed rate. Bounded: every wait has a deadline.
 */
import crypto from 'node:crypto';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { PipelineChangedDocument } from '../../web/src/gql/graphql';
import { parseDestinationState } from '../../web/src/state';
import { destinationViewVariables } from '../../web/src/views/destination-query';
import { destinationLoad } from './mix.pages';
import { mixRecords } from './mix.records';
import { pageLoad } from './mix.users';

export interface HerdArgs {
  url: string;
  graphqlUrl: string;
  wsUrl: string;
  readToken: string;
  ingestToken: string;
  destinationId: string;
  users: number;
  /** Readers arrive spread over this long (ms). */
  arrivalMs: number;
  /** Producers post alone this long before the herd, and on until it is done (ms). */
  warmupMs: number;
  ingest: { batchSize: number; everyMs: number; seed: number };
}

export interface HerdStepResult {
  users: number;
  /** Each reader's page load (both waves), ms. */
  loads: number[];
  errors: number;
  firstError: string | null;
  /** Subscriptions that delivered their first value. */
  subscribed: number;
  /** Ingest acknowledgement latencies before the herd arrived, and while it was served (ms). */
  ingestQuiet: number[];
  ingestHerd: number[];
  ingestErrors: number;
  /** The window the herd's readers were served in (client clock, ms since the step began): from the first arrival to the last answer. */
  herdMs: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, Math.max(0, ms)));

/**
 * One reader: loads the page (the pipeline, then the view with its panels), then watches it
 * as the page does on a rolling range (web/src/views/destination.tsx: one PipelineChanged
 * subscription with the view's range and filter).
 */
async function reader(a: HerdArgs, client: Client, out: HerdStepResult): Promise<void> {
  const view = destinationViewVariables(a.destinationId, parseDestinationState(new URLSearchParams('')), false);
  const page = await pageLoad({ url: a.graphqlUrl, token: a.readToken, load: destinationLoad(a.destinationId) });
  out.loads.push(page.ms);
  out.errors += page.errors;
  out.firstError ??= page.firstError;
  const variables = { destinationId: a.destinationId, range: view.range, mappingId: view.mappingId, filter: view.filter };
  const first = await Promise.race([
    new Promise<boolean>((resolve) =>
      client.subscribe(
        { query: PipelineChangedDocument.toString(), variables },
        { next: () => resolve(true), error: () => resolve(false), complete: () => undefined },
      ),
    ),
    sleep(10_000).then(() => false),
  ]);
  if (first) out.subscribed++;
}

/** Posts a batch every `everyMs` until `stop`; each acknowledgement time goes to `record()`'s array. */
async function producers(a: HerdArgs, stop: () => boolean, record: () => number[], out: HerdStepResult): Promise<void> {
  const inFlight = new Set<Promise<void>>();
  for (let tick = 0; !stop(); tick++) {
    const body = Buffer.from(mixRecords(a.ingest.batchSize, a.ingest.seed + tick, Date.now()).join('\n'));
    const started = performance.now();
    const bucket = record();
    const post = fetch(`${a.url}/v1/ingest`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-ndjson', authorization: `Bearer ${a.ingestToken}`, 'idempotency-key': crypto.randomUUID() },
      body,
      signal: AbortSignal.timeout(20_000),
    })
      .then(async (res) => {
        await res.arrayBuffer();
        if (res.status !== 200) out.ingestErrors++;
        else bucket.push(performance.now() - started);
      })
      .catch(() => void out.ingestErrors++)
      .finally(() => inFlight.delete(post));
    inFlight.add(post);
    await sleep(a.ingest.everyMs);
  }
  await Promise.all(inFlight);
}

/** One herd of `users` readers over producers posting throughout. */
export async function herdStep(a: HerdArgs): Promise<HerdStepResult> {
  const out: HerdStepResult = {
    users: a.users,
    loads: [],
    errors: 0,
    firstError: null,
    subscribed: 0,
    ingestQuiet: [],
    ingestHerd: [],
    ingestErrors: 0,
    herdMs: 0,
  };
  let herdRunning = false;
  let done = false;
  const ingest = producers(
    a,
    () => done,
    () => (herdRunning ? out.ingestHerd : out.ingestQuiet),
    out,
  );
  await sleep(a.warmupMs);
  const clients = Array.from({ length: a.users }, () =>
    createClient({ url: a.wsUrl, webSocketImpl: WebSocket, connectionParams: { authorization: `Bearer ${a.readToken}` }, retryAttempts: 0, lazy: true }),
  );
  const started = performance.now();
  herdRunning = true;
  try {
    await Promise.all(
      clients.map(async (client, i) => {
        await sleep((a.arrivalMs * i) / Math.max(1, a.users));
        await reader(a, client, out);
      }),
    );
  } finally {
    out.herdMs = performance.now() - started;
    herdRunning = false;
    done = true;
    await ingest;
    await Promise.all(clients.map((c) => c.dispose()));
  }
  return out;
}
