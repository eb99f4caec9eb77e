/**
 * 5. Batching: the workspace overview (every destination's pipeline) as one GraphQL
 * request, where the per-request loaders batch the reads, against one request per
 * destination fired at once (what a client without batching does). Also the SQL alone:
 * one pipelineCounts call for every destination against one call per destination.
 */
import { resolveTimeRange, TimeRangePreset } from '../../src/domain/time-range';
import { CatalogService } from '../../src/metrics/catalog.service';
import { pipelineCounts } from '../../src/metrics/pipeline.query';
import { WorkspaceDb } from '../../src/metrics/workspace-db';
import { countQueries, sameAnswer, type BenchContext } from './context';
import { ratio, summarize, type Summary } from './stats';
import { sliceOf } from '../../src/metrics/slice';

export interface BatchingResult {
  destinations: number;
  preset: string;
  runs: number;
  /** One overview request (loaders). */
  loaders: { queries: number; families: string[]; ms: Summary };
  /** One request per destination, all at once. */
  perDestination: { requests: number; queries: number; ms: Summary };
  /** The SQL alone: one batched pipelineCounts vs one per destination (at once). */
  sqlBatched: { queries: number; ms: Summary };
  sqlPerDestination: { queries: number; ms: Summary };
  speedupP50: number;
  sqlSpeedupP50: number;
  equal: boolean;
  errors: number;
}

type Steps = { kind: string; count: number }[];

export async function batchingBench(ctx: BenchContext, opts: { runs: number; preset?: TimeRangePreset }): Promise<BatchingResult> {
  const { gateway, client } = ctx;
  const preset = opts.preset ?? TimeRangePreset.LAST_24_HOURS;
  const range = `{ preset: ${preset} }`;
  const overview = JSON.stringify({ query: `{ destinations { id pipeline(range: ${range}) { steps { kind count } } } }` });
  const ids = ctx.destinations.map((d) => d.id);
  const single = ids.map((id) =>
    JSON.stringify({ query: `query ($id: ID!) { destination(id: $id) { id pipeline(range: ${range}) { steps { kind count } } } }`, variables: { id } }),
  );
  const call = { url: gateway.graphqlUrl, token: ctx.readToken };

  const wdb = new WorkspaceDb(gateway.db, ctx.workspaceId);
  const connections = await new CatalogService(wdb).connections(ids);
  const scopes = ids.map((id) => ({ destinationId: id, sourceIds: connections.filter((c) => c.destinationId === id).map((c) => c.sourceId) }));

  const lMs: number[] = [];
  const pMs: number[] = [];
  const sbMs: number[] = [];
  const spMs: number[] = [];
  let lQueries: string[] = [];
  let pQueries = 0;
  let sbQueries = 0;
  let spQueries = 0;
  let equal = false;
  let errors = 0;
  // Equal answers both ways (twice if a minute boundary fell between the two reads).
  for (let attempt = 0; attempt < 2; attempt++) {
    const l = await client.gql({ ...call, bodies: [overview] });
    const p = await client.gqlAll({ ...call, bodies: single });
    if (l.errors > 0 || p.errors > 0) throw new Error(`batching: GraphQL failed: ${l.firstError ?? p.firstError}`);
    const a = new Map((l.firstData as { destinations: { id: string; pipeline: { steps: Steps } }[] }).destinations.map((d) => [d.id, d.pipeline.steps]));
    const b = new Map((p.datas as { destination: { id: string; pipeline: { steps: Steps } } }[]).map((d) => [d.destination.id, d.destination.pipeline.steps]));
    equal = a.size === ids.length && ids.every((id) => sameAnswer(a.get(id), b.get(id)));
    if (equal) break;
  }
  for (let run = 0; run < opts.runs; run++) {
    ctx.progress(`batching: run ${run + 1}/${opts.runs}`);
    const l = await countQueries(ctx, () => client.gql({ ...call, bodies: [overview] }));
    lMs.push(l.result.ms[0]);
    lQueries = l.families;
    errors += l.result.errors;
    const p = await countQueries(ctx, () => client.gqlAll({ ...call, bodies: single }));
    pMs.push(p.result.wallMs);
    pQueries = p.families.length;
    errors += p.result.errors;
    const r = resolveTimeRange({ preset }, Date.now());
    const sb = await countQueries(ctx, async () => {
      const t = performance.now();
      await pipelineCounts(wdb, sliceOf(r), scopes);
      return performance.now() - t;
    });
    sbMs.push(sb.result);
    sbQueries = sb.families.length;
    const sp = await countQueries(ctx, async () => {
      const t = performance.now();
      await Promise.all(scopes.map((s) => pipelineCounts(wdb, sliceOf(r), [s])));
      return performance.now() - t;
    });
    spMs.push(sp.result);
    spQueries = sp.families.length;
  }
  const loaders = { queries: lQueries.length, families: lQueries, ms: summarize(lMs) };
  const perDestination = { requests: ids.length, queries: pQueries, ms: summarize(pMs) };
  const sqlBatched = { queries: sbQueries, ms: summarize(sbMs) };
  const sqlPerDestination = { queries: spQueries, ms: summarize(spMs) };
  return {
    destinations: ids.length,
    preset,
    runs: opts.runs,
    loaders,
    perDestination,
    sqlBatched,
    sqlPerDestination,
    speedupP50: ratio(perDestination.ms.p50, loaders.ms.p50),
    sqlSpeedupP50: ratio(sqlPerDestination.ms.p50, sqlBatched.ms.p50),
    equal,
    errors,
  };
}
