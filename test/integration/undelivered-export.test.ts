import http from 'node:http';
import { report, startTestGateway, type TestGateway } from '../helpers/gateway';

/** GET /v1/export/undelivered: the same list as `Destination.undelivered`, as NDJSON and CSV. */
let t: TestGateway;
let token: string;
const MINUTE = 60_000;
const now = Date.now();

const UNDELIVERED = `query($id: ID!, $range: TimeRangeInput!, $mapping: ID, $reason: String) {
  destination(id: $id) { undelivered(range: $range, mappingId: $mapping, reason: $reason, first: 1000) {
    messageId at reason mappingId sourceId eventType eventName appVersion } } }`;

type Row = Record<string, string | null>;

/** One response read whole with node:http (fetch does not show trailers). */
function get(
  path: string,
  auth: string | null = token,
): Promise<{ status: number; headers: http.IncomingHttpHeaders; trailers: NodeJS.Dict<string>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.get(`${t.url}${path}`, { agent: false, headers: auth ? { authorization: `Bearer ${auth}` } : {} }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, trailers: res.trailers, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
  });
}

/** RFC 4180 records, quotes doubled inside quoted fields, newlines allowed inside them. */
function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let field = '';
  let fields: string[] = [];
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      fields.push(field);
      field = '';
    } else if (c === '\n') {
      fields.push(field);
      records.push(fields);
      fields = [];
      field = '';
    } else field += c;
  }
  return records;
}

function csvRows(text: string): Row[] {
  const [header, ...records] = parseCsv(text);
  return records.map((r) => Object.fromEntries(header.map((h, i) => [h, h === 'mappingId' && r[i] === '' ? null : r[i]])));
}

const ndjsonRows = (text: string): Row[] =>
  text
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Row);

async function graphqlList(id: string, vars: Record<string, unknown> = {}): Promise<Row[]> {
  const range = { from: new Date(now - 120 * MINUTE).toISOString(), to: new Date(now - 5 * MINUTE).toISOString() };
  const res = await t.gql<{ destination: { undelivered: Row[] } }>(token, UNDELIVERED, { id, range, ...vars });
  expect(res.body.errors).toBeUndefined();
  return res.body.data!.destination.undelivered;
}

const RANGE = `from=${encodeURIComponent(new Date(now - 120 * MINUTE).toISOString())}&to=${encodeURIComponent(new Date(now - 5 * MINUTE).toISOString())}`;

beforeAll(async () => {
  t = await startTestGateway('undelivered_export');
  token = await t.token('ws_x', ['read', 'ingest']);
  const reports = [];
  // Names that CSV must quote: a comma, a quote, a newline; ids that need no escaping.
  const names = ['Order Completed', 'Cart, "Viewed"', 'multi\nline', 'naïve ünïcödé'];
  for (let i = 0; i < 40; i++) {
    const ts = new Date(now - (100 - i) * MINUTE).toISOString();
    const base = { destinationId: 'dst_x', messageId: `msg-${String(i).padStart(3, '0')}`, eventName: names[i % names.length], timestamp: ts };
    reports.push(report({ ...base, step: 'failed_delivery', reason: i % 3 === 0 ? '400' : '500' }));
    if (i % 5 === 0) reports.push(report({ ...base, step: 'delivered', timestamp: new Date(now - (99 - i) * MINUTE).toISOString() }));
  }
  reports.push(
    report({
      destinationId: 'dst_act',
      destinationKind: 'actions',
      mappingId: 'map_a',
      messageId: 'act-1',
      step: 'failed_delivery',
      reason: '500',
      timestamp: new Date(now - 30 * MINUTE).toISOString(),
    }),
  );
  reports.push(
    report({
      destinationId: 'dst_act',
      destinationKind: 'actions',
      mappingId: 'map_b',
      messageId: 'act-1',
      step: 'failed_delivery',
      reason: '500',
      timestamp: new Date(now - 30 * MINUTE).toISOString(),
    }),
  );
  expect((await t.ingest(token, reports)).status).toBe(200);
});
afterAll(async () => t.close());

