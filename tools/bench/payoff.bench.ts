/**
 * 1. Aggregate payoff: the gateway's own pipeline, breakdown and discard SQL (minute and
 * hour aggregates, src/metrics) against the same queries over the raw table (RAW_TABLE),
 * run alternately in one loop; both answers must be equal.
 */
import type { ClickHouseSettings } from '@clickhouse/client';
import { resolveTimeRange, TimeRangePreset, type ResolvedRange } from '../../src/domain/time-range';
import { breakdownCounts, discardCounts } from '../../src/metrics/breakdown.query';
import { CatalogService } from '../../src/metrics/catalog.service';
import { pipelineCounts } from '../../src/metrics/pipeline.query';
import { WorkspaceDb } from '../../src/metrics/workspace-db';
import type { Db } from '../../src/clickhouse/client';
import type { BenchContext } from './context';
import { RAW_TABLE } from './raw.queries';
import { round, summarize, type Summary } from './stats';
import { edgeReads, viewCosts, type TierComparison } from './tiers.bench';
import { sliceOf } from '../../src/metrics/slice';

/** Remembers the SQL it ran, to EXPLAIN ESTIMATE it afterwards. */
class RecordingWdb extends WorkspaceDb {
  readonly statements: { sql: string; params: Record<string, unknown> }[] = [];
  override async query<T>(family: string, sql: string, params: Record<string, unknown> = {}, settings?: ClickHouseSettings): Promise<T[]> {
    this.statements.push({ sql, params });
    return super.query<T>(family, sql, params, settings);
  }
}

export interface Estimate {
  table: string;
  parts: number;
  rows: number;
  marks: number;
}

export interface PayoffCase {
  question: 'pipeline' | 'breakdown' | 'discards';
  aggregate: Summary;
  raw: Summary;
  /** raw / aggregate at p50 and p95 (how many times faster the aggregates answer). */
  speedupP50: number;
  speedupP95: number;
  equal: boolean;
  /** Rows the engine's index analysis selects to read (EXPLAIN ESTIMATE), per table. */
  readsAggregate: Estimate[];
  readsRaw: Estimate[];
}

export interface PayoffResult {
  preset: string;
  destinationId: string;
  sources: number;
  range: { from: string; to: string; previousFrom: string };
  iterations: number;
  cases: PayoffCase[];
  /** Which tier layout pays: the minute edges three ways, ingest cost per view (tiers.bench.ts). */
  tiers: TierComparison;
}

/** Keys sorted, so two answers built in different row orders compare equal. */
function canonical(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(canonical);
  if (v && typeof v === 'object')
    return Object.fromEntries(
      Object.entries(v)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([k, x]) => [k, canonical(x)]),
    );
  return v;
}

async function estimate(db: Db, workspaceId: string, s: { sql: string; params: Record<string, unknown> }): Promise<Estimate[]> {
  const rows = await db.query<{ table: string; parts: number; rows: number; marks: number }>({
    family: 'bench',
    sql: `EXPLAIN ESTIMATE ${s.sql}`,
    params: { ...s.params, workspace: workspaceId },
  });
  return rows.map((r) => ({ table: r.table, parts: Number(r.parts), rows: Number(r.rows), marks: Number(r.marks) }));
}

export async function payoffBench(ctx: BenchContext, opts: { iterations: number; preset?: TimeRangePreset }): Promise<PayoffResult> {
  const db = ctx.gateway.db;
  const wdb = new RecordingWdb(db, ctx.workspaceId);
  const preset = opts.preset ?? TimeRangePreset.LAST_2_WEEKS;
  // The busiest destination (volume is skewed towards the first ones): the worst case.
  const destination = ctx.destinations.find((d) => d.kind === 'classic')!;
  const connections = await new CatalogService(wdb).connections([destination.id]);
  const sourceIds = connections.map((c) => c.sourceId);
  const range: ResolvedRange = resolveTimeRange({ preset }, Date.now());
  const scope = { destinationId: destination.id, sourceIds };
  const stepScope = { step: 'failed_delivery' as const, destinationId: destination.id, sourceIds };
  const questions = {
    pipeline: [() => pipelineCounts(wdb, sliceOf(range), [scope]), () => pipelineCounts(wdb, sliceOf(range), [scope], RAW_TABLE)],
    breakdown: [() => breakdownCounts(wdb, stepScope, sliceOf(range), null, 100), () => breakdownCounts(wdb, stepScope, sliceOf(range), null, 100, RAW_TABLE)],
    discards: [() => discardCounts(wdb, stepScope, sliceOf(range)), () => discardCounts(wdb, stepScope, sliceOf(range), RAW_TABLE)],
  } as const;

  const cases: PayoffCase[] = [];
  for (const [question, [agg, raw]] of Object.entries(questions) as [PayoffCase['question'], readonly [() => Promise<unknown>, () => Promise<unknown>]][]) {
    ctx.progress(`payoff: ${question}`);
    wdb.statements.length = 0;
    const a = await agg();
    const aggSql = [...wdb.statements];
    wdb.statements.length = 0;
    const r = await raw();
    const rawSql = [...wdb.statements];
    const equal = JSON.stringify(canonical(a)) === JSON.stringify(canonical(r));
    const aggMs: number[] = [];
    const rawMs: number[] = [];
    for (let i = 0; i < opts.iterations; i++) {
      // Alternate which runs first so neither side always follows the other.
      for (const side of i % 2 === 0 ? ['agg', 'raw'] : ['raw', 'agg']) {
        const t = performance.now();
        await (side === 'agg' ? agg() : raw());
        (side === 'agg' ? aggMs : rawMs).push(performance.now() - t);
      }
    }
    const aggregate = summarize(aggMs);
    const rawS = summarize(rawMs);
    const readsAggregate = (await Promise.all(aggSql.map((s) => estimate(db, ctx.workspaceId, s)))).flat();
    const readsRaw = (await Promise.all(rawSql.map((s) => estimate(db, ctx.workspaceId, s)))).flat();
    cases.push({
      question,
      aggregate,
      raw: rawS,
      speedupP50: round(rawS.p50 / aggregate.p50, 1),
      speedupP95: round(rawS.p95 / aggregate.p95, 1),
      equal,
      readsAggregate,
      readsRaw,
    });
  }
  ctx.progress('payoff: tiers (minute edges three ways, ingest cost per view)');
  const tiers: TierComparison = {
    edges: await edgeReads(db, ctx.workspaceId, range, scope, opts.iterations),
    viewCost: await viewCosts(db, ctx.quick ? 20_000 : 500_000),
  };
  return {
    preset,
    destinationId: destination.id,
    sources: sourceIds.length,
    range: { from: new Date(range.from).toISOString(), to: new Date(range.to).toISOString(), previousFrom: new Date(range.previousFrom).toISOString() },
    iterations: opts.iterations,
    cases,
    tiers,
  };
}
