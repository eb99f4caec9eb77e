import { canonicalReasonOf } from '../domain/discard-reasons';
import { PIPELINE_STEPS, entryStepOf, pipelineStepOf } from '../domain/steps';
import type { ResolvedRange } from '../domain/time-range';
import { discardCounts } from '../metrics/breakdown.query';
import type { CatalogService } from '../metrics/catalog.service';
import { pipelineCounts, retryPending, syncCounts } from '../metrics/pipeline.query';
import { receivedInWindows } from '../metrics/volume.query';
import type { WorkspaceDb } from '../metrics/workspace-db';
import { measureDestinationQuiet } from './measure.quiet';
import { num, pct, type Measurement, type MeasureInput } from './measure.types';
import { KIND_SPECS, TYPICAL_DAYS, windowText, type AlertKind, type AlertRuleValue } from './rules';
import { sliceOf } from '../metrics/slice';

export type { Measurement } from './measure.types';

const MINUTE = 60_000;
const DAY = 86_400_000;

/**
 * The window a rule looks at when evaluated at `now`: the last `windowMinutes` whole
 * minutes, [floor(now) − window, floor(now)). The current, still-filling minute is left
 * out, so a window never compares a partial minute with complete ones.
 */
export function ruleWindow(rule: Pick<AlertRuleValue, 'windowMinutes'>, now: number): { from: number; to: number } {
  const to = Math.floor(now / MINUTE) * MINUTE;
  return { from: to - rule.windowMinutes * MINUTE, to };
}

/** A ResolvedRange with an empty previous period, for the metrics helpers that compare two. */
function windowRange(from: number, to: number): ResolvedRange {
  return { from, to, previousFrom: from, previousTo: from, timeZone: 'UTC', lookback: false };
}

/** Measures one rule at `now` with the metrics SQL, through the rule's workspace handle. */
export async function measure(wdb: WorkspaceDb, catalog: CatalogService, rule: AlertRuleValue, now: number): Promise<Measurement> {
  const { from, to } = ruleWindow(rule, now);
  const dest = rule.destinationId ?? '';
  return MEASURES[rule.kind]({
    wdb,
    catalog,
    rule,
    from,
    to,
    range: windowRange(from, to),
    w: windowText(rule.windowMinutes),
    guard: (volume) => !KIND_SPECS[rule.kind].guarded || volume >= rule.minVolume,
    dest,
    on: rule.mappingId ? `${dest} (mapping ${rule.mappingId})` : dest,
  });
}

type Measure = (m: MeasureInput) => Promise<Measurement>;

/** The rules of the two connection kinds: a Reverse ETL mapping's delivery rate, an audience destination's sync health. */
const CONNECTION_MEASURES: Record<'retl_mapping_delivery_rate_below' | 'audience_sync_health_below', Measure> = {
  // rate = the mapping's delivered / (delivered + failed delivery) × 100 over the window.
  async retl_mapping_delivery_rate_below(m) {
    const measured = await MEASURES.delivery_rate_below(m);
    return { ...measured, detail: `Reverse ETL ${measured.detail}` };
  },
  // health = delivered / (computed − filtered at destination) × 100: of the changes the destination should get, how many arrived.
  async audience_sync_health_below({ wdb, rule, range, w, guard, dest, on }) {
    const [counts] = await pipelineCounts(wdb, sliceOf(range), [{ destinationId: dest, sourceIds: [] }]);
    const toSend = (counts.computed?.now ?? 0) - (counts.filtered_destination?.now ?? 0);
    const delivered = counts.delivered?.now ?? 0;
    const value = toSend > 0 ? Math.min(100, (delivered / toSend) * 100) : null;
    return {
      value,
      volume: Math.max(0, toSend),
      baseline: null,
      breach: value !== null && value < rule.threshold,
      sufficient: guard(Math.max(0, toSend)),
      detail: `audience sync health of ${on} is ${pct(value)} over the last ${w} (${num(delivered)} of ${num(Math.max(0, toSend))} membership changes to send delivered; alert below ${rule.threshold}%)`,
    };
  },
};

