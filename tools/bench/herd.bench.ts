/**
 * The incident herd (docs/performance.md, "Many viewers at once"): N readers open the same
 * destination page within a second while producers post 5,000 reports/s in 500-report
 * bodies, N stepped 1, 8, 32, 64. Measured on the gateway's side: the statements the engine
 * ran for the herd, the cache's answers, the time the engine was busy; on the client's: each
 * reader's page load and each batch's acknowledgement.
 */
import type { QueryEvent } from '../../src/clickhouse/client';
import type { BenchContext } from './context';
import { watchEngine } from './mix.engine';
import { destinationLoad } from './mix.pages';
import { summarize, type Summary } from './stats';

export interface HerdPlan {
  users: number[];
  arrivalMs: number;
  warmupMs: number;
  ingest: { batchSize: number; everyMs: number };
}

export interface HerdStepFigures {
  users: number;
  pageLoad: Summary;
  errors: number;
  firstError: string | null;
  subscribed: number;
  /** Engine statements while the herd was served (ingest's own aside), and those of its readers' reads. */
  statements: number;
  readStatements: number;
  cache: { hits: number; joined: number; misses: number; hitRate: number };
  engineBusyMs: number;
  herdMs: number;
  ingestQuiet: Summary;
  ingestHerd: Summary;
  ingestErrors: number;
}

export interface HerdResult {
  destinationId: string;
  /** The statements of one page load (both waves) with the cache off: the yardstick of "statements per herd". */
  pageLoadStatements: number;
  ingestReportsPerSecond: number;
  steps: HerdStepFigures[];
}

/** Families of ingest and of the admission's own cached reads: not the readers' page. */
const NOT_READS = /^(ingest|auth|catalog|ingest_idempotency)/;

async function pageLoadStatements(ctx: BenchContext, destinationId: string): Promise<number> {
  const db = ctx.gateway.db;
  let n = 0;
  const count = (e: QueryEvent) => void (NOT_READS.test(e.family) ? undefined : n++);
  const cached = ctx.gateway.sharedReads.enabled;
  ctx.gateway.sharedReads.enabled = false;
  db.events.on('query', count);
  try {
    const r = await ctx.client.pageLoad({ url: ctx.gateway.graphqlUrl, token: ctx.readToken, load: destinationLoad(destinationId) });
    if (r.errors > 0) throw new Error(`herd: the page load failed: ${r.firstError}`);
  } finally {
    db.events.off('query', count);
    ctx.gateway.sharedReads.enabled = cached;
  }
  return n;
}

export async function herdBench(ctx: BenchContext, plan: HerdPlan): Promise<HerdResult> {
  // A classic destination: the page a herd opens when delivery breaks.
  const destinationId = (ctx.destinations.find((d) => d.kind === 'classic') ?? ctx.destinations[0]).id;
  const { token: ingestToken } = await ctx.gateway.tokens.create(ctx.workspaceId, ['ingest']);
  const perPage = await pageLoadStatements(ctx, destinationId);
  const steps: HerdStepFigures[] = [];
  for (const users of plan.users) {
    ctx.progress(`herd: ${users} readers within ${plan.arrivalMs} ms, producers ${(plan.ingest.batchSize * 1000) / plan.ingest.everyMs} reports/s`);
    const db = ctx.gateway.db;
    let statements = 0;
    let readStatements = 0;
    let counting = false;
    const count = (e: QueryEvent) => {
      if (!counting || e.family.startsWith('ingest')) return;
      statements++;
      if (!NOT_READS.test(e.family)) readStatements++;
    };
    const before = { ...ctx.gateway.sharedReads.stats };
    db.events.on('query', count);
    // The warm-up's statements are ingest's alone; the herd's begin with its first reader.
    let engine: ReturnType<typeof watchEngine> | null = null;
    const herdBegins = setTimeout(() => {
      counting = true;
      engine = watchEngine(db);
    }, plan.warmupMs);
    const r = await ctx.client.herdStep({
      url: ctx.gateway.url,
      graphqlUrl: ctx.gateway.graphqlUrl,
      wsUrl: ctx.gateway.wsUrl,
      readToken: ctx.readToken,
      ingestToken,
      destinationId,
      users,
      arrivalMs: plan.arrivalMs,
      warmupMs: plan.warmupMs,
      ingest: { ...plan.ingest, seed: 7_000 + users },
    });
    clearTimeout(herdBegins);
    const busy = (engine as ReturnType<typeof watchEngine> | null)?.stop() ?? { busyMs: 0, ingestBusyMs: 0 };
    db.events.off('query', count);
    const s = ctx.gateway.sharedReads.stats;
    const cache = { hits: s.hits - before.hits, joined: s.joined - before.joined, misses: s.misses - before.misses, hitRate: 0 };
    cache.hitRate = Math.round(((cache.hits + cache.joined) / Math.max(1, cache.hits + cache.joined + cache.misses)) * 100) / 100;
    steps.push({
      users,
      pageLoad: summarize(r.loads),
      errors: r.errors,
      firstError: r.firstError,
      subscribed: r.subscribed,
      statements,
      readStatements,
      cache,
      engineBusyMs: Math.round(busy.busyMs),
      herdMs: Math.round(r.herdMs),
      ingestQuiet: summarize(r.ingestQuiet),
      ingestHerd: summarize(r.ingestHerd),
      ingestErrors: r.ingestErrors,
    });
  }
  return { destinationId, pageLoadStatements: perPage, ingestReportsPerSecond: (plan.ingest.batchSize * 1000) / plan.ingest.everyMs, steps };
}
