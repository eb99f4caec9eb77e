import type { Ledger } from './ledger';
import { EVENT_NAMES } from './traffic';

/**
 * The API's answers against the harness's ledger: after the run, the gateway (restarted on the
 * verified data) is asked over GraphQL what a dashboard asks (every destination's pipeline over
 * the run's range, with its attempts and retry gauge; narrowed to each mapping and to an event
 * name; latency counts; Reverse ETL and audience breakdowns; every undelivered message) and each
 * number is compared with what the acknowledged reports imply. Reads go through the product's
 * tier selection (hour tiers for whole hours, minute tiers for the edges), which the raw-table
 * recount never exercises.
 */

interface Step {
  kind: string;
  count: number;
  attempts: { firstAttempt: number; afterRetries: number; unknown: number } | null;
}
interface Pipeline {
  retryPending: number | null;
  steps: Step[];
}
interface DestinationAnswer {
  id: string;
  kind: string;
  retryPending: number | null;
  pipeline: Pipeline;
  mappings: { id: string }[];
  latencyDelivered: { count: number };
  latencyFailed: { count: number };
}

export interface ApiCheck {
  url: string;
  token: string;
  ledger: Ledger;
  /** Called for every answer that disagrees (and every GraphQL error). */
  mismatch: (s: string) => void;
}

const OVERVIEW = `query DurabilityOverview($range: TimeRangeInput!) {
  destinations {
    id kind retryPending
    pipeline(range: $range) { retryPending steps { kind count attempts { firstAttempt afterRetries unknown } } }
    mappings { id }
    latencyDelivered: latency(range: $range, outcome: DELIVERED) { count }
    latencyFailed: latency(range: $range, outcome: FAILED_DELIVERY) { count }
  }
}`;

async function gql<T>(c: ApiCheck, query: string, variables: Record<string, unknown>): Promise<T | null> {
  const res = await fetch(`${c.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${c.token}` },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await res.json()) as { data?: T; errors?: { message: string }[] };
  if (res.status !== 200 || body.errors?.length || !body.data) {
    c.mismatch(`GraphQL answered ${res.status}: ${JSON.stringify(body.errors ?? body).slice(0, 300)}`);
    return null;
  }
  return body.data;
}

/** Runs every comparison; returns how many answers were compared. */
export async function checkApi(c: ApiCheck): Promise<number> {
  const r = c.ledger.range();
  const range = { from: new Date(r.from).toISOString(), to: new Date(r.to).toISOString(), lookback: false };
  const data = await gql<{ destinations: DestinationAnswer[] }>(c, OVERVIEW, { range });
  if (!data) return 0;
  let compared = compareDestinationSet(c, data.destinations);
  for (const d of data.destinations) {
    const kind = d.kind.toLowerCase() as Parameters<Ledger['pipeline']>[1];
    compared += comparePipeline(c, d.id, '', d.pipeline, c.ledger.pipeline(d.id, kind), (step) => c.ledger.attempts(d.id, step));
    compared += same(c, `${d.id} retryPending`, d.retryPending ?? 0, kind === 'storage' ? 0 : c.ledger.retryPending(d.id));
    compared += same(c, `${d.id} latency(DELIVERED).count`, d.latencyDelivered.count, c.ledger.latencyCount(d.id, 'delivered'));
    compared += same(c, `${d.id} latency(FAILED_DELIVERY).count`, d.latencyFailed.count, c.ledger.latencyCount(d.id, 'failed_delivery'));
    compared += await checkNarrowed(c, d, kind, range);
    if (kind !== 'storage') compared += await checkUndelivered(c, d.id, range);
  }
  return compared;
}

function compareDestinationSet(c: ApiCheck, answered: DestinationAnswer[]): number {
  const expected = c.ledger.destinations();
  const got = new Map(answered.map((d) => [d.id, d.kind.toLowerCase()]));
  for (const [id, kind] of expected) if (got.get(id) !== kind) c.mismatch(`destinations: ${id} (${kind}) answered as ${got.get(id) ?? 'missing'}`);
  for (const id of got.keys()) if (!expected.has(id)) c.mismatch(`destinations: ${id} answered, never reported`);
  return expected.size;
}

