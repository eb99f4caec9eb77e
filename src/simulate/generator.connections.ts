/**
 * One minute of the connection kinds' traffic: the Reverse ETL sync runs and audience
 * computations that start in the minute, and every report they cause (retry resolutions up to
 * a quarter of an hour later, within MAX_RETRY_DELAY_MS). Each destination and minute draws from
 * its own seeded generator, so the streaming traffic of the same minute is unchanged by it.
 */
import { HOUR, MINUTE } from './generator.time';
import type { RawDelivery } from './generator.types';
import type { ConnectionIncident, SimAudienceDestination, SimRetl } from './model.connections';
import type { Incident, WorkspaceModel } from './model.types';
import { Rng, WeightedTable } from './random';

type Row = Pick<RawDelivery, 'destinationId' | 'destinationKind' | 'sourceId' | 'syncId' | 'operation' | 'audienceId' | 'spaceId'>;

/** Reports of `n` records (or changes) after they entered: filtered, failed, retried and delivered. */
interface Outcome {
  filtered: number;
  filterReason: string;
  failed: number;
  failReason: string;
  retried: number;
}

function push(out: RawDelivery[], row: Row, t: number, origin: number, step: RawDelivery['step'], count: number, mappingId = '', reason = ''): void {
  if (count <= 0) return;
  out.push({
    time: t,
    origin,
    ...row,
    mappingId,
    step,
    reason,
    eventType: '',
    eventName: '',
    appVersion: '',
    enriched: false,
    count,
    messageId: '',
    sample: null,
  });
}

/**
 * Outcomes are stamped with the time the records entered, as the streaming traffic stamps a
 * group, so no window boundary (minute-aligned or not) separates them from it; only retry
 * resolutions come minutes later, and until then the records are the gauge's.
 */
function emitOutcome(out: RawDelivery[], rng: Rng, row: Row, n: number, t: number, mappingId: string, o: Outcome): void {
  push(out, row, t, t, 'filtered_destination', o.filtered, mappingId, o.filterReason);
  push(out, row, t, t, 'failed_delivery', o.failed, mappingId, o.failReason);
  const delivered = n - o.filtered - o.failed - o.retried;
  push(out, row, t, t, 'delivered', delivered, mappingId);
  if (o.retried <= 0) return;
  const queued = t;
  const resolved = queued + rng.int(3 * MINUTE, 12 * MINUTE);
  push(out, row, queued, t, 'retry_enqueued', o.retried, mappingId, '429');
  push(out, row, resolved, t, 'retry_resolved', o.retried, mappingId, '429');
  push(out, row, resolved, t, 'delivered', o.retried, mappingId);
}

const active = <K extends ConnectionIncident['kind']>(
  incidents: readonly Incident[],
  kind: K,
  t: number,
  match: (i: Extract<ConnectionIncident, { kind: K }>) => boolean,
) =>
  incidents.find(
    (i): i is Extract<ConnectionIncident, { kind: K }> => i.kind === kind && t >= i.start && t < i.end && match(i as Extract<ConnectionIncident, { kind: K }>),
  );

function emitRun(out: RawDelivery[], dest: SimRetl, incidents: readonly Incident[], seed: number, m: number, scale: number): void {
  const rng = Rng.of(seed, 'retl', dest.id, m);
  const syncId = `run-${new Date(m).toISOString().slice(0, 16).replace(/[-:]/g, '')}`;
  const schema = active(incidents, 'retl_schema_change', m, (i) => i.destinationId === dest.id);
  const extractReasons = new WeightedTable(dest.failExtractReasons);
  const failReasons = new WeightedTable(dest.failReasons);
  for (const operation of ['added', 'updated', 'removed'] as const) {
    const row: Row = { destinationId: dest.id, destinationKind: 'retl', sourceId: dest.sourceId, syncId, operation, audienceId: '', spaceId: '' };
    const t = m + rng.int(0, 20_000);
    const n = rng.poisson(dest.records[operation] * scale);
    push(out, row, t, t, 'extracted', n);
    const failedExtract = rng.binomial(n, schema ? schema.rate : dest.failExtractRate);
    push(out, row, t, t, 'failed_extract', failedExtract, '', schema ? 'SCHEMA_CHANGED' : extractReasons.draw(rng));
    let left = n - failedExtract;
    dest.mappings.forEach((mapping, i) => {
      const k = i === dest.mappings.length - 1 ? left : rng.binomial(left, 1 / (dest.mappings.length - i));
      left -= k;
      if (!mapping.operations.includes(operation)) {
        emitOutcome(out, rng, row, k, t, mapping.id, { filtered: k, filterReason: 'OPERATION_NOT_SYNCED', failed: 0, failReason: '', retried: 0 });
        return;
      }
      const auth = active(incidents, 'retl_mapping_auth', t, (a) => a.destinationId === dest.id && a.mappingId === mapping.id);
      const filtered = rng.binomial(k, dest.filterRate);
      const failed = auth ? k - filtered : rng.binomial(k - filtered, dest.failRate);
      const retried = rng.binomial(k - filtered - failed, dest.retryRate);
      emitOutcome(out, rng, row, k, t, mapping.id, {
        filtered,
        filterReason: 'MISSING_REQUIRED_FIELD',
        failed,
        failReason: auth ? '401' : failReasons.draw(rng),
        retried,
      });
    });
  }
}

function emitAudiences(out: RawDelivery[], dest: SimAudienceDestination, incidents: readonly Incident[], seed: number, m: number, scale: number): void {
  const rng = Rng.of(seed, 'audience', dest.id, m);
  const filterReasons = new WeightedTable(dest.filterReasons);
  const failReasons = new WeightedTable(dest.failReasons);
  for (const audience of dest.audiences) {
    const deleted = active(incidents, 'audience_list_deleted', m, (i) => i.destinationId === dest.id && i.audienceId === audience.id);
    for (const operation of ['entered', 'exited'] as const) {
      const row: Row = {
        destinationId: dest.id,
        destinationKind: 'audience',
        sourceId: dest.sourceId,
        syncId: '',
        operation,
        audienceId: audience.id,
        spaceId: audience.spaceId,
      };
      const t = m + rng.int(0, 30_000);
      const n = rng.poisson(audience[operation] * scale);
      push(out, row, t, t, 'computed', n);
      const filtered = rng.binomial(n, dest.filterRate);
      const failed = deleted ? n - filtered : rng.binomial(n - filtered, dest.failRate);
      const retried = rng.binomial(n - filtered - failed, dest.retryRate);
      emitOutcome(out, rng, row, n, t, '', {
        filtered,
        filterReason: filterReasons.draw(rng),
        failed,
        failReason: deleted ? 'AUDIENCE_NOT_FOUND' : failReasons.draw(rng),
        retried,
      });
    }
  }
}

/** Every connection report caused by the runs and computations that start in minute `m`. */
export function emitConnections(out: RawDelivery[], model: WorkspaceModel, incidents: readonly Incident[], seed: number, m: number, scale: number): void {
  const c = model.connections;
  if (!c) return;
  const minuteOfHour = Math.floor((m % HOUR) / MINUTE);
  for (const dest of c.retl) if ((minuteOfHour - dest.offsetMinutes) % dest.everyMinutes === 0) emitRun(out, dest, incidents, seed, m, scale);
  for (const dest of c.audiences) if (minuteOfHour % dest.everyMinutes === 0) emitAudiences(out, dest, incidents, seed, m, scale);
}
