import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig, type Config } from '../config/config';
import { createLogger } from '../log';
import { startGateway } from '../server';
import { ingestBench } from './ingest.bench';

export interface BenchOptions {
  quick: boolean;
  outDir: string;
}

/**
 * `npm run bench`: runs on a fresh data directory (never the demo's), prints a table,
 * and writes bench/results/<date>.json with the machine and backend beside each figure.
 */
export async function runBench(base: Config, opts: BenchOptions): Promise<Record<string, unknown>> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'do-bench-'));
  const config = loadConfig({ ...process.env, DATA_DIR: dataDir, PORT: '0', CLICKHOUSE_DATABASE: `bench_${Date.now()}`, LOG_LEVEL: 'silent' });
  const gateway = await startGateway({ config: { ...config, clickhouseUrl: base.clickhouseUrl }, log: createLogger('silent') });
  try {
    const { token } = await gateway.tokens.create('bench', ['read', 'ingest']);
    const reports = opts.quick ? 20_000 : 400_000;
    const ingest = await ingestBench(gateway, token, { reports, batchSize: 10_000, concurrency: 2 });
    const result = {
      date: new Date().toISOString(),
      machine: { cores: os.cpus().length, memoryGiB: Math.round(os.totalmem() / 2 ** 30), cpu: os.cpus()[0]?.model ?? 'unknown', node: process.version },
      backend: gateway.db.backend,
      quick: opts.quick,
      ingest,
    };
    printTable(result);
    fs.mkdirSync(opts.outDir, { recursive: true });
    const file = path.join(opts.outDir, `${result.date.slice(0, 10)}${opts.quick ? '-quick' : ''}.json`);
    fs.writeFileSync(file, JSON.stringify(result, null, 2) + '\n');
    process.stdout.write(`\nwrote ${file}\n`);
    return result;
  } finally {
    await gateway.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

function printTable(r: { machine: { cores: number; memoryGiB: number }; backend: string; ingest: Awaited<ReturnType<typeof ingestBench>> }): void {
  const i = r.ingest;
  const rows = [
    ['ingest: POST /v1/ingest (NDJSON, 2 concurrent)', `${i.httpReportsPerSecond.toLocaleString('en')} reports/s`],
    ['ingest: engine insert of the same rows', `${i.engineSameBytesReportsPerSecond.toLocaleString('en')} reports/s`],
    ['ingest: engine INSERT … SELECT', `${i.insertSelectReportsPerSecond.toLocaleString('en')} reports/s`],
    ['ratio HTTP / engine insert', `${i.httpVsEngine}×`],
  ];
  process.stdout.write(`\nmachine: ${r.machine.cores} cores, ${r.machine.memoryGiB} GiB; backend: ${r.backend}; ${i.reports.toLocaleString('en')} reports in batches of ${i.batchSize}\n\n`);
  const w = Math.max(...rows.map((x) => x[0].length));
  for (const [k, v] of rows) process.stdout.write(`  ${k.padEnd(w)}  ${v}\n`);
}
