/**
 * The dashboard mix's load, run in the bench's client process (client.child.ts): simulated
 * users reading the page while producers post reports at a fixed rate. Everything here is
 * bounded by the step's duration cap; a request that hangs is abandoned after REQUEST_TIMEOUT_MS.
 */
import crypto from 'node:crypto';
import type { PipelineStepKind } from '../../web/src/gql/graphql';
import { destinationLoad, discardStepsOf, discardsLoad, overviewLoad, type PageLoad, type PageLoadKind } from './mix.pages';
import { mixRecords } from './mix.records';

/** The page's own client gives up after 20 s (web/src/api/client.ts). */
const REQUEST_TIMEOUT_MS = 20_000;

export interface PageLoadArgs {
  url: string;
  token: string;
  load: PageLoad;
}
export interface PageLoadResult {
  kind: PageLoadKind;
  /** From the first request sent to the last answer read. */
  ms: number;
  errors: number;
  firstError: string | null;
  /** `data` of each request, wave by wave. */
  datas: unknown[];
}

export interface MixStepArgs {
  url: string;
  graphqlUrl: string;
  readToken: string;
  ingestToken: string;
  users: number;
  durationMs: number;
  /**
   * A step shorter than this many page loads goes on (a p95 over 8 loads is their maximum),
   * up to `maxDurationMs` in all.
   */
  minLoads: number;
  maxDurationMs: number;
  /** Mean pause between a user's page loads ("every few seconds"), jittered ±50 %. */
  thinkMs: number;
  /** Discard steps opened on each destination page before going back to the overview. */
  drillsPerPage: number;
  /** Destinations the users open, in turn (each user starts at its own offset). */
  destinations: string[];
  ingest: { batchSize: number; everyMs: number; seed: number };
}
export interface MixStepResult {
  users: number;
  seconds: number;
  loads: { kind: PageLoadKind; ms: number; ok: boolean }[];
  errors: number;
  firstError: string | null;
  /** `seconds`: the producers' own time (the users' last pause may outlast it). */
  ingest: { batches: number; reports: number; skipped: number; errors: number; firstError: string | null; seconds: number };
}

async function post(url: string, token: string, body: string): Promise<{ data: unknown; error: string | null }> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body,
    signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
  });
  const json = (await res.json()) as { data?: unknown; errors?: unknown[] };
  if (res.status !== 200 || json.errors || !json.data)
    return { data: json.data ?? null, error: `${res.status} ${JSON.stringify(json.errors ?? json).slice(0, 300)}` };
  return { data: json.data, error: null };
}

/** One page load, wave after wave as the page sends them. */
export async function pageLoad(a: PageLoadArgs): Promise<PageLoadResult> {
  const out: PageLoadResult = { kind: a.load.kind, ms: 0, errors: 0, firstError: null, datas: [] };
  const t = performance.now();
  for (const wave of a.load.waves) {
    const answers = await Promise.all(wave.map((r) => post(a.url, a.token, r.body).catch((err: Error) => ({ data: null, error: String(err.message) }))));
    for (const r of answers) {
      out.datas.push(r.data);
      if (r.error) {
        out.errors++;
        out.firstError ??= r.error;
      }
    }
  }
  out.ms = performance.now() - t;
  return out;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, Math.max(0, ms)));

/** Whether a step goes on: until its duration, then until it has its minimum of loads or its cap. */
type Running = () => boolean;

/** One user while the step runs: overview, a destination page, a few discard drill-downs, again. */
async function user(a: MixStepArgs, index: number, running: Running, out: MixStepResult): Promise<void> {
  const think = () => sleep(a.thinkMs * (0.5 + Math.random()));
  const run = async (load: PageLoad): Promise<PageLoadResult> => {
    const r = await pageLoad({ url: a.graphqlUrl, token: a.readToken, load });
    out.loads.push({ kind: r.kind, ms: r.ms, ok: r.errors === 0 });
    out.errors += r.errors;
    out.firstError ??= r.firstError;
    return r;
  };
  // Users arrive spread over one think time, not all in the same millisecond.
  await sleep(Math.random() * a.thinkMs);
  for (let visit = 0; running(); visit++) {
    await run(overviewLoad());
    await think();
    if (!running()) break;
    const id = a.destinations[(index * 7 + visit) % a.destinations.length];
    const page = await run(destinationLoad(id));
    const steps: PipelineStepKind[] = discardStepsOf(page.datas[0]);
    for (let d = 0; d < a.drillsPerPage && steps.length > 0; d++) {
      await think();
      if (!running()) break;
      await run(discardsLoad(id, steps[d % steps.length]));
    }
    await think();
  }
}

/** Producers: one batch every `everyMs` while the step runs; a tick whose previous POST is still out is skipped, never caught up. */
async function producers(a: MixStepArgs, running: Running, out: MixStepResult['ingest']): Promise<void> {
  const started = performance.now();
  let inFlight: Promise<void> | null = null;
  for (let tick = 0; running(); tick++) {
    if (inFlight) out.skipped++;
    else {
      const body = Buffer.from(mixRecords(a.ingest.batchSize, a.ingest.seed + tick, Date.now()).join('\n'));
      inFlight = fetch(`${a.url}/v1/ingest`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-ndjson', authorization: `Bearer ${a.ingestToken}`, 'idempotency-key': crypto.randomUUID() },
        body,
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      })
        .then(async (res) => {
          const text = await res.text();
          if (res.status !== 200) throw new Error(`ingest answered ${res.status}: ${text.slice(0, 300)}`);
          out.batches++;
          out.reports += a.ingest.batchSize;
        })
        .catch((err: Error) => {
          out.errors++;
          out.firstError ??= err.message;
        })
        .finally(() => (inFlight = null));
    }
    await sleep(a.ingest.everyMs);
  }
  await inFlight;
  out.seconds = (performance.now() - started) / 1000;
}

/** One step of the mix: `users` users and the producers, for `durationMs` (longer for too few loads, never past `maxDurationMs`). */
export async function mixStep(a: MixStepArgs): Promise<MixStepResult> {
  const out: MixStepResult = {
    users: a.users,
    seconds: 0,
    loads: [],
    errors: 0,
    firstError: null,
    ingest: { batches: 0, reports: 0, skipped: 0, errors: 0, firstError: null, seconds: 0 },
  };
  const started = performance.now();
  const running: Running = () => {
    const elapsed = performance.now() - started;
    return elapsed < a.durationMs || (out.loads.length < a.minLoads && elapsed < a.maxDurationMs);
  };
  await Promise.all([producers(a, running, out.ingest), ...Array.from({ length: a.users }, (_, i) => user(a, i, running, out))]);
  out.seconds = (performance.now() - started) / 1000;
  return out;
}