const MEASURES: Record<AlertKind, Measure> = {
  // rate = delivered / (delivered + failed_delivery) × 100 over the window.
  async delivery_rate_below({ wdb, rule, range, w, guard, dest, on }) {
    const [counts] = await pipelineCounts(wdb, sliceOf(range, { mappingId: rule.mappingId }), [{ destinationId: dest, sourceIds: [] }]);
    const delivered = counts.delivered?.now ?? 0;
    const failed = counts.failed_delivery?.now ?? 0;
    const volume = delivered + failed;
    const value = volume > 0 ? (delivered / volume) * 100 : null;
    return {
      value,
      volume,
      baseline: null,
      breach: value !== null && value < rule.threshold,
      sufficient: guard(volume),
      detail: `successful delivery rate of ${on} is ${pct(value)} over the last ${w} (${num(delivered)} delivered, ${num(failed)} failed; alert below ${rule.threshold}%)`,
    };
  },
  // typical = mean of the same window shifted back k × 24 h, k = 1..7.
  async source_volume_anomaly({ wdb, rule, from, to, w, guard }) {
    const windows = [{ from, to }, ...Array.from({ length: TYPICAL_DAYS }, (_, i) => ({ from: from - (i + 1) * DAY, to: to - (i + 1) * DAY }))];
    const [current, ...previous] = await receivedInWindows(wdb, rule.sourceId ?? '', windows);
    const typical = previous.reduce((s, v) => s + v, 0) / TYPICAL_DAYS;
    const value = typical > 0 ? ((current - typical) / typical) * 100 : current > 0 ? null : 0;
    // With no typical volume, any volume at all is outside every band.
    const breach = typical > 0 ? Math.abs(value!) > rule.threshold : current > 0;
    const sign = value !== null && value > 0 ? '+' : '';
    const against = value === null ? 'with no typical volume' : `${sign}${pct(value)} against a typical ${num(Math.round(typical * 100) / 100)}`;
    return {
      value,
      volume: current,
      baseline: typical,
      breach,
      sufficient: guard(Math.max(current, typical)),
      detail: `received volume of ${rule.sourceId} is ${num(current)} over the last ${w}, ${against} (same window on each of the previous ${TYPICAL_DAYS} days; alert beyond ±${rule.threshold}%)`,
    };
  },
  // rate = count of the step (one reason, when given) / the first step (received of the connected sources) × 100.
  async discard_rate_above({ wdb, catalog, rule, range, w, guard, dest, on }) {
    const step = rule.step!;
    const sourceIds = (await catalog.connections([dest])).map((c) => c.sourceId);
    const [[destination], [counts]] = await Promise.all([
      catalog.destinations([dest]),
      pipelineCounts(wdb, sliceOf(range, { mappingId: rule.mappingId }), [{ destinationId: dest, sourceIds }]),
    ]);
    const kindOfDestination = destination?.kind ?? 'classic';
    const entry = entryStepOf(kindOfDestination);
    const received = counts[entry]?.now ?? 0;
    let count = counts[step]?.now ?? 0;
    if (rule.reason !== null) {
      const rows = await discardCounts(wdb, { step, destinationId: dest, sourceIds }, sliceOf(range, { mappingId: rule.mappingId }));
      // A rule written with an alias code (etimedout) counts its reason under every code it is stored with.
      const wanted = canonicalReasonOf(step, rule.reason);
      count = rows.filter((r) => canonicalReasonOf(step, r.reason) === wanted).reduce((sum, r) => sum + r.now, 0);
    }
    const value = received > 0 ? (count / received) * 100 : null;
    const label = PIPELINE_STEPS[pipelineStepOf(step, kindOfDestination)].label;
    const base = entry === 'received' ? 'received' : PIPELINE_STEPS[pipelineStepOf(entry, kindOfDestination)].label.toLowerCase();
    return {
      value,
      volume: received,
      baseline: null,
      breach: value !== null && value > rule.threshold,
      sufficient: guard(received),
      detail: `${label}${rule.reason !== null ? ` (reason ${rule.reason})` : ''} at ${on} is ${pct(value)} of ${num(received)} ${base} over the last ${w} (${num(count)} events; alert above ${rule.threshold}%)`,
    };
  },
  ...CONNECTION_MEASURES,
  destination_quiet: measureDestinationQuiet,
  // Syncs started in the window that did not fully succeed (failed, partial, or with failed rows).
  async sync_failures({ wdb, rule, range, w, dest }) {
    const [syncs] = await syncCounts(wdb, range, [dest]);
    const failed = syncs.failed.now;
    return {
      value: failed,
      volume: failed,
      baseline: null,
      breach: failed >= rule.threshold,
      sufficient: true,
      detail: `${num(failed)} failed or partial syncs of ${dest} over the last ${w} (alert at ${rule.threshold} or more)`,
    };
  },
  // A gauge: events waiting for a retry right now; the window does not apply.
  async retry_pending_above({ wdb, rule, dest, on }) {
    const [pending] = await retryPending(wdb, [{ destinationId: dest, mappingId: rule.mappingId }]);
    return {
      value: pending,
      volume: pending,
      baseline: null,
      breach: pending > rule.threshold,
      sufficient: true,
      detail: `${num(pending)} events wait for a retry at ${on} (alert above ${num(rule.threshold)})`,
    };
  },
};
