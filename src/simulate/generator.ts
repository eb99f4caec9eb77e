/**
 * The simulator proper: pure, no I/O, no clock. Traffic is generated minute by minute,
 * each minute from its own seeded generator, so any window can be produced on its
 * own and two adjacent windows add up to the window that spans both.
 *
 * Per minute and source, the events are split into aggregated groups (one per
 * event type, name, app version and enrichment flag); each group is one `received`
 * report plus its source-side discards, and for every connected destination its
 * filters, failures, retries and deliveries — all stamped with the group's time, so
 * a window boundary never cuts a group in half. A retry is enqueued at the group's
 * time and resolved (delivered or failed) a few minutes later; its resolution is
 * emitted only when it falls inside the window, otherwise the events stay in flight.
 * That makes, for any window and destination:
 *   received − failed_ingest − filtered_source
 *     = filtered_destination + failed_delivery + delivered + (retry_enqueued − retry_resolved).
 */
import type { DestinationKind, ReportStep, SyncStatus } from '../domain/steps';
import {
  routeMapping,
  type Incident,
  type RateLimitStorm,
  type SchemaViolationSpike,
  type SimDestination,
  type SimEventDef,
  type SimEventType,
  type SimSource,
  type SyncFailure,
  type WorkspaceModel,
} from './model';
import { Rng, WeightedTable, type Weighted } from './random';

const MINUTE = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;

/** A retry resolves at most this long after it was enqueued. */
export const MAX_RETRY_DELAY_MS = 17 * MINUTE - 1;

// ── Output types ──────────────────────────────────────────────────────────────────

export interface SimSample {
  payload: Record<string, unknown>;
  error: string;
}

/** One delivery report, exactly in the shape of the ingest contract. */
export interface SimDelivery {
  timestamp: string;
  sourceId: string;
  destinationId?: string;
  destinationKind?: DestinationKind;
  mappingId?: string;
  step: ReportStep;
  reason?: string;
  eventType: string;
  eventName: string;
  appVersion: string;
  enriched: boolean;
  count: number;
  messageId?: string;
  sample?: SimSample;
}

export interface SimSyncCollection {
  name: string;
  rowsSynced: number;
  rowsFailed: number;
  reason: string;
}

/** One warehouse-sync report, exactly in the shape of the ingest contract. */
export interface SimSync {
  type: 'sync';
  destinationId: string;
  syncId: string;
  startedAt: string;
  finishedAt: string;
  status: SyncStatus;
  reason: string;
  collections: SimSyncCollection[];
}

/** The generator's internal row: numeric time, empty strings for absent fields. */
export interface RawDelivery {
  time: number;
  /** Time of the group the events were received in (≤ time; < time only for retry resolutions). */
  origin: number;
  sourceId: string;
  destinationId: string;
  destinationKind: DestinationKind | '';
  mappingId: string;
  step: ReportStep;
  reason: string;
  eventType: SimEventType;
  eventName: string;
  appVersion: string;
  enriched: boolean;
  count: number;
  messageId: string;
  sample: SimSample | null;
}

export interface RawSync {
  destinationId: string;
  syncId: string;
  startedAt: number;
  finishedAt: number;
  status: SyncStatus;
  reason: string;
  collections: SimSyncCollection[];
}

export interface GenerateOptions {
  model: WorkspaceModel;
  seed: number;
  /** Window start (epoch ms, inclusive). */
  from: number;
  /** Window end (epoch ms, exclusive). */
  to: number;
  incidents: readonly Incident[];
  /**
   * When the simulated world begins (default: `from`). Events received before it do
   * not exist, so neither do their retry resolutions. Set it earlier than `from` to
   * continue a run window by window (live mode): retries enqueued in an earlier window
   * then resolve in this one.
   */
  origin?: number;
  /** Multiplies every source's volume (default 1). */
  volumeScale?: number;
}

// ── Public API ────────────────────────────────────────────────────────────────────

export function generateWindow(opts: GenerateOptions): { deliveries: SimDelivery[]; syncs: SimSync[] } {
  const raw = generateRaw(opts);
  return { deliveries: raw.deliveries.map(toSimDelivery), syncs: raw.syncs.map(toSimSync) };
}

