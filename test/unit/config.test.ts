import path from 'node:path';
import { loadConfig } from '../../src/config/config';
import { AppError } from '../../src/domain/errors';

describe('loadConfig', () => {
  it('has documented defaults', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({
      server: { port: 4000, host: '127.0.0.1', dataDir: path.resolve('./data') },
      clickhouse: { url: null, database: 'delivery_overview', queryTimeoutSeconds: 10 },
      ingest: { maxRecords: 10_000 },
      logLevel: 'info',
    });
  });

  it('lists every problem at once, with the allowed values', () => {
    let err: unknown;
    try {
      loadConfig({ PORT: 'eighty', LOG_LEVEL: 'loud', CLICKHOUSE_URL: 'ftp://x', CLICKHOUSE_DATABASE: 'a-b' });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(AppError);
    const problems = (err as AppError).details!.problems as string[];
    expect(problems).toEqual([
      'PORT="eighty" must be an integer from 0 to 65535',
      'CLICKHOUSE_URL="ftp://x" must be an http(s) URL such as http://localhost:8123',
      expect.stringContaining('CLICKHOUSE_DATABASE="a-b" must match'),
      'LOG_LEVEL="loud" must be one of: debug, info, warn, error, silent',
      expect.stringContaining('SECRETS_KEY is required with CLICKHOUSE_URL'),
    ]);
  });

  it('takes host names and IP addresses for HOST, and names a port or scheme in it as the problem', () => {
    for (const host of ['localhost', '0.0.0.0', '::1', 'gateway.internal']) expect(loadConfig({ HOST: host }).server.host).toBe(host);
    for (const host of ['localhost:4600', 'http://localhost', '127.0.0.1:80']) {
      expect(() => loadConfig({ HOST: host })).toThrow(
        `HOST=${JSON.stringify(host)} must be a host name or IP address without a port or scheme; put the port in PORT`,
      );
    }
  });

  // Issue 23 item 8: /metrics needs no token, so its own port listens on loopback unless told otherwise.
  it('binds METRICS_PORT to loopback by default, whatever HOST is, and checks METRICS_HOST like HOST', () => {
    expect(loadConfig({ HOST: '0.0.0.0', METRICS_PORT: '9464' }).server).toMatchObject({ host: '0.0.0.0', metricsHost: '127.0.0.1', metricsPort: 9464 });
    expect(loadConfig({ HOST: '0.0.0.0', METRICS_PORT: '9464', METRICS_HOST: '0.0.0.0' }).server.metricsHost).toBe('0.0.0.0');
    expect(() => loadConfig({ METRICS_HOST: 'localhost:9464' })).toThrow(
      'METRICS_HOST="localhost:9464" must be a host name or IP address without a port or scheme; put the port in METRICS_PORT',
    );
  });

  it('refuses a short ROOT_TOKEN', () => {
    expect(() => loadConfig({ ROOT_TOKEN: 'short' })).toThrow(/ROOT_TOKEN must be at least 24 characters/);
  });
});
