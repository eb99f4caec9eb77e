/**
 * 3. Ingest, three ways on the same rows, in one run, into the same tables with every
 * materialized view attached: POST /v1/ingest (NDJSON from the client process:
 * parse, validate, encode, insert), the engine's own insert of the exact bytes the
 * gateway wrote (captured on the way), and INSERT … SELECT of the same rows from a
 * staging table, in blocks of the same size (no parsing at all).
 */
import crypto from 'node:crypto';
import type { Db, InsertOptions } from '../../src/clickhouse/client';
import type { Gateway } from '../../src/app/gateway';
import type { BenchClient } from './client';
import { EVENT_NAMES } from './dataset';
import { ratio } from './stats';

export interface IngestBenchResult {
  reports: number;
  batchSize: number;
  concurrency: number;
  payloadMB: number;
  httpReportsPerSecond: number;
  engineSameBytesReportsPerSecond: number;
  insertSelectReportsPerSecond: number;
  /** HTTP / engine insert of the same bytes. */
  httpVsEngine: number;
  httpVsInsertSelect: number;
  /**
   * What-if, same rows: the engine's insert of the captured bytes joined into inserts of
   * `largeBatchSize` rows (the gateway caps one request at INGEST_MAX_RECORDS; this shows
   * what coalescing requests into larger inserts would buy).
   */
  largeBatchSize: number;
  engineLargeBatchReportsPerSecond: number;
  /**
   * Producers, same reports each way over HTTP: one posting large bodies back to back,
   * then many posting small bodies at once (what the coalescer merges into larger inserts).
   */
  producers: ProducersResult;
}

export interface ProducersResult {
  reports: number;
  large: { producers: number; batchSize: number; reportsPerSecond: number };
  small: { producers: number; batchSize: number; reportsPerSecond: number };
  /** small / large reports per second. */
  smallVsLarge: number;
}

export interface ProducersPlan {
  reports: number;
  large: { producers: number; batchSize: number };
  small: { producers: number; batchSize: number };
}

const STEPS = ['received', 'filtered_destination', 'failed_delivery', 'delivered'] as const;
const REASONS: Record<string, string[]> = {
  filtered_destination: ['FILTERED_BY_RULES', 'UNSUPPORTED_EVENT_TYPE'],
  failed_delivery: ['429', 'ETIMEDOUT', '400'],
};

/** Realistic contract records from the last hour: ~25% source-side, the rest destination-side, discards with reasons. */
export function benchRecords(n: number, seed: number, now: number): string[] {
  let x = seed >>> 0 || 1;
  const rnd = () => (x = (x * 1664525 + 1013904223) >>> 0) / 2 ** 32;
  const lines: string[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const step = STEPS[Math.floor(rnd() * STEPS.length)];
    const base = {
      timestamp: new Date(now - Math.floor(rnd() * 3_600_000)).toISOString(),
      sourceId: `src_${Math.floor(rnd() * 4)}`,
      step,
      eventType: 'track',
      eventName: EVENT_NAMES[Math.floor(EVENT_NAMES.length * rnd() ** 2)],
      appVersion: `3.${Math.floor(rnd() * 5)}.0`,
      enriched: rnd() < 0.7,
      count: rnd() < 0.8 ? 1 : 2 + Math.floor(rnd() * 48),
      messageId: `m-${seed}-${i}`,
    };
    const reasons = REASONS[step];
    const rec =
      step === 'received'
        ? base
        : {
            ...base,
            destinationId: `dst_${Math.floor(rnd() * 10)}`,
            destinationKind: 'classic',
            ...(reasons ? { reason: reasons[Math.floor(rnd() * reasons.length)] } : {}),
          };
    lines[i] = JSON.stringify(rec);
  }
  return lines;
}

async function pool<T>(items: T[], concurrency: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < items.length) await fn(items[next++]);
    }),
  );
}

/** One producer with large bodies, then many with small ones; the same number of reports, fresh keys each. */
export async function producersBench(gateway: Gateway, client: BenchClient, token: string, plan: ProducersPlan): Promise<ProducersResult> {
  const run = async (p: { producers: number; batchSize: number }, seed: number) => {
    const r = await client.ingest({ url: gateway.url, token, reports: plan.reports, batchSize: p.batchSize, concurrency: p.producers, seed, now: Date.now() });
    return { ...p, reportsPerSecond: Math.round(r.reports / r.seconds) };
  };
  const large = await run(plan.large, 11);
  const small = await run(plan.small, 13);
  return { reports: plan.reports, large, small, smallVsLarge: ratio(small.reportsPerSecond, large.reportsPerSecond) };
}