/** Same as generateWindow, with numeric times (what the backfill encodes). */
export function generateRaw(opts: GenerateOptions, cache?: MinuteCache): { deliveries: RawDelivery[]; syncs: RawSync[] } {
  const origin = opts.origin ?? opts.from;
  const from = Math.max(opts.from, origin);
  const to = opts.to;
  const deliveries: RawDelivery[] = [];
  const syncs: RawSync[] = [];
  if (!(to > from)) return { deliveries, syncs };
  const world = worldFor(opts.model, opts.incidents);
  const scale = opts.volumeScale ?? 1;

  const firstMinute = Math.floor(Math.max(origin, from - MAX_RETRY_DELAY_MS) / MINUTE) * MINUTE;
  for (let m = firstMinute; m < to; m += MINUTE) {
    const rows = cache ? cache.get(opts.seed, m, scale, () => generateMinute(world, opts.seed, m, scale)) : generateMinute(world, opts.seed, m, scale);
    for (const r of rows) {
      if (r.time >= from && r.time < to && r.origin >= origin) deliveries.push(r);
    }
  }
  deliveries.sort((a, b) => a.time - b.time);

  for (const dest of world.model.destinations) {
    if (!dest.sync) continue;
    const every = dest.sync.everyMinutes * MINUTE;
    const offset = dest.sync.offsetMinutes * MINUTE;
    // A sync is reported when it finishes; it started at most an hour before.
    let slot = Math.floor((from - offset - HOUR) / every) * every + offset;
    for (; slot < to; slot += every) {
      const s = generateSync(world, opts.seed, dest, slot, scale);
      if (s.finishedAt >= from && s.finishedAt < to && s.startedAt >= origin) syncs.push(s);
    }
  }
  syncs.sort((a, b) => a.finishedAt - b.finishedAt);
  return { deliveries, syncs };
}

export function toSimDelivery(r: RawDelivery): SimDelivery {
  const d: SimDelivery = {
    timestamp: new Date(r.time).toISOString(),
    sourceId: r.sourceId,
    step: r.step,
    eventType: r.eventType,
    eventName: r.eventName,
    appVersion: r.appVersion,
    enriched: r.enriched,
    count: r.count,
  };
  if (r.destinationId !== '') d.destinationId = r.destinationId;
  if (r.destinationKind !== '') d.destinationKind = r.destinationKind;
  if (r.mappingId !== '') d.mappingId = r.mappingId;
  if (r.reason !== '') d.reason = r.reason;
  if (r.messageId !== '') d.messageId = r.messageId;
  if (r.sample) d.sample = r.sample;
  return d;
}

export function toSimSync(s: RawSync): SimSync {
  return {
    type: 'sync',
    destinationId: s.destinationId,
    syncId: s.syncId,
    startedAt: new Date(s.startedAt).toISOString(),
    finishedAt: new Date(s.finishedAt).toISOString(),
    status: s.status,
    reason: s.reason,
    collections: s.collections,
  };
}

/** Minutes already generated, for callers that generate overlapping windows (live mode). */
export class MinuteCache {
  private readonly minutes = new Map<string, RawDelivery[]>();
  constructor(private readonly maxMinutes = 64) {}

  get(seed: number, minute: number, scale: number, make: () => RawDelivery[]): RawDelivery[] {
    const key = `${seed}:${scale}:${minute}`;
    let rows = this.minutes.get(key);
    if (!rows) {
      rows = make();
      this.minutes.set(key, rows);
      while (this.minutes.size > this.maxMinutes) this.minutes.delete(this.minutes.keys().next().value as string);
    }
    return rows;
  }
}

// ── Volume ────────────────────────────────────────────────────────────────────────

/** Daily rhythm (UTC): about 0.2 at 03:00, 1.7 at 15:00; weekends at 65 %. */
export function rhythm(time: number, strength: number): number {
  const hour = (time % DAY) / HOUR;
  const daily = 0.95 + 0.75 * strength * Math.cos((2 * Math.PI * (hour - 15)) / 24);
  const weekday = new Date(time).getUTCDay();
  const weekly = weekday === 0 || weekday === 6 ? 1 - 0.35 * strength : 1;
  return daily * weekly;
}

/** Expected events per minute of a source at a time (no noise). */
export function expectedRate(source: SimSource, time: number, scale = 1): number {
  return source.ratePerMinute * rhythm(time, source.rhythm) * scale;
}

// ── World: the model with lookup tables and incidents indexed ─────────────────────

interface Combo {
  event: SimEventDef;
  appVersion: string;
  enriched: boolean;
}

interface SourceState {
  source: SimSource;
  index: number;
  /** Combo tables: the normal one, and one per release incident while its version is not out yet. */
  combos: WeightedTable<Combo>;
  prerelease: { before: number; combos: WeightedTable<Combo> }[];
  failedIngest: WeightedTable<string>;
  filteredSource: WeightedTable<string>;
  destinations: DestState[];
  spikes: SchemaViolationSpike[];
}