function same(c: ApiCheck, what: string, api: number, ledger: number): number {
  if (api !== ledger) c.mismatch(`${what}: API ${api}, ledger ${ledger} (API − ledger ${api - ledger})`);
  return 1;
}

/** Every box of a pipeline, and the attempts of its delivery boxes. */
function comparePipeline(
  c: ApiCheck,
  dest: string,
  label: string,
  p: Pipeline,
  expected: Record<string, number>,
  attempts: ((step: 'delivered' | 'failed_delivery') => { first: number; after: number; unknown: number }) | null,
): number {
  let n = 0;
  const boxes = new Set(p.steps.map((s) => s.kind));
  for (const box of Object.keys(expected)) if (!boxes.has(box)) c.mismatch(`${dest}${label} pipeline: box ${box} missing`);
  for (const s of p.steps) {
    if (!(s.kind in expected)) {
      c.mismatch(`${dest}${label} pipeline: unexpected box ${s.kind}`);
      continue;
    }
    n += same(c, `${dest}${label} ${s.kind}`, s.count, expected[s.kind]);
    const step = s.kind === 'SUCCESSFUL_DELIVERY' ? 'delivered' : s.kind === 'FAILED_DELIVERY' ? 'failed_delivery' : null;
    if (step && attempts && s.attempts) {
      const a = attempts(step);
      n += same(c, `${dest}${label} ${s.kind} firstAttempt`, s.attempts.firstAttempt, a.first);
      n += same(c, `${dest}${label} ${s.kind} afterRetries`, s.attempts.afterRetries, a.after);
      n += same(c, `${dest}${label} ${s.kind} unknown attempt`, s.attempts.unknown, a.unknown);
    }
  }
  return n;
}

