import { pipelineCounts, syncCounts } from '../metrics/pipeline.query';
import type { Measurement, MeasureInput } from './measure.types';
import { judgeQuiet, QUIET_MEANINGS } from './quiet';
import { sliceOf } from '../metrics/slice';

/**
 * DESTINATION_QUIET over the window: the destination's entry count (its connected sources'
 * Successfully received, or its own first box for Reverse ETL and audiences), what its
 * filters took, and what it delivered (rows its syncs loaded, for storage), through the
 * same metrics SQL as the pipeline view. minVolume guards the expected count.
 */
export async function measureDestinationQuiet({ wdb, catalog, rule, range, w, guard, dest }: MeasureInput): Promise<Measurement> {
  const [destination] = await catalog.destinations([dest]);
  // A destination the catalog forgot keeps the streaming meaning (its received is then 0: no transition).
  const kind = destination?.kind ?? 'classic';
  const meaning = QUIET_MEANINGS[kind];
  const sourceIds = meaning.entry === 'received' ? (await catalog.connections([dest])).map((c) => c.sourceId) : [];
  const [[counts], syncs] = await Promise.all([
    pipelineCounts(wdb, sliceOf(range), [{ destinationId: dest, sourceIds }]),
    meaning.delivered === 'rowsSynced' ? syncCounts(wdb, range, [dest]) : Promise.resolve(null),
  ]);
  const now = (step: string) => counts[step as keyof typeof counts]?.now ?? 0;
  const verdict = judgeQuiet(
    kind,
    {
      entry: now(meaning.entry),
      filtered: meaning.filters.reduce((sum, step) => sum + now(step), 0),
      delivered: syncs ? syncs[0].rowsSynced.now : now('delivered'),
    },
    rule.threshold,
    dest,
    w,
  );
  return {
    value: verdict.share,
    volume: verdict.expected,
    baseline: null,
    breach: verdict.breach,
    sufficient: guard(verdict.expected),
    counts: verdict.counts,
    detail: verdict.detail,
  };
}