interface DestState {
  dest: SimDestination;
  filter: WeightedTable<string> | null;
  fail: WeightedTable<string> | null;
  retry: WeightedTable<string> | null;
  storms: RateLimitStorm[];
}

interface World {
  model: WorkspaceModel;
  sources: SourceState[];
  syncFailures: SyncFailure[];
}

const worlds = new WeakMap<WorkspaceModel, Map<string, World>>();

function worldFor(model: WorkspaceModel, incidents: readonly Incident[]): World {
  const key = JSON.stringify(incidents);
  let byIncidents = worlds.get(model);
  if (!byIncidents) {
    byIncidents = new Map();
    worlds.set(model, byIncidents);
  }
  let world = byIncidents.get(key);
  if (!world) {
    world = buildWorld(model, incidents);
    if (byIncidents.size > 16) byIncidents.clear();
    byIncidents.set(key, world);
  }
  return world;
}

function table<T>(items: readonly Weighted<T>[]): WeightedTable<T> | null {
  const t = new WeightedTable(items);
  return t.size > 0 ? t : null;
}

function buildWorld(model: WorkspaceModel, incidents: readonly Incident[]): World {
  const destStates = model.destinations.map<DestState>((dest) => ({
    dest,
    filter: table(dest.filterReasons),
    fail: table(dest.failReasons),
    retry: table(dest.retryReasons),
    storms: incidents.filter((i): i is RateLimitStorm => i.kind === 'rate_limit_storm' && i.destinationId === dest.id),
  }));
  const sources = model.sources.map<SourceState>((source, index) => {
    const spikes = incidents.filter((i): i is SchemaViolationSpike => i.kind === 'schema_violation_spike' && i.sourceId === source.id);
    const comboTable = (hiddenVersions: readonly string[]) => {
      const items: Weighted<Combo>[] = [];
      for (const event of model.events) {
        if (!event.platforms.includes(source.platform)) continue;
        for (const v of source.appVersions) {
          if (hiddenVersions.includes(v.value)) continue;
          for (const enriched of [false, true]) {
            items.push({ value: { event, appVersion: v.value, enriched }, weight: event.weight * v.weight * (enriched ? source.enrichedShare : 1 - source.enrichedShare) });
          }
        }
      }
      return new WeightedTable(items);
    };
    // A version released by an incident does not exist before the incident starts.
    const releases = [...spikes].sort((a, b) => a.start - b.start);
    const prerelease = releases.map((spike, i) => ({
      before: spike.start,
      combos: comboTable(releases.slice(i).map((s) => s.appVersion)),
    }));
    return {
      source,
      index,
      combos: comboTable([]),
      prerelease,
      failedIngest: new WeightedTable(source.failedIngestReasons),
      filteredSource: new WeightedTable(source.filteredSourceReasons),
      destinations: destStates.filter((d) => d.dest.sourceIds.includes(source.id)),
      spikes,
    };
  });
  return {
    model,
    sources,
    syncFailures: incidents.filter((i): i is SyncFailure => i.kind === 'sync_failure'),
  };
}

function combosAt(state: SourceState, time: number): WeightedTable<Combo> {
  for (const p of state.prerelease) if (time < p.before) return p.combos;
  return state.combos;
}

// ── One minute of traffic ─────────────────────────────────────────────────────────

interface Group {
  combo: Combo;
  count: number;
  messageId: string;
}

