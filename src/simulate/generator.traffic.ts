/**
 * One minute of traffic: the events each source receives in a minute, split into
 * aggregated groups, and every report those groups cause at the source and at each
 * connected destination (retry resolutions may lie up to MAX_RETRY_DELAY_MS later).
 */
import type { DestinationKind, ReportStep } from '../domain/steps';
import { routeMapping } from './model';
import { Rng } from './random';
import { makeSample } from './generator.samples';
import { HOUR, MINUTE } from './generator.time';
import type { RawDelivery, SimSample } from './generator.types';
import { expectedRate } from './generator.volume';
import { activeSpike, activeStorm, combosAt, type Combo, type SourceState, type World } from './generator.world';

/** A retry resolves at most this long after it was enqueued. */
export const MAX_RETRY_DELAY_MS = 17 * MINUTE - 1;

interface Group {
  combo: Combo;
  count: number;
  messageId: string;
}

/** Every report caused by the events received in minute `m` (retry resolutions may lie later). */
export function generateMinute(world: World, seed: number, m: number, scale: number): RawDelivery[] {
  const out: RawDelivery[] = [];
  const model = world.model;
  for (const state of world.sources) {
    const rng = Rng.of(seed, 'minute', m, state.source.id);
    const hourRng = Rng.of(seed, 'hour', Math.floor(m / HOUR), state.source.id);
    const hourly = 1 + 0.08 * hourRng.gaussian();
    const mean = expectedRate(state.source, m, scale) * Math.max(0.5, hourly);
    const total = Math.max(0, Math.round(mean * (1 + 0.05 * rng.gaussian())));
    const combos = combosAt(state, m);

    // Split the minute's events into aggregated groups: popular combinations appear
    // every minute, rare ones now and then.
    const groups = new Map<Combo, Group>();
    if (total > 0) {
      const chunks = Math.max(1, Math.round(total / model.eventsPerReport));
      const weights: number[] = [];
      let wsum = 0;
      for (let i = 0; i < chunks; i++) {
        const w = 0.5 + rng.next();
        weights.push(w);
        wsum += w;
      }
      let left = total;
      for (let i = 0; i < chunks; i++) {
        const n = i === chunks - 1 ? left : Math.min(left, Math.round((total * weights[i]) / wsum));
        left -= n;
        if (n <= 0) continue;
        const combo = combos.draw(rng);
        const g = groups.get(combo);
        if (g) g.count += n;
        else groups.set(combo, { combo, count: n, messageId: '' });
      }
    }
    const list = [...groups.values()];
    // Single-event reports carry a message id, so a trace has something to find.
    const singles = rng.poisson(model.singleEventsPerMinute * Math.min(2, scale));
    for (let i = 0; i < singles; i++) {
      list.push({ combo: combos.draw(rng), count: 1, messageId: `msg-${rng.hex(8)}-${rng.hex(4)}-${rng.hex(12)}` });
    }
    for (const g of list) {
      const t = m + rng.int(0, MINUTE - 1);
      emitGroup(out, world, state, g, t, rng);
    }
  }
  return out;
}

function emitGroup(out: RawDelivery[], world: World, state: SourceState, g: Group, t: number, rng: Rng): void {
  const { combo } = g;
  const src = state.source;
  const eventType = combo.event.type;
  const eventName = combo.event.name;
  const appVersion = combo.appVersion;
  const enriched = combo.enriched;
  const messageId = g.messageId;
  const sourceId = src.id;
  // One literal with a fixed key order keeps every row the same hidden class (fast, little GC).
  const push = (
    time: number,
    step: ReportStep,
    count: number,
    destinationId = '',
    destinationKind: DestinationKind | '' = '',
    mappingId = '',
    reason = '',
    sample: SimSample | null = null,
  ) => {
    if (count <= 0) return;
    out.push({
      time, origin: t, sourceId, destinationId, destinationKind, mappingId, step, reason,
      eventType, eventName, appVersion, enriched, count, messageId, sample,
    });
  };
  const sampleFor = (step: ReportStep, reason: string, destinationId: string, boost = 1): SimSample | null => {
    const p = g.messageId !== '' ? 1 : Math.min(1, world.model.sampleRate * boost);
    return rng.chance(p) ? makeSample(rng, src, combo, step, reason, destinationId, g.messageId, t) : null;
  };

  push(t, 'received', g.count);
  let left = g.count;

  const fi = rng.binomial(left, src.failedIngestRate);
  if (fi > 0) {
    const reason = state.failedIngest.draw(rng);
    push(t, 'failed_ingest', fi, '', '', '', reason, sampleFor('failed_ingest', reason, ''));
    left -= fi;
  }
  const spike = activeSpike(state, combo, t);
  const fs = rng.binomial(left, spike ? spike.rate : src.filteredSourceRate);
  if (fs > 0) {
    const reason = spike ? 'schema_violation' : state.filteredSource.draw(rng);
    push(t, 'filtered_source', fs, '', '', '', reason, sampleFor('filtered_source', reason, '', spike ? 4 : 1));
    left -= fs;
  }
  if (left <= 0) return;

  for (const ds of state.destinations) emitDestination(push, sampleFor, ds, combo, t, left, rng);
}

