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
import { emitTracedMessages } from './generator.traced';
import { emitConnections } from './generator.connections';
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
      list.push({ combo: combos.draw(rng), count: 1, messageId: newMessageId(rng) });
    }
    for (const g of list) {
      const t = m + rng.int(0, MINUTE - 1);
      emitGroup(out, world, state, g, t, rng);
    }
    emitTracedMessages(out, state, m);
  }
  emitConnections(out, model, world.incidents, seed, m, scale);
  return out;
}

function newMessageId(rng: Rng): string {
  return `msg-${rng.hex(8)}-${rng.hex(4)}-${rng.hex(12)}`;
}

function emitGroup(out: RawDelivery[], world: World, state: SourceState, g: Group, t: number, rng: Rng): void {
  const { combo } = g;
  const src = state.source;
  const eventType = combo.event.type;
  const eventName = combo.event.name;
  const appVersion = combo.appVersion;
  const enriched = combo.enriched;
  const sourceId = src.id;
  const first = out.length;
  // One literal with a fixed key order keeps every row the same hidden class (fast, little GC).
  const push: Push = (time, step, count, destinationId = '', destinationKind = '', mappingId = '', reason = '', sample = null, messageId = g.messageId) => {
    if (count <= 0) return null;
    const row: RawDelivery = {
      time,
      origin: t,
      sourceId,
      destinationId,
      destinationKind,
      mappingId,
      step,
      reason,
      eventType,
      eventName,
      appVersion,
      enriched,
      count,
      messageId,
      sample,
    };
    out.push(row);
    return row;
  };
  const received = push(t, 'received', g.count)!;
  const discard = groupDiscard(push, received, { world, rng, src, combo, messageId: g.messageId, t });
  let left = g.count;

  const fi = rng.binomial(left, src.failedIngestRate);
  if (fi > 0) {
    discard(t, 'failed_ingest', fi, NO_DESTINATION, state.failedIngest.draw(rng));
    left -= fi;
  }
  const spike = activeSpike(state, combo, t);
  const fs = rng.binomial(left, spike ? spike.rate : src.filteredSourceRate);
  if (fs > 0) {
    discard(t, 'filtered_source', fs, NO_DESTINATION, spike ? 'schema_violation' : state.filteredSource.draw(rng), spike ? 4 : 1);
    left -= fs;
  }
  if (left > 0) for (const ds of state.destinations) emitDestination(push, discard, ds, combo, t, left, rng);
  dropEmptyRows(out, first);
}

/** A carved sample can leave a group row with no events (a group of one, a single retry): drop those of this group. */
function dropEmptyRows(out: RawDelivery[], first: number): void {
  let kept = first;
  for (let i = first; i < out.length; i++) if (out[i].count > 0) out[kept++] = out[i];
  out.length = kept;
}

type Push = (
  time: number,
  step: ReportStep,
  count: number,
  destinationId?: string,
  destinationKind?: DestinationKind | '',
  mappingId?: string,
  reason?: string,
  sample?: SimSample | null,
  messageId?: string,
) => RawDelivery | null;
interface Target {
  destinationId: string;
  kind: DestinationKind | '';
  mappingId: string;
}
const NO_DESTINATION: Target = { destinationId: '', kind: '', mappingId: '' };
/** The retry rows a final failure came through, so a carved message takes its retry with it. */
interface RetryRows {
  enqueued: RawDelivery;
  resolved: RawDelivery;
}
type Discard = (time: number, step: ReportStep, count: number, at: Target, reason: string, boost?: number, retry?: RetryRows) => void;

/**
 * Discards of a group's events, some with a sample. A sampled event becomes a message of its
 * own, with the id its sample payload carries: carved out of the group's discard and received
 * reports (and the retry it came through), so `trace` finds it from Successfully received to the
 * discard. A single-event group is already such a message; its discards are always sampled.
 */
function groupDiscard(
  push: Push,
  received: RawDelivery,
  g: { world: World; rng: Rng; src: SourceState['source']; combo: Combo; messageId: string; t: number },
): Discard {
  return (time, step, count, at, reason, boost = 1, retry) => {
    const { rng, t } = g;
    const single = g.messageId !== '';
    if (!rng.chance(single ? 1 : Math.min(1, g.world.model.sampleRate * boost))) {
      push(time, step, count, at.destinationId, at.kind, at.mappingId, reason);
      return;
    }
    const id = single ? g.messageId : newMessageId(rng);
    const sample = makeSample(rng, g.src, g.combo, step, reason, at.destinationId, id, t);
    if (single) {
      push(time, step, count, at.destinationId, at.kind, at.mappingId, reason, sample);
      return;
    }
    push(time, step, count - 1, at.destinationId, at.kind, at.mappingId, reason);
    push(time, step, 1, at.destinationId, at.kind, at.mappingId, reason, sample, id);
    received.count -= 1;
    push(t, 'received', 1, '', '', '', '', null, id);
    if (retry) {
      retry.enqueued.count -= 1;
      retry.resolved.count -= 1;
      push(retry.enqueued.time, 'retry_enqueued', 1, at.destinationId, at.kind, at.mappingId, retry.enqueued.reason, null, id);
      push(retry.resolved.time, 'retry_resolved', 1, at.destinationId, at.kind, at.mappingId, retry.resolved.reason, null, id);
    }
  };
}

/** What one destination does with the `left` events of a group that passed the source: filters, failures, retries, deliveries. */
function emitDestination(
  push: Push,
  discard: Discard,
  ds: SourceState['destinations'][number],
  combo: Group['combo'],
  t: number,
  left: number,
  rng: Rng,
): void {
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
    discard(t, 'filtered_destination', n, { destinationId: id, kind, mappingId: '' }, whole);
    return;
  }
  const mappingId = mapping ? mapping.id : '';
  const at = { destinationId: id, kind, mappingId };

  if (ds.filter) {
    const f = rng.binomial(n, d.filterRate);
    if (f > 0) {
      discard(t, 'filtered_destination', f, at, ds.filter.draw(rng));
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
    discard(t, 'failed_delivery', failed, at, storm ? storm.reason : ds.fail ? ds.fail.draw(rng) : '400', storm ? 3 : 1);
    n -= failed;
  }
  const retried = rng.binomial(n, retryRate);
  n -= retried;
  push(t, 'delivered', n, id, kind, mappingId);
  if (retried > 0) {
    const reason = storm ? storm.reason : ds.retry ? ds.retry.draw(rng) : 'ETIMEDOUT';
    const enqueued = push(t, 'retry_enqueued', retried, id, kind, mappingId, reason)!;
    const delayMin = storm ? rng.int(4, 15) : rng.int(1, 8);
    const resolvedAt = Math.min(t + delayMin * MINUTE + rng.int(0, MINUTE - 1), t + MAX_RETRY_DELAY_MS);
    const finallyFailed = rng.binomial(retried, storm ? storm.retryFailShare : d.retryFailShare);
    const resolved = push(resolvedAt, 'retry_resolved', retried, id, kind, mappingId, reason)!;
    push(resolvedAt, 'delivered', retried - finallyFailed, id, kind, mappingId);
    if (finallyFailed > 0) discard(resolvedAt, 'failed_delivery', finallyFailed, at, reason, storm ? 3 : 1, { enqueued, resolved });
  }
}
