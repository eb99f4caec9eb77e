/**
 * The gateway's answers without the gateway: the same metrics functions (so the same
 * SQL text and parameters) called straight on gateway.db, in the same dependency
 * order the resolvers and loaders issue them. The baseline for "gateway overhead"
 * and "throughput", and the GraphQL operations they are compared with.
 */
import { changeOf, shareOf } from '../../src/domain/change';
import { PipelineStepKind, type ReportStep } from '../../src/domain/steps';
import type { ResolvedRange } from '../../src/domain/time-range';
import type { Db } from '../../src/clickhouse/client';
import { breakdownCounts, discardCounts } from '../../src/metrics/breakdown.query';
import { CatalogCache } from '../../src/metrics/catalog.cache';
import { CatalogService } from '../../src/metrics/catalog.service';
import { buildPipeline } from '../../src/metrics/pipeline.build';
import { pipelineCounts, pipelineWithGauge, syncCounts } from '../../src/metrics/pipeline.query';
import { WorkspaceDb } from '../../src/metrics/workspace-db';
import { sliceOf } from '../../src/metrics/slice';

export type Question = 'pipeline' | 'breakdown' | 'discards';

/** GraphQL bodies for one destination (the dashboard's three tables). */
export function gqlBody(q: Question, destinationId: string, preset: string, step: PipelineStepKind = PipelineStepKind.FAILED_DELIVERY): string {
  const range = `{ preset: ${preset} }`;
  const query =
    q === 'pipeline'
      ? `query ($id: ID!) { destination(id: $id) { id retryPending pipeline(range: ${range}) { from to retryPending steps { kind count previousCount share change { count relativePercent percentagePoints } } } } }`
      : q === 'breakdown'
        ? `query ($id: ID!) { destination(id: $id) { breakdown(step: ${step}, range: ${range}, first: 100) { eventType eventName appVersion count previousCount share change { count percentagePoints } } } }`
        : `query ($id: ID!) { destination(id: $id) { discards(step: ${step}, range: ${range}) { count previousCount share change { count percentagePoints } reason { code title } } } }`;
  return JSON.stringify({ query, variables: { id: destinationId } });
}

/** A compact, comparable form of each answer (GraphQL `data` or a direct answer). */
export function answerOf(q: Question, data: unknown): unknown {
  const d = (data as { destination?: Record<string, unknown> } | null)?.destination;
  if (!d) return null;
  if (q === 'pipeline') {
    const p = d.pipeline as { steps: { kind: string; count: number | null; previousCount: number | null }[] };
    return p.steps.map((s) => [s.kind, s.count, s.previousCount]);
  }
  if (q === 'breakdown') return (d.breakdown as { eventName: string; appVersion: string; count: number }[]).map((r) => [r.eventName, r.appVersion, r.count]);
  return (d.discards as { reason: { code: string }; count: number }[]).map((r) => [r.reason.code, r.count]);
}

/**
 * One question answered by direct calls, mirroring the resolvers: destination lookup and
 * connections from the catalog snapshot (one statement, none while the cache is warm),
 * then the counts with the retry gauge (one statement); breakdown and discards also read
 * Successfully received for shares before their own table. Returns the same `data`
 * shape as GraphQL (the fields answerOf compares).
 */
export async function directAnswer(
  db: Db,
  workspaceId: string,
  q: Question,
  destinationId: string,
  range: ResolvedRange,
  step: ReportStep = 'failed_delivery',
  /** The catalog snapshots, as the gateway keeps them (pass one shared cache for its warm path). */
  catalogCache = new CatalogCache(),
): Promise<unknown> {
  const wdb = new WorkspaceDb(db, workspaceId);
  const catalog = new CatalogService(wdb, catalogCache);
  const [destination] = await catalog.destinations([destinationId]);
  if (!destination) return { destination: null };
  const scopeOf = async () => {
    const connections = await catalog.connections([destinationId]);
    return { destinationId, sourceIds: connections.map((c) => c.sourceId) };
  };
  if (q === 'pipeline') {
    const storage = destination.kind === 'storage';
    // The counts and the gauge in one statement, which also answers the destination's own gauge field.
    const [[read], syncs] = await Promise.all([
      scopeOf().then((s) => pipelineWithGauge(wdb, sliceOf(range), [s])),
      storage ? syncCounts(wdb, range, [destinationId]) : Promise.resolve(null),
    ]);
    const pending = storage ? null : read.pending;
    const p = buildPipeline(destination.kind, range, read.counts, pending, syncs?.[0] ?? null);
    return { destination: { id: destinationId, retryPending: pending, pipeline: p } };
  }
  const scope = await scopeOf();
  const [counts] = await pipelineCounts(wdb, sliceOf(range), [scope]);
  const received = counts.received ?? { now: 0, before: 0 };
  const stepScope = { step, destinationId, sourceIds: scope.sourceIds };
  if (q === 'breakdown') {
    const rows = await breakdownCounts(wdb, stepScope, sliceOf(range), null, 100);
    return {
      destination: {
        breakdown: rows.map((r) => ({
          ...r,
          count: r.now,
          previousCount: r.before,
          share: shareOf(r.now, received.now),
          change: changeOf(r.now, r.before, received.now, received.before),
        })),
      },
    };
  }
  const rows = await discardCounts(wdb, stepScope, sliceOf(range));
  return {
    destination: {
      discards: rows.map((r) => ({
        reason: { code: r.reason },
        count: r.now,
        previousCount: r.before,
        share: shareOf(r.now, received.now),
        change: changeOf(r.now, r.before, received.now, received.before),
      })),
    },
  };
}
