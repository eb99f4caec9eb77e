// One gateway for scripts/bench-tracing.js (tracing off, or on with OTLP to a local sink that
// discards): prints {url, token, sdkModules} on its first line, then serves until killed.
const path = require('path');
const fs = require('fs');
const os = require('os');
const http = require('http');
const repo = path.resolve(__dirname, '..');
const mode = process.argv[2];
require(path.join(repo, 'node_modules/reflect-metadata'));
const { loadConfig } = require(path.join(repo, 'dist/config/config'));
const { startGateway } = require(path.join(repo, 'dist/app/gateway'));
const { createLogger } = require(path.join(repo, 'dist/log'));
(async () => {
  let env = {};
  if (mode === 'on') {
    const s = http.createServer((req, res) => {
      req.resume();
      req.on('end', () => res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end());
    });
    await new Promise((r) => s.listen(0, '127.0.0.1', r));
    env = { OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${s.address().port}` };
  }
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `bench-${mode}-`));
  const config = loadConfig({
    PORT: '0',
    DATA_DIR: dataDir,
    LOG_LEVEL: 'silent',
    QUERY_RATE_PER_SECOND: '0',
    INGEST_RATE_PER_SECOND: '0',
    ALERT_EVAL_INTERVAL_MS: '0',
    ...env,
  });
  const g = await startGateway({ config, log: createLogger('silent') });
  const { token } = await g.tokens.create('ws_bench', ['read', 'ingest']);
  const now = Date.now();
  const reports = [];
  for (let i = 0; i < 2000; i++)
    reports.push({
      timestamp: new Date(now - (i % 600) * 60000).toISOString(),
      sourceId: 'src',
      destinationId: `dst_${i % 10}`,
      destinationKind: 'classic',
      step: i % 7 ? 'delivered' : 'failed_delivery',
      ...(i % 7 ? {} : { reason: '500' }),
      count: 3,
    });
  await fetch(`${g.url}/v1/ingest`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify(reports),
  });
  const sdk = Object.keys(require.cache).filter((k) => /@opentelemetry\/(sdk-|exporter-|resources|core)/.test(k)).length;
  process.stdout.write(JSON.stringify({ url: g.url, token, sdkModules: sdk }) + '\n');
})();