/** Per mapping (pipeline and gauge), per event name (pipeline, delivered by name with attempts), per operation. */
async function checkNarrowed(c: ApiCheck, d: DestinationAnswer, kind: Parameters<Ledger['pipeline']>[1], range: Record<string, unknown>): Promise<number> {
  const streaming = kind === 'classic' || kind === 'actions';
  const entry = kind === 'retl' ? 'RECORDS_EXTRACTED' : kind === 'audience' ? 'MEMBERSHIP_CHANGES_COMPUTED' : null;
  const parts = d.mappings.map(
    (m, i) =>
      `m${i}: pipeline(range: $range, mappingId: ${JSON.stringify(m.id)}) { retryPending steps { kind count attempts { firstAttempt afterRetries unknown } } } r${i}: retryPending(mappingId: ${JSON.stringify(m.id)})`,
  );
  if (kind !== 'retl' && kind !== 'audience')
    parts.push(
      `named: pipeline(range: $range, filter: { eventNames: [${JSON.stringify(EVENT_NAMES[0])}] }) { retryPending steps { kind count attempts { firstAttempt afterRetries unknown } } }`,
    );
  if (streaming)
    parts.push('byName: breakdown(step: SUCCESSFUL_DELIVERY, range: $range, groupBy: [EVENT_NAME]) { eventName count attempts { firstAttempt afterRetries } }');
  if (entry) parts.push(`ops: breakdown(step: ${entry}, range: $range, groupBy: [OPERATION]) { operation count }`);
  if (parts.length === 0) return 0;
  type Narrowed = Record<
    string,
    Pipeline | number | { eventName: string; operation: string; count: number; attempts: { firstAttempt: number; afterRetries: number } | null }[]
  >;
  const data = await gql<{ destination: Narrowed }>(
    c,
    `query DurabilityNarrowed($range: TimeRangeInput!) { destination(id: ${JSON.stringify(d.id)}) { ${parts.join('\n')} } }`,
    { range },
  );
  if (!data) return 0;
  let n = 0;
  d.mappings.forEach((m, i) => {
    const label = ` [mapping ${m.id}]`;
    n += comparePipeline(c, d.id, label, data.destination[`m${i}`] as Pipeline, c.ledger.pipeline(d.id, kind, { mapping: m.id }), (step) =>
      c.ledger.attempts(d.id, step, { mapping: m.id }),
    );
    n += same(c, `${d.id}${label} retryPending`, data.destination[`r${i}`] as number, c.ledger.retryPending(d.id, m.id));
  });
  if (data.destination.named) {
    const names = { eventNames: [EVENT_NAMES[0]] };
    n += comparePipeline(c, d.id, ` [eventName ${EVENT_NAMES[0]}]`, data.destination.named as Pipeline, c.ledger.pipeline(d.id, kind, names), (step) =>
      c.ledger.attempts(d.id, step, names),
    );
  }
  const byName = data.destination.byName as { eventName: string; count: number; attempts: { firstAttempt: number; afterRetries: number } | null }[] | undefined;
  if (byName)
    n += compareRows(
      c,
      `${d.id} delivered by eventName`,
      new Map(byName.map((r) => [r.eventName, r.count])),
      c.ledger.breakdown(d.id, 'delivered', 'eventName'),
    );
  for (const row of byName ?? []) {
    const a = c.ledger.attempts(d.id, 'delivered', { eventNames: [row.eventName] });
    n += same(c, `${d.id} delivered ${row.eventName} firstAttempt`, row.attempts?.firstAttempt ?? -1, a.first);
    n += same(c, `${d.id} delivered ${row.eventName} afterRetries`, row.attempts?.afterRetries ?? -1, a.after);
  }
  const ops = data.destination.ops as { operation: string; count: number }[] | undefined;
  if (ops && entry)
    n += compareRows(
      c,
      `${d.id} ${entry} by operation`,
      new Map(ops.map((r) => [r.operation, r.count])),
      c.ledger.breakdown(d.id, kind === 'retl' ? 'extracted' : 'computed', 'operation'),
    );
  return n;
}

function compareRows(c: ApiCheck, what: string, api: Map<string, number>, ledger: Map<string, number>): number {
  for (const key of new Set([...api.keys(), ...ledger.keys()])) same(c, `${what} ${key}`, api.get(key) ?? 0, ledger.get(key) ?? 0);
  return ledger.size;
}

/** Every undelivered message, page by page, against the ledger's failed deliveries. */
async function checkUndelivered(c: ApiCheck, dest: string, range: Record<string, unknown>): Promise<number> {
  const expected = c.ledger.undelivered(dest);
  const seen = new Set<string>();
  let after: string | null = null;
  for (let page = 0; page < 1_000; page++) {
    type Page = { destination: { undelivered: { cursor: string; messageId: string }[] } };
    const data: Page | null = await gql<Page>(
      c,
      'query DurabilityUndelivered($id: ID!, $range: TimeRangeInput!, $after: String) { destination(id: $id) { undelivered(range: $range, first: 1000, after: $after) { cursor messageId } } }',
      { id: dest, range, after },
    );
    if (!data) return 0;
    const rows: { cursor: string; messageId: string }[] = data.destination.undelivered;
    for (const r of rows) {
      if (seen.has(r.messageId)) c.mismatch(`${dest} undelivered: ${r.messageId} listed twice`);
      seen.add(r.messageId);
    }
    if (rows.length < 1000) break;
    after = rows[rows.length - 1].cursor;
  }
  const missing = [...expected].filter((id) => !seen.has(id));
  const extra = [...seen].filter((id) => !expected.has(id));
  if (missing.length + extra.length > 0)
    c.mismatch(
      `${dest} undelivered: API ${seen.size}, ledger ${expected.size} (missing ${missing.slice(0, 3).join(', ')}${missing.length > 3 ? '…' : ''}; extra ${extra.slice(0, 3).join(', ')})`,
    );
  return 1;
}
