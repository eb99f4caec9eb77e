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
      expect(() => loadConfig({ HOST: host })).toThrow(`HOST=${JSON.stringify(host)} must be a host name or IP address without a port or scheme; put the port in PORT`);
    }
  });

  it('refuses a short ROOT_TOKEN', () => {
    expect(() => loadConfig({ ROOT_TOKEN: 'short' })).toThrow(/ROOT_TOKEN must be at least 24 characters/);
  });
});
