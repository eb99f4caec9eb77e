import type { Rng } from '../../src/simulate/random';

/**
 * What the producers report: every destination kind (classic, actions with mappings, storage
 * with syncs, Reverse ETL with sync runs and operations, audience with audiences and spaces),
 * every step each kind takes, `attempt` and `latencyMs` on delivery outcomes (never on storage,
 * which refuses them), discard samples (with the HTTP exchange on failed deliveries), and
 * warehouse syncs. Record shapes follow docs/ingest.md; each report also becomes a ledger fact,
 * which is what the harness expects the product to count.
 */

export type Kind = 'classic' | 'actions' | 'storage' | 'retl' | 'audience';

/** One acknowledged-to-be report as the harness knows it (its own ledger, independent of the product). */
export interface Fact {
  /** '' on source-side steps. */
  dest: string;
  kind: Kind | '';
  source: string;
  step: string;
  mapping: string;
  eventName: string;
  operation: string;
  count: number;
  /** 0 when the report carried no attempt. */
  attempt: number;
  hasLatency: boolean;
  messageId: string;
  ts: number;
}

export interface SyncFact {
  dest: string;
  syncId: string;
  startedAt: number;
  status: 'success' | 'partial' | 'failed';
  rowsFailed: number;
}

export interface Destination {
  id: string;
  kind: Kind;
  mappings: string[];
  /** Reverse ETL and audience destinations report from one source of their own. */
  source?: string;
}

export const STREAM_SOURCES = ['src_web', 'src_ios', 'src_android', 'src_server'];
export const DESTINATIONS: Destination[] = [
  { id: 'dst_amplitude', kind: 'classic', mappings: [] },
  { id: 'dst_webhook', kind: 'classic', mappings: [] },
  { id: 'dst_braze', kind: 'actions', mappings: ['map_purchase', 'map_identify', 'map_track'] },
  { id: 'dst_warehouse', kind: 'storage', mappings: [] },
  { id: 'dst_salesforce', kind: 'retl', mappings: ['map_contacts', 'map_accounts'], source: 'src_snowflake_models' },
  { id: 'dst_ads_audience', kind: 'audience', mappings: [], source: 'src_engage_space' },
];
export const EVENT_NAMES = ['Order Completed', 'Product Viewed', 'Signed Up', 'Checkout Started', 'Page Viewed'];

const SOURCE_SIDE = ['received', 'received', 'received', 'failed_ingest', 'filtered_source'];
/** Destination-side steps per kind (repeats weight the draw). */
const STEPS: Record<Kind, string[]> = {
  classic: ['filtered_destination', 'retry_enqueued', 'retry_resolved', 'failed_delivery', 'delivered', 'delivered', 'delivered'],
  actions: ['filtered_destination', 'retry_enqueued', 'retry_resolved', 'failed_delivery', 'delivered', 'delivered', 'delivered'],
  storage: ['filtered_destination', 'delivered', 'delivered', 'delivered'],
  retl: [
    'extracted',
    'extracted',
    'extracted',
    'failed_extract',
    'filtered_destination',
    'retry_enqueued',
    'retry_resolved',
    'failed_delivery',
    'delivered',
    'delivered',
  ],
  audience: ['computed', 'computed', 'computed', 'filtered_destination', 'retry_enqueued', 'retry_resolved', 'failed_delivery', 'delivered', 'delivered'],
};
const REASONS: Record<string, string[]> = {
  failed_ingest: ['no_user_anon_id', 'bad_request'],
  filtered_source: ['schema_violation', 'unplanned'],
  filtered_destination: ['FILTERED_BY_RULES', 'MESSAGE_SENT_CLIENT_SIDE'],
  failed_delivery: ['429', '500', 'ETIMEDOUT'],
  failed_extract: ['QUERY_FAILED', 'EXTRACT_TIMEOUT'],
  retry_enqueued: ['429', '503'],
};
const OPERATIONS: Partial<Record<Kind, string[]>> = { retl: ['added', 'updated', 'removed'], audience: ['entered', 'exited'] };