/** Every report caused by the events received in minute `m` (retry resolutions may lie later). */
function generateMinute(world: World, seed: number, m: number, scale: number): RawDelivery[] {
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

function activeSpike(state: SourceState, combo: Combo, t: number): SchemaViolationSpike | null {
  for (const s of state.spikes) if (t >= s.start && t < s.end && s.appVersion === combo.appVersion) return s;
  return null;
}

function activeStorm(d: DestState, t: number): RateLimitStorm | null {
  for (const s of d.storms) if (t >= s.start && t < s.end) return s;
  return null;
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

  for (const ds of state.destinations) {
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
      continue;
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
      continue;
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
}

// ── Warehouse syncs ───────────────────────────────────────────────────────────────

const PARTIAL_REASONS = [
  'Column "price" has type FLOAT64 in the warehouse but STRING in 12 events; those rows were skipped',
  'Row exceeds the maximum row size of the warehouse; oversized rows were skipped',
  'Column "context_campaign_name" could not be added: the table reached its column limit',
  'Value of "properties.quantity" is out of range for INT64; those rows were skipped',
];
const FAILED_REASONS = [
  'Warehouse unreachable: connection timed out after 30 s',
  'Load job was cancelled by the warehouse: query queue is full',
];

function generateSync(world: World, seed: number, dest: SimDestination, slot: number, scale: number): RawSync {
  const rng = Rng.of(seed, 'sync', dest.id, slot);
  const plan = dest.sync!;
  const startedAt = slot + rng.int(0, 45_000);
  // Rows loaded: roughly what the connected sources sent during the interval.
  let expected = 0;
  for (const state of world.sources) {
    if (!dest.sourceIds.includes(state.source.id)) continue;
    expected += expectedRate(state.source, slot - HOUR / 2, scale) * plan.everyMinutes * 0.95;
  }
  expected *= 1 + 0.05 * rng.gaussian();
  const weightTotal = plan.collections.reduce((s, c) => s + c.weight, 0);
  const incident = world.syncFailures.find((f) => f.destinationId === dest.id && startedAt >= f.start && startedAt < f.end);
  const roll = rng.next();
  const status: SyncStatus = incident || roll < 0.015 ? 'failed' : roll < 0.1 ? 'partial' : 'success';
  const reason = incident ? incident.reason : status === 'failed' ? rng.pick(FAILED_REASONS) : '';
  const partialIndex = rng.int(0, plan.collections.length - 1);
  const partialReason = rng.pick(PARTIAL_REASONS);
  const collections = plan.collections.map((c, i) => {
    const rows = Math.max(0, Math.round((expected * c.weight) / weightTotal));
    if (status === 'failed') return { name: c.value, rowsSynced: 0, rowsFailed: rows, reason };
    if (status === 'partial' && i === partialIndex) {
      const bad = Math.max(1, Math.round(rows * (0.002 + 0.03 * rng.next())));
      return { name: c.value, rowsSynced: Math.max(0, rows - bad), rowsFailed: bad, reason: partialReason };
    }
    return { name: c.value, rowsSynced: rows, rowsFailed: 0, reason: '' };
  });
  const duration = status === 'failed' ? rng.int(20_000, 90_000) : rng.int(60_000, 300_000);
  const stamp = new Date(slot).toISOString().replace(/[-:]/g, '').slice(0, 13);
  return {
    destinationId: dest.id,
    syncId: `sync-${dest.id}-${stamp}`,
    startedAt,
    finishedAt: startedAt + duration,
    status,
    reason: status === 'partial' ? `${collections.filter((c) => c.rowsFailed > 0).length} collection(s) had rows that could not be loaded` : reason,
    collections,
  };
}

// ── Samples ───────────────────────────────────────────────────────────────────────

const USER_COUNT = 250_000;

function makeSample(rng: Rng, src: SimSource, combo: Combo, step: ReportStep, reason: string, destinationId: string, messageId: string, t: number): SimSample {
  const type = combo.event.type;
  const payload: Record<string, unknown> = {
    type,
    messageId: messageId || `${src.platform === 'web' ? 'ajs' : src.platform === 'mobile' ? 'mob' : 'node'}-${rng.hex(24)}`,
    timestamp: new Date(t - rng.int(50, 4_000)).toISOString(),
  };
  const noIds = reason === 'no_user_anon_id' || reason === 'id_required';
  if (!noIds) {
    payload.anonymousId = reason === 'id_not_string' ? '' : `${rng.hex(8)}-${rng.hex(4)}-4${rng.hex(3)}-${rng.hex(4)}-${rng.hex(12)}`;
    if (rng.chance(0.6)) payload.userId = `user_${rng.int(1, USER_COUNT)}`;
  }
  if (type === 'track') {
    if (reason !== 'event_not_defined') payload.event = combo.event.name;
    payload.properties = reason === 'properties_not_object' ? 'sku=SKU-1042' : trackProperties(rng, combo.event.name, reason);
  } else if (type === 'page' || type === 'screen') {
    payload.name = reason === 'name_not_string' ? 42 : combo.event.name;
    payload.properties = type === 'page' ? { path: pagePath(combo.event.name), title: `${combo.event.name} | Demo Store` } : {};
  } else if (type === 'identify') {
    payload.traits = reason === 'traits_not_object' ? 'plan=pro' : { email: `shopper${rng.int(1, USER_COUNT)}@example.com`, plan: rng.pick(['free', 'plus', 'pro']) };
  } else if (type === 'group') {
    payload.groupId = `org_${rng.int(1, 5_000)}`;
    payload.traits = { name: `Company ${rng.int(1, 5_000)}`, employees: rng.int(2, 900) };
  }
  const context: Record<string, unknown> = { library: src.library };
  if (src.platform === 'mobile') context.app = { version: combo.appVersion, build: String(rng.int(1000, 9999)) };
  else if (src.platform === 'web') context.page = { path: pagePath(combo.event.name) };
  else context.service = { version: combo.appVersion };
  payload.context = context;
  if (reason === 'FILTERED_BY_INTEGRATIONS_OBJECT') payload.integrations = { All: true, [destinationName(destinationId)]: false };
  return { payload, error: errorText(step, reason, combo, destinationId) };
}

function trackProperties(rng: Rng, name: string, reason: string): Record<string, unknown> {
  switch (name) {
    case 'Order Completed':
    case 'Checkout Started':
      return {
        order_id: `ord_${rng.hex(10)}`,
        revenue: reason === 'schema_violation' ? `${rng.int(10, 400)}.99` : rng.int(1000, 40000) / 100,
        currency: 'USD',
        products: [{ product_id: `SKU-${rng.int(1000, 9999)}`, quantity: rng.int(1, 3) }],
      };
    case 'Product Viewed':
    case 'Product Added':
      return {
        product_id: `SKU-${rng.int(1000, 9999)}`,
        price: reason === 'schema_violation' ? `${rng.int(5, 200)}.00` : rng.int(500, 20000) / 100,
        category: rng.pick(['Shoes', 'Jackets', 'Bags', 'Accessories']),
      };
    case 'Search Performed':
      return { query: rng.pick(['running shoes', 'rain jacket', 'backpack', 'gift card']) };
    default:
      return reason === 'schema_violation' ? { plan_id: rng.int(1, 9) } : {};
  }
}

function pagePath(name: string): string {
  return name === 'Home' ? '/' : `/${name.toLowerCase().replace(/\s+/g, '-')}`;
}

function destinationName(id: string): string {
  const bare = id.replace(/^dst_/, '').replace(/_actions$/, '');
  return bare.charAt(0).toUpperCase() + bare.slice(1);
}

function errorText(step: ReportStep, reason: string, combo: Combo, destinationId: string): string {
  const name = combo.event.name;
  switch (reason) {
    case 'no_user_anon_id':
    case 'id_required':
      return 'The message has neither userId nor anonymousId';
    case 'id_not_string':
      return 'anonymousId must be a non-empty string';
    case 'event_not_defined':
      return 'Track call is missing the "event" field';
    case 'properties_not_object':
      return '"properties" must be an object, got string';
    case 'traits_not_object':
      return '"traits" must be an object, got string';
    case 'name_not_string':
      return '"name" must be a string, got number';
    case 'schema_violation':
      return `"${name}" violates the tracking plan: property has type string, the plan requires number (app ${combo.appVersion})`;
    case 'unplanned':
      return `"${name}" is not in the tracking plan and unplanned events are blocked`;
    case 'event_setting':
      return `"${name}" is switched off in the source's event settings`;
    case 'UNSUPPORTED_EVENT_TYPE':
      return `${destinationName(destinationId)} does not accept ${combo.event.type} calls`;
    case 'FILTERED_BY_RULES':
      return `Dropped by the destination filter "Drop ${name}"`;
    case 'FILTERED_BY_INTEGRATIONS_OBJECT':
      return `integrations.${destinationName(destinationId)} is false in the message`;
    case 'FILTERED_BY_END_USER_CONSENT':
      return 'The user has not consented to the category of this destination';
    case 'NO_MATCHING_MAPPING':
      return `No enabled mapping triggers on ${combo.event.type} "${name}"`;
    case 'FILTERED_AT_MAPPING':
      return 'The mapping trigger condition did not match the event';
    case '400':
      return 'HTTP 400 Bad Request: {"error":"invalid value for field \\"time\\""}';
    case '401':
      return 'HTTP 401 Unauthorized: API key is invalid or expired';
    case '404':
      return 'HTTP 404 Not Found: contact does not exist';
    case 'MESSAGE_REJECTED':
      return 'The destination rejected the message: event is older than the accepted window';
    case '429':
      return 'HTTP 429 Too Many Requests: rate limit of 1000 events/s exceeded';
    case 'ETIMEDOUT':
      return 'Request timed out after 10000 ms';
    case '503':
      return 'HTTP 503 Service Unavailable';
    case 'ECONNRESET':
      return 'Connection reset by peer';
    default:
      return `${step}: ${reason}`;
  }
}
