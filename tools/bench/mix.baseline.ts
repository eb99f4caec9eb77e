/**
 * The mix's baseline: the engine statements behind each page load, issued directly.
 * The page's requests do not map one-to-one onto the metrics functions direct.ts calls
 * (insights, samples, series and the overview's trends have no direct.ts twin), so the
 * statements are captured instead: every `Db.query` the gateway issues while the client
 * sends one wave of a warm page load (text, parameters and settings as sent), then
 * replayed on gateway.db in the bench process, wave after wave, each wave's statements at
 * once. That is the engine's time for the load with no HTTP, GraphQL, auth or resolver
 * waits between statements: the floor a page load can approach.
 * Left out of the replay: `auth` (token checks, cached by the gateway) and `catalog`
 * (the snapshot read once per 10 s per workspace, warm when captured), so the replay is
 * the steady state; the gateway side pays a catalog refresh when its snapshot expires.
 */
import type { QueryOptions } from '../../src/clickhouse/client';
import type { BenchContext } from './context';
import { watchEngine } from './mix.engine';
import { destinationLoad, discardsLoad, overviewLoad, type PageLoad, type PageLoadKind } from './mix.pages';
import { ratio, summarize, type Summary } from './stats';

export interface MixBaselineCase {
  kind: PageLoadKind;
  operations: string[];
  /** Statements replayed per load, and their query families in capture order. */
  statements: number;
  families: string[];
  /** Page load over HTTP, one user, no ingest. */
  graphql: Summary;
  /**
   * Of that, the time during which at least one of the gateway's statements was out (queued
   * or running in the engine; auth and catalog included): the rest is HTTP, GraphQL and
   * resolver work with no statement out.
   */
  statementsOut: Summary;
  /** The same statements straight on gateway.db. */
  direct: Summary;
  ratioP50: number;
}

export interface MixBaseline {
  destinationId: string;
  step: string;
  cases: MixBaselineCase[];
}

const SKIPPED_FAMILIES = new Set(['auth', 'catalog']);

/** Every Db.query issued while `fn` runs (nothing else may run meanwhile). */
async function captureQueries(ctx: BenchContext, fn: () => Promise<unknown>): Promise<QueryOptions[]> {
  const db = ctx.gateway.db;
  const captured: QueryOptions[] = [];
  const original = db.query;
  // Every statement of the page runs, as the direct replay runs them.
  const cached = ctx.gateway.sharedReads.enabled;
  ctx.gateway.sharedReads.enabled = false;
  db.query = function <T>(this: typeof db, opts: QueryOptions): Promise<T[]> {
    if (!SKIPPED_FAMILIES.has(opts.family)) captured.push(opts);
    return original.call(this, opts) as Promise<T[]>;
  };
  try {
    await fn();
  } finally {
    delete (db as Partial<Pick<typeof db, 'query'>>).query; // back to the prototype's method
    ctx.gateway.sharedReads.enabled = cached;
  }
  return captured;
}

async function load(ctx: BenchContext, page: PageLoad): Promise<number> {
  const r = await ctx.client.pageLoad({ url: ctx.gateway.graphqlUrl, token: ctx.readToken, load: page });
  if (r.errors > 0) throw new Error(`mix baseline: ${page.kind} page load failed: ${r.firstError}`);
  return r.ms;
}

/** The statements of each wave of `page`, captured on a warm gateway. */
async function statementsOf(ctx: BenchContext, page: PageLoad): Promise<QueryOptions[][]> {
  await load(ctx, page); // warm: token and catalog caches, as for a reader already on the page
  const waves: QueryOptions[][] = [];
  for (const wave of page.waves) waves.push(await captureQueries(ctx, () => load(ctx, { kind: page.kind, waves: [wave] })));
  return waves;
}

async function replay(ctx: BenchContext, waves: QueryOptions[][]): Promise<number> {
  const t = performance.now();
  for (const wave of waves) await Promise.all(wave.map((s) => ctx.gateway.db.query(s)));
  return performance.now() - t;
}

/** One user, no ingest: each page load over HTTP against its statements direct, alternating. */
export async function mixBaseline(ctx: BenchContext, opts: { samples: number; destinationId: string; step: 'FAILED_DELIVERY' }): Promise<MixBaseline> {
  const pages = [overviewLoad(), destinationLoad(opts.destinationId), discardsLoad(opts.destinationId, opts.step)];
  const cases: MixBaselineCase[] = [];
  for (const page of pages) {
    ctx.progress(`mix baseline: ${page.kind} page load, GraphQL vs its statements direct, ${opts.samples} each`);
    const waves = await statementsOf(ctx, page);
    const statements = waves.flat();
    if (statements.length === 0) throw new Error(`mix baseline: no statement captured for the ${page.kind} page load`);
    const g: number[] = [];
    const e: number[] = [];
    const d: number[] = [];
    for (let i = 0; i < opts.samples; i++) {
      const engine = watchEngine(ctx.gateway.db);
      g.push(await load(ctx, page));
      e.push(engine.stop().busyMs);
      d.push(await replay(ctx, waves));
    }
    const graphql = summarize(g);
    const direct = summarize(d);
    cases.push({
      kind: page.kind,
      operations: page.waves.flat().map((r) => r.operation),
      statements: statements.length,
      families: statements.map((s) => s.family),
      graphql,
      statementsOut: summarize(e),
      direct,
      ratioP50: ratio(graphql.p50, direct.p50),
    });
  }
  return { destinationId: opts.destinationId, step: opts.step, cases };
}