describe('undelivered export', () => {
  it('streams the GraphQL list as NDJSON and as CSV, field for field', async () => {
    const list = await graphqlList('dst_x');
    expect(list.length).toBe(32);
    const nd = await get(`/v1/export/undelivered?destinationId=dst_x&${RANGE}`);
    expect(nd.status).toBe(200);
    expect(nd.headers['content-type']).toBe('application/x-ndjson; charset=utf-8');
    expect(ndjsonRows(nd.body)).toEqual(list);
    const csv = await get(`/v1/export/undelivered?destinationId=dst_x&${RANGE}&format=csv`);
    expect(csv.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(csv.body.split('\n')[0]).toBe('"messageId","at","reason","mappingId","sourceId","eventType","eventName","appVersion"');
    expect(csvRows(csv.body)).toEqual(list);
    expect(csv.trailers).toMatchObject({ 'x-export-rows': '32', 'x-export-truncated': 'false' });
  });

  it('filters by mapping and reason like the list', async () => {
    const byMapping = await get(`/v1/export/undelivered?destinationId=dst_act&${RANGE}&mappingId=map_b`);
    expect(ndjsonRows(byMapping.body)).toEqual(await graphqlList('dst_act', { mapping: 'map_b' }));
    expect(ndjsonRows(byMapping.body)).toMatchObject([{ messageId: 'act-1', mappingId: 'map_b' }]);
    const byReason = await get(`/v1/export/undelivered?destinationId=dst_x&${RANGE}&reason=400&format=csv`);
    expect(csvRows(byReason.body)).toEqual(await graphqlList('dst_x', { reason: '400' }));
  });

  it('names the download after the destination and the range', async () => {
    const res = await get('/v1/export/undelivered?destinationId=dst_x&range=LAST_2_WEEKS&format=csv');
    expect(res.headers['content-disposition']).toMatch(/^attachment; filename="undelivered-dst_x-\d{8}T\d{4}Z-\d{8}T\d{4}Z\.csv"$/);
    const [, fromStamp, toStamp] = /-(\d{8}T\d{4}Z)-(\d{8}T\d{4}Z)\./.exec(res.headers['content-disposition']!)!;
    const stampMs = (s: string) => Date.parse(`${s.slice(0, 4)}-${s.slice(4, 6)}-${s.slice(6, 8)}T${s.slice(9, 11)}:${s.slice(11, 13)}:00Z`);
    expect(stampMs(toStamp) - stampMs(fromStamp)).toBe(14 * 24 * 60 * MINUTE);
  });

  it.each(['ndjson', 'csv'])('cuts %s at maxRows, says so in trailers, and continues from the cursor it gives', async (format) => {
    const rowsOf = format === 'csv' ? csvRows : ndjsonRows;
    const all = rowsOf((await get(`/v1/export/undelivered?destinationId=dst_x&${RANGE}&format=${format}`)).body);
    const pages: Row[] = [];
    let after = '';
    for (let i = 0; i < 10; i++) {
      const res = await get(`/v1/export/undelivered?destinationId=dst_x&${RANGE}&format=${format}&maxRows=7${after}`);
      const rows = rowsOf(res.body);
      pages.push(...rows);
      expect(res.trailers['x-export-rows']).toBe(String(rows.length));
      if (res.trailers['x-export-truncated'] === 'false') break;
      expect(rows).toHaveLength(7);
      after = `&after=${res.trailers['x-export-next']}`;
    }
    expect(pages).toEqual(all);
  });

  it('gives the same answers when exports start while other reads run', async () => {
    const list = await graphqlList('dst_x');
    const export1 = (await get(`/v1/export/undelivered?destinationId=dst_x&${RANGE}`)).body;
    const mixed = await Promise.all(
      Array.from({ length: 24 }, (_, i) =>
        i % 3 === 0 ? get(`/v1/export/undelivered?destinationId=dst_x&${RANGE}`).then((r) => r.body) : graphqlList('dst_x'),
      ),
    );
    mixed.forEach((answer, i) => expect(answer).toEqual(i % 3 === 0 ? export1 : list));
  });

  it('answers an empty list with headers and no rows', async () => {
    const res = await get(`/v1/export/undelivered?destinationId=dst_x&${RANGE}&reason=nothing-like-this`);
    expect(res.status).toBe(200);
    expect(res.body).toBe('');
    expect(res.trailers).toMatchObject({ 'x-export-rows': '0', 'x-export-truncated': 'false' });
  });

  it('refuses without a read token, for unknown destinations and mappings, and bad parameters', async () => {
    expect((await get('/v1/export/undelivered?destinationId=dst_x', null)).status).toBe(401);
    expect((await get('/v1/export/undelivered?destinationId=dst_x', 'dov_not_a_token_at_all_000000000')).status).toBe(401);
    const ingestOnly = await t.token('ws_x', ['ingest']);
    expect((await get('/v1/export/undelivered?destinationId=dst_x', ingestOnly)).status).toBe(403);
    const cases: [string, number, string][] = [
      ['destinationId=dst_nope', 404, 'destinationId'],
      ['destinationId=dst_act&mappingId=map_z', 404, 'mappingId'],
      ['destinationId=dst_x&mappingId=map_a', 400, 'mappingId'],
      ['', 400, 'destinationId'],
      ['destinationId=dst_x&format=xml', 400, 'format'],
      ['destinationId=dst_x&maxRows=1000001', 400, 'maxRows'],
      ['destinationId=dst_x&maxRows=0', 400, 'maxRows'],
      ['destinationId=dst_x&range=LAST_YEAR', 400, 'range'],
      ['destinationId=dst_x&from=yesterday&to=2026-01-01T00:00:00Z', 400, 'from'],
      ['destinationId=dst_x&after=garbage', 400, 'after'],
      ['destinationId=dst_x&limit=5', 400, 'limit'],
      ['destinationId=dst_x&from=2020-01-01T00:00:00Z&to=2020-01-02T00:00:00Z', 400, 'from'],
    ];
    for (const [q, status, field] of cases) {
      const res = await get(`/v1/export/undelivered?${q}`);
      expect([q, res.status, JSON.parse(res.body).error.field]).toEqual([q, status, field]);
    }
  });
});

describe("a CSV export across the engine's 8,192-row blocks (tracker issue 23, item 5)", () => {
  const SIZES = [8191, 8192, 8193, 3 * 8192 + 1];
  beforeAll(async () => {
    const db = t.gateway.db;
    for (const n of SIZES) {
      await db.command({
        family: 'test',
        sql: `INSERT INTO ${db.database}.delivery_events (time, workspace_id, source_id, destination_id, destination_kind, step, reason, event_name, count, message_id)
              SELECT fromUnixTimestamp64Milli({start:Int64} + number * 10), 'ws_x', 'src_web', {dest:String}, 'classic', 'failed_delivery', '500', 'Order Completed', 1, concat('blk-', leftPad(toString(number), 6, '0'))
              FROM numbers({n:UInt32})`,
        params: { start: now - 60 * MINUTE, dest: `dst_blk${n}`, n },
      });
    }
    // Through ingest too, which tells the catalog about the new destinations.
    expect(
      (
        await t.ingest(
          token,
          SIZES.map((n) => report({ destinationId: `dst_blk${n}`, step: 'delivered' }, 90)),
        )
      ).status,
    ).toBe(200);
  }, 60_000);

  it.each(SIZES)('%i rows: one header, every row once, the row count in the trailer', async (n) => {
    const res = await get(`/v1/export/undelivered?destinationId=dst_blk${n}&${RANGE}&format=csv`);
    expect(res.status).toBe(200);
    const lines = res.body.split('\n');
    expect(lines.pop()).toBe('');
    expect(lines.filter((l) => l.startsWith('"messageId"'))).toHaveLength(1);
    expect(lines).toHaveLength(n + 1);
    expect(res.trailers).toMatchObject({ 'x-export-rows': String(n), 'x-export-truncated': 'false' });
    const ids = csvRows(res.body).map((r) => r.messageId);
    expect(new Set(ids).size).toBe(n);
  });

  it.each([8192, 8193])('a cut at a block boundary (maxRows %i) gives a cursor the API takes, and the pages join without gaps', async (maxRows) => {
    const n = 3 * 8192 + 1;
    const seen: string[] = [];
    let after: string | undefined;
    for (let page = 0; page < 5; page++) {
      const res = await get(`/v1/export/undelivered?destinationId=dst_blk${n}&${RANGE}&format=csv&maxRows=${maxRows}${after ? `&after=${after}` : ''}`);
      expect(res.status).toBe(200);
      const rows = csvRows(res.body);
      seen.push(...rows.map((r) => r.messageId!));
      if (res.trailers['x-export-truncated'] !== 'true') break;
      expect(rows).toHaveLength(maxRows);
      after = res.trailers['x-export-next'];
    }
    expect(seen).toEqual(Array.from({ length: n }, (_, i) => `blk-${String(i).padStart(6, '0')}`));
  });
});

describe('CSV values a spreadsheet would run as formulas (tracker issue 23, item 4)', () => {
  const NASTY = ['=HYPERLINK("https://evil.example","click")', '+1+2', '-1', '@SUM(A1:A9)', '\tTab', '\rReturn', "'quoted", 'plain'];
  beforeAll(async () => {
    const reports = NASTY.map((value, i) =>
      report({
        destinationId: 'dst_formula',
        messageId: `${value}#${i}`,
        eventName: value,
        appVersion: value,
        step: 'failed_delivery',
        reason: '500',
        timestamp: new Date(now - (60 - i) * MINUTE).toISOString(),
      }),
    );
    expect((await t.ingest(token, reports)).status).toBe(200);
  });

  it('writes them behind an apostrophe in CSV, as they are in NDJSON, and the cursor still finds the next row', async () => {
    const csv = csvRows((await get(`/v1/export/undelivered?destinationId=dst_formula&${RANGE}&format=csv`)).body);
    const ndjson = ndjsonRows((await get(`/v1/export/undelivered?destinationId=dst_formula&${RANGE}`)).body);
    expect(ndjson.map((r) => r.eventName)).toEqual(NASTY);
    expect(csv.map((r) => r.eventName)).toEqual(NASTY.map((v) => (v === 'plain' ? v : `'${v}`)));
    for (const row of csv) for (const value of Object.values(row)) expect(value ?? '').not.toMatch(/^[=+\-@\t\r]/);
    // One row per page: each cursor is read back from a neutralized message id.
    const ids: string[] = [];
    let after: string | undefined;
    for (let i = 0; i < NASTY.length + 1; i++) {
      const res = await get(`/v1/export/undelivered?destinationId=dst_formula&${RANGE}&format=csv&maxRows=1${after ? `&after=${after}` : ''}`);
      expect(res.status).toBe(200);
      ids.push(...csvRows(res.body).map((r) => r.messageId!));
      if (res.trailers['x-export-truncated'] !== 'true') break;
      after = res.trailers['x-export-next'];
    }
    expect(ids).toEqual(csv.map((r) => r.messageId));
  });
});
