import { report, sourceReport, startTestGateway, type TestGateway } from '../helpers/gateway';

let t: TestGateway;
let token: string;

beforeAll(async () => {
  t = await startTestGateway('ingest');
  token = await t.token('ws_ingest', ['ingest', 'read']);
});
afterAll(async () => t.close());

async function rawCount(): Promise<number> {
  const rows = await t.sql<{ n: number }>("SELECT sum(count) AS n FROM {{db}}.delivery_events WHERE workspace_id = 'ws_ingest'");
  return Number(rows[0].n);
}

async function tierSums(where = "workspace_id = 'ws_ingest'"): Promise<{ raw: number; minute: number; hour: number }> {
  const [raw] = await t.sql<{ n: number }>(`SELECT sum(count) AS n FROM {{db}}.delivery_events WHERE ${where}`);
  const [minute] = await t.sql<{ n: number }>(`SELECT sum(events) AS n FROM {{db}}.events_minute WHERE ${where}`);
  const [hour] = await t.sql<{ n: number }>(`SELECT sum(events) AS n FROM {{db}}.events_hour WHERE ${where}`);
  return { raw: Number(raw.n), minute: Number(minute.n), hour: Number(hour.n) };
}

describe('POST /v1/ingest round trip', () => {
  it('stores a batch and its exact counts in raw, minute and hour tables', async () => {
    const batch = [
      sourceReport({ count: 100, sourceId: 'src_rt' }),
      sourceReport({ step: 'filtered_source', reason: 'schema_violation', count: 7, sourceId: 'src_rt' }),
      report({ step: 'filtered_destination', reason: 'FILTERED_BY_RULES', count: 3, sourceId: 'src_rt', destinationId: 'dst_rt' }),
      report({ step: 'delivered', count: 90, sourceId: 'src_rt', destinationId: 'dst_rt' }),
    ];
    const res = await t.ingest(token, batch);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ accepted: 4, events: 200, syncs: 0 });
    const sums = await tierSums("workspace_id = 'ws_ingest' AND source_id = 'src_rt'");
    expect(sums).toEqual({ raw: 200, minute: 200, hour: 200 });
    const steps = await t.sql<{ step: string; n: number }>(
      "SELECT step, sum(events) AS n FROM {{db}}.events_minute WHERE workspace_id = 'ws_ingest' AND source_id = 'src_rt' GROUP BY step ORDER BY step",
    );
    expect(steps).toEqual([
      { step: 'delivered', n: 90 },
      { step: 'filtered_destination', n: 3 },
      { step: 'filtered_source', n: 7 },
      { step: 'received', n: 100 },
    ]);
  });

  it('accepts NDJSON and discovers the catalog from reports', async () => {
    const lines = [
      report({ destinationId: 'dst_braze', destinationKind: 'actions', mappingId: 'track_page_view', sourceId: 'src_ios' }),
      report({ destinationId: 'dst_braze', destinationKind: 'actions', mappingId: 'identify_user', sourceId: 'src_ios' }),
    ].map((r) => JSON.stringify(r));
    const res = await t.ingest(token, lines.join('\n') + '\n', { contentType: 'application/x-ndjson' });
    expect(res.status).toBe(200);
    expect(res.body.accepted).toBe(2);
    const gql = await t.gql<{ destination: { id: string; kind: string; mappings: { id: string }[]; sources: { id: string }[] } }>(
      token,
      '{ destination(id: "dst_braze") { id kind mappings { id } sources { id } } }',
    );
    expect(gql.body.errors).toBeUndefined();
    expect(gql.body.data!.destination).toEqual({
      id: 'dst_braze',
      kind: 'ACTIONS',
      mappings: [{ id: 'identify_user' }, { id: 'track_page_view' }],
      sources: [{ id: 'src_ios' }],
    });
  });

  it('keeps the retry-pending gauge as enqueued minus resolved', async () => {
    const res = await t.ingest(token, [
      report({ step: 'retry_enqueued', reason: '429', count: 5, destinationId: 'dst_retry' }),
      report({ step: 'retry_resolved', count: 2, destinationId: 'dst_retry' }),
    ]);
    expect(res.status).toBe(200);
    const rows = await t.sql<{ n: number }>(
      "SELECT sum(pending) AS n FROM {{db}}.retry_pending WHERE workspace_id = 'ws_ingest' AND destination_id = 'dst_retry'",
    );
    expect(Number(rows[0].n)).toBe(3);
  });

  it('stores warehouse syncs with their collections', async () => {
    const started = new Date(Date.now() - 30 * 60_000).toISOString();
    const finished = new Date(Date.now() - 25 * 60_000).toISOString();
    const res = await t.ingest(token, [
      {
        type: 'sync',
        destinationId: 'dst_bq',
        syncId: 'sync-1',
        startedAt: started,
        finishedAt: finished,
        status: 'partial',
        reason: 'one table failed',
        collections: [
          { name: 'tracks', rowsSynced: 1000, rowsFailed: 0 },
          { name: 'pages', rowsSynced: 10, rowsFailed: 4, reason: 'column type mismatch' },
        ],
      },
    ]);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ accepted: 1, syncs: 1, events: 0 });
    const rows = await t.sql<{ status: string; names: string[]; failed: number[] }>(
      "SELECT status, collections.name AS names, collections.rows_failed AS failed FROM {{db}}.warehouse_syncs FINAL WHERE workspace_id = 'ws_ingest' AND sync_id = 'sync-1'",
    );
    expect(rows).toEqual([{ status: 'partial', names: ['tracks', 'pages'], failed: [0, 4] }]);
  });

  it('samples discards, bounded per destination, step and reason per minute', async () => {
    const batch = Array.from({ length: 25 }, (_, i) =>
      report(
        {
          step: 'failed_delivery',
          reason: 'MESSAGE_REJECTED',
          destinationId: 'dst_samples',
          messageId: `m-${i}`,
          sample: { payload: { i, big: 'x'.repeat(20_000) }, error: 'rejected' },
        },
        3,
      ),
    );
    const res = await t.ingest(token, batch);
    expect(res.status).toBe(200);
    expect(res.body.samples).toBe(10);
    const rows = await t.sql<{ n: number; truncated: number; maxLen: number }>(
      "SELECT count() AS n, sum(truncated) AS truncated, max(length(payload)) AS maxLen FROM {{db}}.discard_samples WHERE workspace_id = 'ws_ingest' AND destination_id = 'dst_samples'",
    );
    expect(Number(rows[0].n)).toBe(10);
    expect(Number(rows[0].truncated)).toBe(10);
    expect(Number(rows[0].maxLen)).toBe(8 * 1024);
    expect(await rawCount()).toBeGreaterThanOrEqual(25);
  });

  it('cuts sample payloads at SAMPLE_MAX_BYTES UTF-8 bytes, never inside a character', async () => {
    // Odd ASCII prefixes put the 4-byte emoji and 2-byte é across the cut at every offset.
    const units = ['😀', 'é', '日'];
    const batch = units.flatMap((u, i) =>
      [0, 1, 2, 3].map((pad) =>
        report(
          {
            step: 'failed_delivery',
            reason: `CUT_${i}_${pad}`,
            destinationId: 'dst_cut',
            sample: { payload: { s: 'a'.repeat(pad) + u.repeat(5000) }, error: 'e' },
          },
          3,
        ),
      ),
    );
    expect((await t.ingest(token, batch)).status).toBe(200);
    const rows = await t.sql<{ reason: string; payload: string; bytes: number; valid: number; truncated: number }>(
      "SELECT reason, payload, length(payload) AS bytes, isValidUTF8(payload) AS valid, truncated FROM {{db}}.discard_samples WHERE workspace_id = 'ws_ingest' AND destination_id = 'dst_cut' ORDER BY reason",
    );
    expect(rows).toHaveLength(12);
    for (const r of rows) {
      const [, i, pad] = r.reason.split('_').map(Number);
      const full = JSON.stringify({ s: 'a'.repeat(pad) + units[i].repeat(5000) });
      expect({ reason: r.reason, valid: Number(r.valid), truncated: Number(r.truncated), prefix: full.startsWith(r.payload) }).toEqual({
        reason: r.reason,
        valid: 1,
        truncated: 1,
        prefix: true,
      });
      expect(Number(r.bytes)).toBeLessThanOrEqual(8 * 1024);
      expect(Number(r.bytes)).toBeGreaterThan(8 * 1024 - 4);
    }
  });
});