type Push = (time: number, step: ReportStep, count: number, destinationId?: string, destinationKind?: DestinationKind | '', mappingId?: string, reason?: string, sample?: SimSample | null) => void;
type SampleFor = (step: ReportStep, reason: string, destinationId: string, boost?: number) => SimSample | null;

/** What one destination does with the `left` events of a group that passed the source: filters, failures, retries, deliveries. */
function emitDestination(push: Push, sampleFor: SampleFor, ds: SourceState['destinations'][number], combo: Group['combo'], t: number, left: number, rng: Rng): void {
  const d = ds.dest;
  const kind = d.kind;
  const id = d.id;
  let n = left;

  // Whole-group filters: the destination never takes this event.
  let whole = '';
  const mapping = kind === 'actions' ? routeMapping(d, combo.event.type, combo.event.name) : null;
  if (d.unsupportedEventTypes.includes(combo.event.type)) whole = 'UNSUPPORTED_EVENT_TYPE';
  else if (d.blockedEventNames.includes(combo.event.name)) whole = 'FILTERED_BY_RULES';
  else if (kind === 'actions' && !mapping) whole = 'NO_MATCHING_MAPPING';
  if (whole !== '') {
    push(t, 'filtered_destination', n, id, kind, '', whole, sampleFor('filtered_destination', whole, id));
    return;
  }
  const mappingId = mapping ? mapping.id : '';

  if (ds.filter) {
    const f = rng.binomial(n, d.filterRate);
    if (f > 0) {
      const reason = ds.filter.draw(rng);
      push(t, 'filtered_destination', f, id, kind, mappingId, reason, sampleFor('filtered_destination', reason, id));
      n -= f;
    }
  }
  if (kind === 'storage') {
    push(t, 'delivered', n, id, kind);
    return;
  }

  const storm = activeStorm(ds, t);
  const failRate = storm ? storm.failRate : d.failRate;
  const retryRate = storm ? storm.retryRate : d.retryRate;
  const failed = rng.binomial(n, failRate);
  if (failed > 0) {
    const reason = storm ? storm.reason : ds.fail ? ds.fail.draw(rng) : '400';
    push(t, 'failed_delivery', failed, id, kind, mappingId, reason, sampleFor('failed_delivery', reason, id, storm ? 3 : 1));
    n -= failed;
  }
  const retried = rng.binomial(n, retryRate);
  n -= retried;
  push(t, 'delivered', n, id, kind, mappingId);
  if (retried > 0) {
    const reason = storm ? storm.reason : ds.retry ? ds.retry.draw(rng) : 'ETIMEDOUT';
    push(t, 'retry_enqueued', retried, id, kind, mappingId, reason);
    const delayMin = storm ? rng.int(4, 15) : rng.int(1, 8);
    const resolvedAt = Math.min(t + delayMin * MINUTE + rng.int(0, MINUTE - 1), t + MAX_RETRY_DELAY_MS);
    const finallyFailed = rng.binomial(retried, storm ? storm.retryFailShare : d.retryFailShare);
    push(resolvedAt, 'retry_resolved', retried, id, kind, mappingId, reason);
    push(resolvedAt, 'delivered', retried - finallyFailed, id, kind, mappingId);
    if (finallyFailed > 0) {
      push(resolvedAt, 'failed_delivery', finallyFailed, id, kind, mappingId, reason, sampleFor('failed_delivery', reason, id, storm ? 3 : 1));
    }
  }
}
