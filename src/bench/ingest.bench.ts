import crypto from 'node:crypto';
import type { Gateway } from '../server';
import { round } from './stats';

export interface IngestBenchResult {
  reports: number;
  batchSize: number;
  httpReportsPerSecond: number;
  engineSameBytesReportsPerSecond: number;
  insertSelectReportsPerSecond: number;
  httpVsEngine: number;
}

const STEPS = ['received', 'filtered_destination', 'failed_delivery', 'delivered'] as const;

/** Realistic contract records: ~40% source-side, the rest destination-side, some with reasons. */
export function benchRecords(n: number, seed: number, now: number): string[] {
  let x = seed >>> 0 || 1;
  const rnd = () => ((x = (x * 1664525 + 1013904223) >>> 0) / 2 ** 32);
  const lines: string[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const step = STEPS[Math.floor(rnd() * STEPS.length)];
    const base = {
      timestamp: new Date(now - Math.floor(rnd() * 3_600_000)).toISOString(),
      sourceId: `src_${Math.floor(rnd() * 4)}`,
      step,
      eventType: 'track',
      eventName: `Event ${Math.floor(rnd() * 20)}`,
      appVersion: `2.${Math.floor(rnd() * 5)}.0`,
      enriched: rnd() < 0.5,
      count: 1 + Math.floor(rnd() * 10),
      messageId: `m-${i}`,
    };
    const rec =
      step === 'received'
        ? base
        : { ...base, destinationId: `dst_${Math.floor(rnd() * 10)}`, destinationKind: 'classic', ...(step === 'delivered' ? {} : { reason: step === 'failed_delivery' ? '429' : 'FILTERED_BY_RULES' }) };
    lines[i] = JSON.stringify(rec);
  }
  return lines;
}

/**
 * Reports/s three ways on the same machine, in one run: through POST /v1/ingest
 * (NDJSON, validation, encoding, insert with materialized views), the engine's own
 * insert of the bytes the gateway would write, and the engine's INSERT … SELECT.
 */
export async function ingestBench(gateway: Gateway, token: string, opts: { reports: number; batchSize: number; concurrency: number }): Promise<IngestBenchResult> {
  const now = Date.now();
  const lines = benchRecords(opts.reports, 7, now);
  const batches: Buffer[] = [];
  for (let i = 0; i < lines.length; i += opts.batchSize) batches.push(Buffer.from(lines.slice(i, i + opts.batchSize).join('\n')));

  // 1. HTTP.
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: opts.concurrency }, async () => {
      while (next < batches.length) {
        const body = batches[next++];
        const res = await fetch(`${gateway.url}/v1/ingest`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-ndjson', authorization: `Bearer ${token}`, 'idempotency-key': crypto.randomUUID() },
          body,
        });
        if (res.status !== 200) throw new Error(`ingest answered ${res.status}: ${await res.text()}`);
        await res.arrayBuffer();
      }
    }),
  );
  const httpSeconds = (performance.now() - started) / 1000;

  // 2. The engine's insert of the same rows, encoded as the gateway encodes them.
  const encoded = batches.map((b) => encodeLikeGateway(b));
  const t2 = performance.now();
  next = 0;
  await Promise.all(
    Array.from({ length: opts.concurrency }, async () => {
      while (next < encoded.length) {
        const body = encoded[next++];
        await gateway.db.insert({ family: 'bench', table: 'delivery_events', body, dedupToken: crypto.randomUUID() });
      }
    }),
  );
  const engineSeconds = (performance.now() - t2) / 1000;

  // 3. INSERT … SELECT generated inside the engine.
  const t3 = performance.now();
  await gateway.db.command({
    family: 'bench',
    sql: `INSERT INTO ${gateway.db.database}.delivery_events (time, workspace_id, source_id, destination_id, destination_kind, step, reason, event_type, event_name, app_version, enriched, count, message_id)
          SELECT now64(3) - toIntervalSecond(number % 3600), 'bench_select', concat('src_', toString(number % 4)), if(number % 4 = 0, '', concat('dst_', toString(number % 10))),
                 if(number % 4 = 0, '', 'classic'), ['received', 'filtered_destination', 'failed_delivery', 'delivered'][number % 4 + 1], '', 'track',
                 concat('Event ', toString(number % 20)), '2.1.0', number % 2, 1 + number % 10, concat('m-', toString(number))
          FROM numbers({n:UInt64})`,
    params: { n: opts.reports },
    settings: { insert_deduplication_token: crypto.randomUUID() },
  });
  const selectSeconds = (performance.now() - t3) / 1000;

  const http = opts.reports / httpSeconds;
  const engine = opts.reports / engineSeconds;
  return {
    reports: opts.reports,
    batchSize: opts.batchSize,
    httpReportsPerSecond: Math.round(http),
    engineSameBytesReportsPerSecond: Math.round(engine),
    insertSelectReportsPerSecond: Math.round(opts.reports / selectSeconds),
    httpVsEngine: round(http / engine, 2),
  };
}

/** The JSONEachRow the gateway writes for these NDJSON records (for the engine-only baseline). */
function encodeLikeGateway(ndjson: Buffer): Buffer {
  const out = ndjson
    .toString('utf8')
    .split('\n')
    .map((line) => {
      const r = JSON.parse(line) as Record<string, unknown>;
      const ms = Date.parse(r.timestamp as string);
      return JSON.stringify({
        time: `${Math.floor(ms / 1000)}.${String(ms % 1000).padStart(3, '0')}`,
        workspace_id: 'bench_engine', source_id: r.sourceId, destination_id: r.destinationId ?? '', destination_kind: r.destinationKind ?? '', mapping_id: '',
        step: r.step, reason: r.reason ?? '', event_type: r.eventType, event_name: r.eventName, app_version: r.appVersion, enriched: r.enriched ? 1 : 0,
        count: r.count, message_id: r.messageId,
      });
    });
  return Buffer.from(out.join('\n'));
}