export async function ingestBench(
  gateway: Gateway,
  client: BenchClient,
  token: string,
  opts: { reports: number; batchSize: number; concurrency: number; largeBatchSize: number; producers: ProducersPlan },
): Promise<IngestBenchResult> {
  const producers = await producersBench(gateway, client, token, opts.producers);
  const db: Db & { insert: (o: InsertOptions) => Promise<void> } = gateway.db;

  // 1. HTTP, capturing the bytes the gateway hands the engine.
  const captured: Buffer[] = [];
  const original = db.insert;
  db.insert = async function (this: Db, o: InsertOptions) {
    if (o.family === 'ingest' && o.table === 'delivery_events') captured.push(o.body);
    return original.call(this, o);
  };
  let http;
  try {
    http = await client.ingest({
      url: gateway.url,
      token,
      reports: opts.reports,
      batchSize: opts.batchSize,
      concurrency: opts.concurrency,
      seed: 7,
      now: Date.now(),
    });
  } finally {
    delete (db as Partial<Pick<Db, 'insert'>>).insert; // back to the prototype's method
  }

  // 2. The engine's insert of the same bytes, same batches, same concurrency, same settings.
  const t2 = performance.now();
  await pool(captured, opts.concurrency, (body) => db.insert({ family: 'bench', table: 'delivery_events', body, dedupToken: crypto.randomUUID() }));
  const engineSeconds = (performance.now() - t2) / 1000;

  // 2b. The same bytes in fewer, larger inserts.
  const perLarge = Math.max(1, Math.round(opts.largeBatchSize / opts.batchSize));
  const large: Buffer[] = [];
  for (let i = 0; i < captured.length; i += perLarge)
    large.push(Buffer.concat(captured.slice(i, i + perLarge).flatMap((b, j) => (j === 0 ? [b] : [Buffer.from('\n'), b]))));
  const t2b = performance.now();
  await pool(large, opts.concurrency, (body) => db.insert({ family: 'bench', table: 'delivery_events', body, dedupToken: crypto.randomUUID() }));
  const largeSeconds = (performance.now() - t2b) / 1000;

  // 3. INSERT … SELECT of the same rows from a staging table, blocks of one batch.
  const staging = `${db.database}.bench_ingest_staging`;
  const columns =
    'time, workspace_id, source_id, destination_id, destination_kind, mapping_id, step, reason, event_type, event_name, app_version, enriched, count, message_id';
  await db.command({ family: 'bench', sql: `CREATE TABLE ${staging} ENGINE = Memory AS SELECT ${columns} FROM ${db.database}.delivery_events LIMIT 0` });
  try {
    for (const body of captured) await db.insert({ family: 'bench', table: 'bench_ingest_staging', body, dedupToken: crypto.randomUUID() });
    const t3 = performance.now();
    // Settings inline (the embedded connection would make clickhouse_settings session-wide).
    await db.command({
      family: 'bench',
      sql: `INSERT INTO ${db.database}.delivery_events (${columns}) SELECT ${columns} FROM ${staging}
            SETTINGS max_insert_block_size = ${opts.batchSize}, min_insert_block_size_rows = ${opts.batchSize}, min_insert_block_size_bytes = 0,
                     max_block_size = ${opts.batchSize}, async_insert = 0, insert_deduplicate = 1, deduplicate_blocks_in_dependent_materialized_views = 1,
                     insert_deduplication_token = '${crypto.randomUUID()}', max_execution_time = 0`,
    });
    const selectSeconds = (performance.now() - t3) / 1000;
    const httpRps = http.reports / http.seconds;
    const engineRps = http.reports / engineSeconds;
    const selectRps = http.reports / selectSeconds;
    return {
      reports: http.reports,
      batchSize: opts.batchSize,
      concurrency: opts.concurrency,
      payloadMB: Math.round(captured.reduce((a, b) => a + b.length, 0) / 2 ** 20),
      httpReportsPerSecond: Math.round(httpRps),
      engineSameBytesReportsPerSecond: Math.round(engineRps),
      insertSelectReportsPerSecond: Math.round(selectRps),
      httpVsEngine: ratio(httpRps, engineRps),
      httpVsInsertSelect: ratio(httpRps, selectRps),
      largeBatchSize: perLarge * opts.batchSize,
      engineLargeBatchReportsPerSecond: Math.round(http.reports / largeSeconds),
      producers,
    };
  } finally {
    await db.command({ family: 'bench', sql: `DROP TABLE IF EXISTS ${staging}` });
  }
}
