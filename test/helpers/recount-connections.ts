/**
 * The brute-force recount of the two connection kinds' own questions: breakdowns by operation,
 * mapping and audience, and Reverse ETL sync runs. Written from docs/api.md's semantics, with
 * no code from src/, like recount.ts.
 */
import { baseStepOf, byteCompare, change, Recount, reportStepOf, share, storedReason, type ChangeV, type Range, type Rec } from './recount';

export type GroupDim = 'OPERATION' | 'MAPPING' | 'AUDIENCE';

export interface GroupedV {
  operation: string | null;
  mappingId: string | null;
  audienceId: string | null;
  spaceId: string | null;
  count: number;
  previousCount: number;
  share: number | null;
  change: ChangeV;
}

export interface RunV {
  id: string;
  startedAt: number;
  finishedAt: number;
  status: 'SUCCESS' | 'PARTIAL' | 'FAILED';
  extracted: number;
  added: number;
  updated: number;
  removed: number;
  failedToExtract: number;
  filtered: number;
  delivered: number;
  failed: number;
  retryPending: number;
  topReasons: { code: string; step: string; count: number }[];
}

const RUN_DISCARD_STEPS = ['failed_extract', 'filtered_destination', 'failed_delivery'];

/** The values a row stands for, in groupBy order (the API breaks ties by them in that order). */
function keyValues(r: Rec, by: readonly GroupDim[]): string[] {
  return by.flatMap((d) => (d === 'OPERATION' ? [r.operation ?? ''] : d === 'MAPPING' ? [r.mappingId] : [r.audienceId ?? '', r.spaceId ?? '']));
}

export class ConnectionRecount extends Recount {
  /** Rows of one box grouped by `by`: now desc, before desc, then the grouped values in order. */
  grouped(
    destinationId: string,
    box: string,
    range: Range,
    mappingId: string | null,
    reason: string | null,
    first: number,
    by: readonly GroupDim[],
  ): GroupedV[] {
    const kind = this.kindOf(destinationId);
    const step = reportStepOf(kind, box)!;
    const base = this.stepCount(destinationId, baseStepOf(kind), range, mappingId, null);
    const groups = new Map<string, { values: string[]; now: number; before: number }>();
    for (const { rec, current } of this.scoped(destinationId, step, range, mappingId, null, reason)) {
      const values = keyValues(rec, by);
      const key = JSON.stringify(values);
      let g = groups.get(key);
      if (!g) groups.set(key, (g = { values, now: 0, before: 0 }));
      if (current) g.now += rec.count;
      else g.before += rec.count;
    }
    const order = (a: string[], b: string[]) => a.reduce((acc, v, i) => acc || byteCompare(v, b[i]), 0);
    return [...groups.values()]
      .sort((a, b) => b.now - a.now || b.before - a.before || order(a.values, b.values))
      .slice(0, first)
      .map((g) => {
        const values = [...g.values];
        const take = (d: GroupDim) => (by.includes(d) ? values.shift()! : null);
        const row: Record<GroupDim, string | null> = { OPERATION: null, MAPPING: null, AUDIENCE: null };
        let spaceId: string | null = null;
        for (const d of by) {
          row[d] = take(d);
          if (d === 'AUDIENCE') spaceId = values.shift()!;
        }
        return {
          operation: row.OPERATION,
          mappingId: row.MAPPING,
          audienceId: row.AUDIENCE,
          spaceId,
          count: g.now,
          previousCount: g.before,
          share: share(g.now, base.now),
          change: change(g.now, g.before, base.now, base.before),
        };
      });
  }

  /** Runs whose first report falls in [from, to), newest first (then syncId ascending), with status filter and limit. */
  syncRuns(destinationId: string, from: number, to: number, status: RunV['status'] | null, first: number): RunV[] {
    const runs = new Map<string, Rec[]>();
    for (const r of this.records) {
      if (r.destinationId !== destinationId || !r.syncId) continue;
      const list = runs.get(r.syncId) ?? [];
      list.push(r);
      runs.set(r.syncId, list);
    }
    return [...runs.entries()]
      .map(([id, recs]) => runOf(id, recs))
      .filter((run) => run.startedAt >= from && run.startedAt < to && (status === null || run.status === status))
      .sort((a, b) => b.startedAt - a.startedAt || byteCompare(a.id, b.id))
      .slice(0, first);
  }
}

function runOf(id: string, recs: Rec[]): RunV {
  const sum = (pred: (r: Rec) => boolean) => recs.filter(pred).reduce((s, r) => s + r.count, 0);
  const at = (step: string) => sum((r) => r.step === step);
  const extractedAs = (op: string) => sum((r) => r.step === 'extracted' && r.operation === op);
  const failedToExtract = at('failed_extract');
  const failed = at('failed_delivery');
  const delivered = at('delivered');
  const reasons = new Map<string, { code: string; step: string; count: number }>();
  for (const r of recs) {
    if (!RUN_DISCARD_STEPS.includes(r.step) || r.reason === '') continue;
    const code = storedReason(r.step, r.reason);
    const key = `${r.step}\u0000${code}`;
    const t = reasons.get(key) ?? { code, step: r.step, count: 0 };
    t.count += r.count;
    reasons.set(key, t);
  }
  return {
    id,
    startedAt: Math.min(...recs.map((r) => r.time)),
    finishedAt: Math.max(...recs.map((r) => r.time)),
    status: failedToExtract + failed === 0 ? 'SUCCESS' : delivered === 0 ? 'FAILED' : 'PARTIAL',
    extracted: at('extracted'),
    added: extractedAs('added'),
    updated: extractedAs('updated'),
    removed: extractedAs('removed'),
    failedToExtract,
    filtered: at('filtered_destination'),
    delivered,
    failed,
    retryPending: at('retry_enqueued') - at('retry_resolved'),
    topReasons: [...reasons.values()].sort((a, b) => b.count - a.count || byteCompare(a.step, b.step) || byteCompare(a.code, b.code)).slice(0, 3),
  };
}