describe('what a report means', () => {
  it('takes a single JSON object as a batch of one', async () => {
    const res = await t.ingest(token, JSON.stringify(report({ destinationId: 'dst_single', count: 3 })));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ accepted: 1, events: 3 });
  });

  it('counts failed_delivery as finally failed whatever its code (a retryable code too); retry_enqueued as pending', async () => {
    const res = await t.ingest(token, [
      report({ destinationId: 'dst_final', step: 'failed_delivery', reason: '429', count: 2 }),
      report({ destinationId: 'dst_final', step: 'retry_enqueued', reason: '429', count: 5 }),
    ]);
    expect(res.status).toBe(200);
    const q = await t.gql<{ destination: { pipeline: { steps: { kind: string; count: number }[] } } }>(
      token,
      '{ destination(id: "dst_final") { pipeline(range: { preset: LAST_HOUR }) { steps { kind count } } } }',
    );
    const steps = Object.fromEntries(q.body.data!.destination.pipeline.steps.map((s) => [s.kind, s.count]));
    expect(steps).toMatchObject({ FAILED_DELIVERY: 2, RETRY_PENDING: 5 });
  });
});

describe('Idempotency-Key', () => {
  it('counts a retried batch once in raw and in both aggregate tiers, across days', async () => {
    const where = "workspace_id = 'ws_ingest' AND destination_id = 'dst_idem'";
    const batch = [
      report({ destinationId: 'dst_idem', count: 11 }, 5),
      report({ destinationId: 'dst_idem', count: 13 }, 60 * 26), // yesterday: another partition
    ];
    for (let i = 0; i < 3; i++) {
      const res = await t.ingest(token, batch, { key: 'batch-0001' });
      expect(res.status).toBe(200);
    }
    expect(await tierSums(where)).toEqual({ raw: 24, minute: 24, hour: 24 });
    // A different key with identical content is a different batch and is counted.
    expect((await t.ingest(token, batch, { key: 'batch-0002' })).status).toBe(200);
    expect(await tierSums(where)).toEqual({ raw: 48, minute: 48, hour: 48 });
  });

  it('replays the same key and body as a duplicate: 200, duplicate: true, the first answer, nothing stored again', async () => {
    const where = "workspace_id = 'ws_ingest' AND destination_id = 'dst_replay'";
    const batch = [report({ destinationId: 'dst_replay', count: 5 }, 3)];
    const first = await t.ingest(token, batch, { key: 'replay-1' });
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ accepted: 1, events: 5, duplicate: false });
    const again = await t.ingest(token, batch, { key: 'replay-1' });
    expect(again.status).toBe(200);
    expect(again.body).toEqual({ ...first.body, duplicate: true });
    expect(await tierSums(where)).toEqual({ raw: 5, minute: 5, hour: 5 });
  });

  it('refuses the same key with another body: 409 IDEMPOTENCY_KEY_REUSED, nothing of the second body stored', async () => {
    const where = "workspace_id = 'ws_ingest' AND destination_id = 'dst_reuse'";
    const one = [report({ destinationId: 'dst_reuse', count: 7 }, 3)];
    const other = [report({ destinationId: 'dst_reuse', count: 11 }, 3), report({ destinationId: 'dst_reuse_2', count: 1 }, 3)];
    expect((await t.ingest(token, one, { key: 'reuse-1' })).status).toBe(200);
    const res = await t.ingest(token, other, { key: 'reuse-1' });
    expect(res.status).toBe(409);
    expect(res.body.error).toMatchObject({ code: 'IDEMPOTENCY_KEY_REUSED', field: 'Idempotency-Key' });
    expect(await tierSums(where)).toEqual({ raw: 7, minute: 7, hour: 7 });
    expect(await tierSums("workspace_id = 'ws_ingest' AND destination_id = 'dst_reuse_2'")).toEqual({ raw: 0, minute: 0, hour: 0 });
    // The first body under its key is still a replay, not a conflict.
    expect((await t.ingest(token, one, { key: 'reuse-1' })).body.duplicate).toBe(true);
  });

  it('keeps the keys of two workspaces apart even when workspace and key concatenate alike', async () => {
    // acme + "eu:k" and acme:eu + "k" used to build the same deduplication token.
    const acme = await t.token('acme', ['ingest']);
    const acmeEu = await t.token('acme:eu', ['ingest']);
    const batch = [report({ destinationId: 'dst_tenant', count: 3 }, 3)];
    const first = await t.ingest(acme, batch, { key: 'eu:k' });
    const second = await t.ingest(acmeEu, batch, { key: 'k' });
    for (const ws of ['acme', 'acme:eu']) {
      expect(await tierSums(`workspace_id = '${ws}' AND destination_id = 'dst_tenant'`)).toEqual({ raw: 3, minute: 3, hour: 3 });
    }
    expect([first.status, first.body.duplicate, second.status, second.body.duplicate]).toEqual([200, false, 200, false]);
  });

  it('serializes concurrent requests with one key: one stores, the others replay or are refused', async () => {
    const where = "workspace_id = 'ws_ingest' AND destination_id = 'dst_race'";
    const same = [report({ destinationId: 'dst_race', count: 2 }, 3)];
    const other = [report({ destinationId: 'dst_race', count: 100 }, 3)];
    const answers = await Promise.all([
      t.ingest(token, same, { key: 'race-1' }),
      t.ingest(token, other, { key: 'race-1' }),
      t.ingest(token, same, { key: 'race-1' }),
    ]);
    const stored = answers.filter((a) => a.status === 200 && a.body.duplicate === false);
    expect(stored).toHaveLength(1);
    const raw = (await tierSums(where)).raw;
    expect(raw === 2 || raw === 100).toBe(true);
    for (const a of answers) expect([200, 409]).toContain(a.status);
  });

  it('stores a batch once when the gateway fails after its inserts but before its record (the saved flush is written again, same token, and answers the retry)', async () => {
    const where = "workspace_id = 'ws_ingest' AND destination_id = 'dst_crash_record'";
    const batch = [report({ destinationId: 'dst_crash_record', count: 7 }, 3)];
    const db = t.gateway.db;
    const insert = db.insert.bind(db);
    db.insert = async (opts) => (opts.table === 'ingest_idempotency' ? Promise.reject(new Error('killed')) : insert(opts));
    try {
      expect((await t.ingest(token, batch, { key: 'crash-record-1' })).status).toBe(500);
    } finally {
      db.insert = insert;
    }
    expect(await tierSums(where)).toEqual({ raw: 7, minute: 7, hour: 7 }); // stored, not acknowledged
    // The retry first writes the flush its failed attempt saved (the engine drops the rows it
    // already has, the record is stored), so it is answered as the replay it is.
    const retry = await t.ingest(token, batch, { key: 'crash-record-1' });
    expect([retry.status, retry.body.duplicate, retry.body.events]).toEqual([200, true, 7]);
    expect(await tierSums(where)).toEqual({ raw: 7, minute: 7, hour: 7 });
  });

  it('never mistakes two identical batches without a key for a retry', async () => {
    const where = "workspace_id = 'ws_ingest' AND destination_id = 'dst_nokey'";
    const batch = [report({ destinationId: 'dst_nokey', count: 2, timestamp: '2026-11-01T00:00:00.000Z' })].map((r) => ({
      ...r,
      timestamp: new Date(Date.now() - 120_000).toISOString().slice(0, 17) + '00.000Z',
    }));
    expect((await t.ingest(token, batch)).status).toBe(200);
    expect((await t.ingest(token, batch)).status).toBe(200);
    expect(await tierSums(where)).toEqual({ raw: 4, minute: 4, hour: 4 });
  });

  it('rejects a malformed key', async () => {
    const res = await t.ingest(token, [report()], { key: 'has space' });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 'BAD_USER_INPUT', field: 'Idempotency-Key' });
  });
});

