import type { IncomingMessage, ServerResponse } from 'node:http';
import { authenticate, requireWorkspaceScope } from '../auth/authenticate';
import { AppError, badInput, ErrorCode } from '../domain/errors';
import type { RestReadDeps } from '../rest/rest-read';
import { WorkspaceDb } from '../metrics/workspace-db';
import type { ReplayStore } from '../replay/store';
import type { ReplayJob } from '../replay/values';

export interface ReplayPullDeps extends RestReadDeps {
  replays: ReplayStore;
}

/** Batches one request may take. */
export const MAX_PULL_BATCHES = 10;
/** Messages one request may take, whatever the batch size: an answer is built in memory, and must stay small. */
export const MAX_PULL_MESSAGES = 10_000;
const PATH = /^\/v1\/replays\/([A-Za-z0-9_-]{1,64})\/messages$/;

export function isReplayPullPath(path: string): boolean {
  return PATH.test(path);
}

/**
 * GET /v1/replays/<id>/messages: a pull replay's messages for the delivery system, as NDJSON,
 * `batches` batches at a time (1-10, default 1), marking them taken (sent). The answer's
 * `X-Replay-Next` cursor asks for what follows; asking with it acknowledges everything before
 * it. Asking again with the same cursor (a puller that crashed) takes the same batches again:
 * at least once. The last page is empty and has no cursor: the replay is then sent.
 */
export async function handleReplayPull(req: IncomingMessage, res: ServerResponse, url: URL, deps: ReplayPullDeps): Promise<void> {
  if (req.method !== 'GET') throw badInput('Use GET on /v1/replays/<id>/messages');
  const principal = await authenticate(deps.tokens, req.headers.authorization, req.socket.remoteAddress);
  const workspaceId = requireWorkspaceScope(principal, 'replay');
  deps.takeRate(principal);
  const wdb = new WorkspaceDb(deps.db, workspaceId, deps.queryGate);
  const id = PATH.exec(url.pathname)![1];
  const { next, count } = pullParams(url.searchParams, id);
  let job = await deps.replays.job(wdb, id);
  if (!job) throw new AppError(ErrorCode.NOT_FOUND, `No replay ${id} in this workspace`, { field: 'id' });
  if (job.delivery !== 'pull') throw badInput(`Replay ${id} is pushed to the replay endpoint; only PULL replays are read here`, { field: 'id' });
  if (job.status === 'cancelled' || job.status === 'failed') throw badInput(`Replay ${id} is ${job.status}`, { field: 'id', status: job.status });
  if (next > job.batches) throw badInput('after is past the last batch', { field: 'after' });
  await acknowledgeBefore(deps.replays, wdb, job, next);
  if (next === job.batches) {
    if (job.status !== 'sent') await deps.replays.writeJob(wdb, { ...job, status: 'sent', finishedAt: Date.now(), version: deps.replays.nextVersion() });
    res.writeHead(200, { 'content-type': 'application/x-ndjson; charset=utf-8', 'cache-control': 'no-store', 'x-replay-batches': String(job.batches) });
    res.end();
    return;
  }
  if (job.status === 'pending') {
    job = { ...job, status: 'sending', startedAt: Date.now(), version: deps.replays.nextVersion() };
    await deps.replays.writeJob(wdb, job);
  }
  const to = Math.min(job.batches, next + Math.max(1, Math.min(count, Math.floor(MAX_PULL_MESSAGES / job.batchSize))));
  const rows = await deps.replays.batchMessages(wdb, id, next, to);
  await markTaken(deps.replays, wdb, id, rows, next, to);
  const body = rows
    .map((m) =>
      JSON.stringify({
        batch: m.batch,
        messageId: m.messageId,
        destinationId: job!.destinationId,
        mappingId: m.mappingId,
        reason: m.reason,
        sourceId: m.sourceId,
        failedAt: new Date(m.failedAt).toISOString(),
      }),
    )
    .join('\n');
  res.writeHead(200, {
    'content-type': 'application/x-ndjson; charset=utf-8',
    'cache-control': 'no-store',
    'x-replay-next': encodePullCursor(id, to),
    'x-replay-batches': String(job.batches),
    'x-replay-range': `${next}-${to - 1}`,
  });
  res.end(body === '' ? '' : `${body}\n`);
}

function pullParams(query: URLSearchParams, id: string): { next: number; count: number } {
  for (const name of query.keys())
    if (name !== 'after' && name !== 'batches') throw badInput(`Unknown parameter ${name.slice(0, 64)}; known: after, batches`, { field: name.slice(0, 64) });
  const batches = query.get('batches');
  const count = batches === null ? 1 : /^\d{1,2}$/.test(batches) ? Number(batches) : NaN;
  if (!(count >= 1 && count <= MAX_PULL_BATCHES)) throw badInput(`batches is a whole number from 1 to ${MAX_PULL_BATCHES}`, { field: 'batches' });
  const after = query.get('after');
  return { next: after === null ? 0 : decodePullCursor(after, id), count };
}

/** Acknowledges the batches before `next` that were taken and not yet acknowledged (the previous page's). */
async function acknowledgeBefore(store: ReplayStore, wdb: WorkspaceDb, job: ReplayJob, next: number): Promise<void> {
  if (next === 0) return;
  const states = await store.batchStates(wdb, job.id);
  const open = [...states].filter(([batch, s]) => batch < next && s.state === 'sent');
  if (open.length === 0) return;
  const sizes = await batchSizes(store, wdb, job.id, Math.min(...open.map(([b]) => b)), next);
  await Promise.all(
    open.map(([batch, s]) => store.writeBatch(wdb, job.id, batch, { state: 'acknowledged', messages: sizes.get(batch) ?? 0, attempts: s.attempts })),
  );
}

async function batchSizes(store: ReplayStore, wdb: WorkspaceDb, id: string, from: number, to: number): Promise<Map<number, number>> {
  const sizes = new Map<number, number>();
  for (const m of await store.batchMessages(wdb, id, from, to)) sizes.set(m.batch, (sizes.get(m.batch) ?? 0) + 1);
  return sizes;
}

async function markTaken(store: ReplayStore, wdb: WorkspaceDb, id: string, rows: { batch: number }[], from: number, to: number): Promise<void> {
  const states = await store.batchStates(wdb, id);
  const sizes = new Map<number, number>();
  for (const r of rows) sizes.set(r.batch, (sizes.get(r.batch) ?? 0) + 1);
  const writes: Promise<void>[] = [];
  for (let batch = from; batch < to; batch++) {
    const s = states.get(batch);
    if (s?.state === 'acknowledged') continue;
    writes.push(store.writeBatch(wdb, id, batch, { state: 'sent', messages: sizes.get(batch) ?? 0, attempts: (s?.attempts ?? 0) + 1 }));
  }
  await Promise.all(writes);
}

export function encodePullCursor(id: string, next: number): string {
  return Buffer.from(JSON.stringify([id, next])).toString('base64url');
}

function decodePullCursor(text: string, id: string): number {
  try {
    const v: unknown = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
    if (Array.isArray(v) && v[0] === id && Number.isSafeInteger(v[1]) && (v[1] as number) >= 0) return v[1] as number;
  } catch {
    // fall through to the typed error
  }
  throw badInput('after is not a cursor this replay returned', { field: 'after' });
}