/** One report: its NDJSON record and its ledger fact. `ts` is the report's time (ms). */
export function makeReport(rng: Rng, messageId: string, ts: number): { record: Record<string, unknown>; fact: Fact } {
  const lane = rng.int(0, 9);
  // Four in ten reports are source-side, the rest spread over the six destinations.
  const d = lane < 4 ? null : DESTINATIONS[(lane - 4) % DESTINATIONS.length];
  const kind: Kind | '' = d?.kind ?? '';
  const step = d ? rng.pick(STEPS[d.kind]) : rng.pick(SOURCE_SIDE);
  const source = d?.source ?? rng.pick(STREAM_SOURCES);
  const count = rng.int(1, 20);
  const r: Record<string, unknown> = { timestamp: new Date(ts).toISOString(), sourceId: source, step, count, messageId };
  const fact: Fact = { dest: d?.id ?? '', kind, source, step, mapping: '', eventName: '', operation: '', count, attempt: 0, hasLatency: false, messageId, ts };
  if (kind !== 'retl' && kind !== 'audience') {
    fact.eventName = rng.pick(EVENT_NAMES);
    Object.assign(r, { eventType: 'track', eventName: fact.eventName, appVersion: `2.${rng.int(0, 3)}.0`, enriched: rng.chance(0.5) });
  }
  if (d) {
    Object.assign(r, { destinationId: d.id, destinationKind: d.kind });
    connectionFields(rng, d, step, r, fact);
    outcomeFields(rng, d.kind, step, r, fact);
  }
  if (REASONS[step] && (step !== 'retry_enqueued' || rng.chance(0.5))) r.reason = rng.pick(REASONS[step]);
  if (r.reason && step !== 'retry_enqueued' && rng.chance(0.05)) r.sample = sampleOf(rng, step, r.reason as string, messageId);
  return { record: r, fact };
}

/** Mapping, sync run, operation, audience and space, where the kind takes them. */
function connectionFields(rng: Rng, d: Destination, step: string, r: Record<string, unknown>, fact: Fact): void {
  const entry = step === 'extracted' || step === 'failed_extract';
  if (d.mappings.length > 0 && !entry && rng.chance(0.8)) r.mappingId = fact.mapping = rng.pick(d.mappings);
  const ops = OPERATIONS[d.kind];
  if (ops) r.operation = fact.operation = rng.pick(ops);
  if (d.kind === 'retl') r.syncId = `run-${rng.int(1, 12)}`;
  if (d.kind === 'audience') Object.assign(r, { audienceId: `aud_${rng.pick(['high_value', 'churn_risk'])}`, spaceId: 'spa_storefront' });
}

/** attempt and latencyMs on delivered and failed_delivery, sometimes absent; storage refuses both. */
function outcomeFields(rng: Rng, kind: Kind, step: string, r: Record<string, unknown>, fact: Fact): void {
  if (kind === 'storage' || (step !== 'delivered' && step !== 'failed_delivery')) return;
  if (rng.chance(0.8)) r.attempt = fact.attempt = rng.chance(0.6) ? 1 : rng.int(2, 6);
  if (rng.chance(0.8)) {
    r.latencyMs = rng.chance(0.05) ? 0 : rng.int(1, 30_000);
    fact.hasLatency = true;
  }
}

function sampleOf(rng: Rng, step: string, reason: string, messageId: string): Record<string, unknown> {
  const sample: Record<string, unknown> = { payload: { messageId, properties: { total: rng.int(1, 500) } }, error: `simulated ${reason}` };
  if (step === 'failed_delivery') {
    sample.request = {
      method: 'POST',
      url: 'https://api.example.com/v2/track?api_key=k-durability',
      headers: { 'Content-Type': 'application/json', Authorization: 'Bearer sk_durability' },
      body: { messageId },
    };
    sample.response = { status: reason === 'ETIMEDOUT' ? undefined : Number(reason), headers: { 'Retry-After': '30' }, body: 'simulated' };
    if (reason === 'ETIMEDOUT') delete sample.response; // no answer after a timeout
  }
  return sample;
}

/** A warehouse sync of the storage destination (success, partial or failed), as record and fact. */
export function makeSync(rng: Rng, syncId: string, finished: number): { record: Record<string, unknown>; fact: SyncFact } {
  const status = rng.pick(['success', 'success', 'partial', 'failed'] as const);
  const rowsFailed = status === 'success' ? 0 : rng.int(1, 50);
  const record = {
    type: 'sync',
    destinationId: 'dst_warehouse',
    destinationKind: 'storage',
    syncId,
    startedAt: new Date(finished - 60_000).toISOString(),
    finishedAt: new Date(finished).toISOString(),
    status,
    ...(status === 'success' ? {} : { reason: 'simulated partial load' }),
    collections: [
      { name: 'tracks', rowsSynced: rng.int(0, 1000), rowsFailed },
      { name: 'identifies', rowsSynced: rng.int(0, 100), rowsFailed: 0 },
    ],
  };
  return { record, fact: { dest: 'dst_warehouse', syncId, startedAt: finished - 60_000, status, rowsFailed } };
}