describe('bad input: a precise 4xx, nothing stored, server still healthy', () => {
  let before: number;
  beforeEach(async () => {
    before = await rawCount();
  });
  afterEach(async () => {
    expect(await rawCount()).toBe(before);
    const health = await fetch(`${t.url}/healthz`);
    expect(health.status).toBe(200);
  });

  it('invalid JSON', async () => {
    const res = await t.ingest(token, '[{"step": "received",', {});
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('BAD_USER_INPUT');
    expect(res.body.error.message).toMatch(/not valid JSON/);
  });

  it('invalid NDJSON line names the record', async () => {
    const res = await t.ingest(token, `${JSON.stringify(report())}\n{oops\n`, { contentType: 'application/x-ndjson' });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 'BAD_USER_INPUT', index: 1, line: 2 });
  });

  it('a JSON body that is neither an array nor one record object', async () => {
    for (const body of ['42', '"received"', 'null']) {
      const res = await t.ingest(token, body);
      expect(res.status).toBe(400);
      expect(res.body.error.message).toMatch(/an array of records, or one record object/);
    }
  });

  it('delivery steps on a storage destination (its failures are syncs; these would be counted nowhere)', async () => {
    const res = await t.ingest(token, [
      report({ destinationId: 'dst_wh', destinationKind: 'storage', step: 'failed_delivery', reason: '400' }),
      report({ destinationId: 'dst_wh', destinationKind: 'storage', step: 'retry_enqueued', reason: '429' }),
    ]);
    expect(res.status).toBe(400);
    expect(res.body.error.errors).toEqual([
      { index: 0, field: 'step', reason: expect.stringMatching(/storage destinations report .* as syncs/) },
      { index: 1, field: 'step', reason: expect.stringMatching(/storage destinations report .* as syncs/) },
    ]);
  });

  it('one bad record rejects the whole batch with its index, field and reason', async () => {
    const res = await t.ingest(token, [
      report(),
      report({ count: 'three', step: 'teleported' }),
      report(),
      sourceReport({ sourceId: undefined, timestamp: 'yesterday' }),
    ]);
    expect(res.status).toBe(400);
    expect(res.body.error.invalidRecords).toBe(2);
    expect(res.body.error.errors).toEqual(
      expect.arrayContaining([
        { index: 1, field: 'step', reason: expect.stringContaining('must be one of: received, failed_ingest') },
        { index: 1, field: 'count', reason: expect.stringContaining('integer') },
        { index: 3, field: 'timestamp', reason: expect.stringContaining('ISO-8601') },
        { index: 3, field: 'sourceId', reason: 'is required' },
      ]),
    );
  });

  it('missing fields, wrong types and unknown fields', async () => {
    const res = await t.ingest(token, [
      { sourceId: 'src_web' },
      report({ step: 'failed_delivery' }),
      report({ enriched: 'yes', destinationID: 'typo' }),
      report({ mappingId: 'm1' }),
    ]);
    expect(res.status).toBe(400);
    const errs = res.body.error.errors as { index: number; field: string }[];
    expect(errs).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ index: 0, field: 'timestamp' }),
        expect.objectContaining({ index: 0, field: 'step' }),
        expect.objectContaining({ index: 1, field: 'reason', reason: 'is required' }),
        expect.objectContaining({ index: 2, field: 'enriched' }),
        expect.objectContaining({ index: 2, field: 'destinationID', reason: 'unknown field' }),
        expect.objectContaining({ index: 3, field: 'mappingId', reason: 'is only allowed on actions and retl destinations' }),
      ]),
    );
  });

  it('caps the listed errors and gives the total', async () => {
    const res = await t.ingest(
      token,
      Array.from({ length: 300 }, () => ({ step: 'nope' })),
    );
    expect(res.status).toBe(400);
    expect(res.body.error.errors).toHaveLength(100);
    expect(res.body.error.totalErrors).toBe(900);
    expect(res.body.error.invalidRecords).toBe(300);
  });

  it('times older than retention or in the future', async () => {
    const res = await t.ingest(token, [report({}, 60 * 24 * 15), report({}, -60)]);
    expect(res.status).toBe(400);
    expect(res.body.error.errors.map((e: { reason: string }) => e.reason)).toEqual([expect.stringMatching(/older than/), expect.stringMatching(/future/)]);
  });

  it('lone surrogates in free text: 400 naming the record and field (text is stored byte for byte, so it must be valid Unicode)', async () => {
    const fields = ['reason', 'eventType', 'eventName', 'appVersion', 'messageId'];
    const batch = fields.flatMap((f) => [
      report({ step: 'failed_delivery', reason: 'R', [f]: 'a\ud800b' }),
      report({ step: 'failed_delivery', reason: 'R', [f]: '\udc00' }),
    ]);
    batch.push(report({ step: 'failed_delivery', reason: 'R', sample: { payload: { ok: '\ud800' }, error: 'x\udfff' } }));
    batch.push({
      type: 'sync',
      destinationId: 'dst_wh',
      syncId: 's1',
      startedAt: new Date(Date.now() - 120_000).toISOString(),
      finishedAt: new Date().toISOString(),
      status: 'failed',
      collections: [{ name: 'orders\udbff' }],
    });
    const res = await t.ingest(token, batch);
    expect(res.status).toBe(400);
    const errs = res.body.error.errors as { index: number; field: string; reason: string }[];
    expect(errs.map((e) => [e.index, e.field])).toEqual([
      ...fields.flatMap((f, i) => [
        [2 * i, f],
        [2 * i + 1, f],
      ]),
      [10, 'sample.error'],
      [11, 'collections[0].name'],
    ]);
    expect(errs[0].reason).toBe('must be valid Unicode: unpaired surrogate \\ud800 at character 1');
  });

  it('a body that is not valid UTF-8 (bad bytes would otherwise be stored as U+FFFD)', async () => {
    const [a, b] = JSON.stringify([report({ eventName: '@@' })]).split('@@');
    for (const bytes of [[0xff], [0xc0, 0x80], [0xed, 0xa0, 0x80], [0xe2, 0x82]]) {
      const res = await t.ingest(token, Buffer.concat([Buffer.from(a), Buffer.from(bytes), Buffer.from(b)]));
      expect({ status: res.status, code: res.body.error.code, message: res.body.error.message }).toEqual({
        status: 400,
        code: 'BAD_USER_INPUT',
        message: expect.stringMatching(/not valid UTF-8/),
      });
    }
  });

  it('a sample payload nested deeper than 64 levels', async () => {
    // 66 levels: the body as a whole is shallow enough to parse, the payload is not.
    const deep = '['.repeat(66) + ']'.repeat(66);
    const body = `[${JSON.stringify(report({ step: 'failed_delivery', reason: 'R', sample: { payload: 'DEEP' } })).replace('"DEEP"', deep)}]`;
    const res = await t.ingest(token, body);
    expect(res.status).toBe(400);
    expect(res.body.error.errors).toEqual([{ index: 0, field: 'sample.payload', reason: 'must not be nested deeper than 64 levels' }]);
  });

  it('a body nested thousands of levels deep is refused before it is parsed (security review, item 8)', async () => {
    for (const [deep, contentType] of [
      ['['.repeat(5000) + ']'.repeat(5000), 'application/json'],
      ['['.repeat(10 * 1024 * 1024 - 16), 'application/json'],
      [`{"a":${'['.repeat(60_000)}}`, 'application/x-ndjson'],
    ] as const) {
      const body =
        contentType === 'application/json' && deep.startsWith('[[') && deep.length < 20_000
          ? `[${JSON.stringify(report({ step: 'failed_delivery', reason: 'R', sample: { payload: 'DEEP' } })).replace('"DEEP"', deep)}]`
          : deep;
      const res = await t.ingest(token, body, { contentType });
      expect({ status: res.status, code: res.body.error.code, limit: res.body.error.limit }).toEqual({
        status: 400,
        code: 'BAD_USER_INPUT',
        limit: 'maxDepth',
      });
    }
  });

  it('a body of millions of elements is refused before it is parsed (security review, item 8)', async () => {
    const res = await t.ingest(token, `[${'0,'.repeat(3_400_000)}0]`);
    expect({ status: res.status, code: res.body.error.code, limit: res.body.error.limit }).toEqual({
      status: 413,
      code: 'PAYLOAD_TOO_LARGE',
      limit: 'maxRecords',
    });
  });

  it('an NDJSON body of blank lines is an empty batch', async () => {
    const res = await t.ingest(token, '\n  \n\r\n', { contentType: 'application/x-ndjson' });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 'BAD_USER_INPUT', message: expect.stringMatching(/empty/) });
  });

  it('empty batch', async () => {
    const res = await t.ingest(token, []);
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(/empty/);
  });

  it('oversize batch (records)', async () => {
    const res = await t.ingest(
      token,
      Array.from({ length: 10_001 }, () => report()),
    );
    expect(res.status).toBe(413);
    expect(res.body.error).toMatchObject({ code: 'PAYLOAD_TOO_LARGE', limit: 'maxRecords', value: 10_000 });
  });

  it('oversize body (bytes)', async () => {
    const res = await t.ingest(token, Buffer.alloc(11 * 1024 * 1024, 0x20));
    expect(res.status).toBe(413);
    expect(res.body.error).toMatchObject({ code: 'PAYLOAD_TOO_LARGE', limit: 'maxBodyBytes' });
  });

  it('oversize record', async () => {
    const res = await t.ingest(token, JSON.stringify(report({ eventName: 'x'.repeat(70_000) })), { contentType: 'application/x-ndjson' });
    expect(res.status).toBe(413);
    expect(res.body.error).toMatchObject({ code: 'PAYLOAD_TOO_LARGE', limit: 'maxRecordBytes', index: 0 });
  });

  it('wrong content type', async () => {
    const res = await t.ingest(token, 'a,b,c', { contentType: 'text/csv' });
    expect(res.status).toBe(415);
    expect(res.body.error).toMatchObject({ code: 'UNSUPPORTED_MEDIA_TYPE', received: 'text/csv' });
  });
});
