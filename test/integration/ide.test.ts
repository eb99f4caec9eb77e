import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { parse, validate } from 'graphql';
import { chromium, type Browser, type Page } from 'playwright-core';
import { gatewaySchema } from '../../src/graphql/schema';
import { IDE_ASSETS } from '../../src/http/ide/ide.http';
import { IDE_EXAMPLES } from '../../src/http/ide/examples';
import { report, sourceReport, startTestGateway, type TestGateway } from '../helpers/gateway';

/** Debian's chromium (CI installs it in .ci/run); this test never installs anything. */
const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];
const SCREENSHOT = path.resolve(__dirname, '../../docs/ide.png');

/** Browser globals, for the functions Playwright runs in the page (this project compiles without the DOM lib). */
declare const window: Record<string, unknown>;

let t: TestGateway;
let token = '';

beforeAll(async () => {
  t = await startTestGateway('ide', {}, { ide: { defaultToken: () => token } });
  token = await t.token('ws_ide', ['read', 'ingest']);
  // A plausible day for the featured destination (and the day before, for the change columns).
  const now = 40;
  const before = 30 * 60;
  const res = await t.ingest(token, [
    sourceReport({ sourceId: 'src_web', count: 12480 }, now),
    sourceReport({ sourceId: 'src_web', step: 'failed_ingest', reason: 'id_required', count: 42 }, now),
    sourceReport({ sourceId: 'src_web', step: 'filtered_source', reason: 'schema_violation', count: 310 }, now),
    report({ step: 'filtered_destination', reason: 'FILTERED_BY_RULES', count: 820 }, now),
    report({ step: 'failed_delivery', reason: '429', count: 900 }, now),
    report({ step: 'failed_delivery', reason: '400', count: 275 }, now),
    report({ step: 'delivered', count: 10133 }, now),
    report({ step: 'retry_enqueued', reason: '429', count: 260 }, now),
    report({ step: 'retry_resolved', count: 180 }, now),
    sourceReport({ sourceId: 'src_web', count: 11020 }, before),
    sourceReport({ sourceId: 'src_web', step: 'filtered_source', reason: 'schema_violation', count: 295 }, before),
    report({ step: 'filtered_destination', reason: 'FILTERED_BY_RULES', count: 760 }, before),
    report({ step: 'failed_delivery', reason: '429', count: 410 }, before),
    report({ step: 'delivered', count: 9555 }, before),
  ]);
  expect(res.status).toBe(200);
});
afterAll(async () => t.close());

/** GET with the exact path given (fetch would normalise `..` away). */
function rawGet(urlPath: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }> {
  const { hostname, port } = new URL(t.url);
  return new Promise((resolve, reject) => {
    const req = http.request({ hostname, port, path: urlPath, method: 'GET', headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end();
  });
}

const HTML = { accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8' };

describe('the IDE page and its assets (HTTP)', () => {
  it('GET /graphql from a browser serves the IDE without a token, with a strict CSP and no caching', async () => {
    const res = await rawGet('/graphql', HTML);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.headers['content-security-policy']).toContain("script-src 'self'");
    const html = res.body.toString('utf8');
    for (const name of ['graphiql.min.js', 'graphiql.min.css', 'react.production.min.js', 'react-dom.production.min.js', 'graphql-ws.min.js', 'ide.js']) {
      expect(html).toMatch(new RegExp(`ide/assets/${name.replace(/\./g, '\\.')}\\?v=[0-9a-f]{12}`));
    }
    // Nothing from a CDN: every script and stylesheet is a relative link to this gateway.
    const links = [...html.matchAll(/<(?:script|link)[^>]*(?:src|href)="([^"]*)"/g)].map((m) => m[1]).filter((l) => l !== 'data:,');
    expect(links).toHaveLength(7);
    for (const link of links) expect(link).toMatch(/^ide\/assets\/[a-z.-]+\?v=[0-9a-f]{12}$/);
    expect(html).not.toMatch(/<script>(?!<)/); // no inline script: the CSP forbids it
    // Demo mode: the token is prefilled in the headers editor.
    expect(html).toContain(`Bearer ${token}`);
  });

  it('offers example operations that are valid against the schema', () => {
    const schema = gatewaySchema();
    for (const example of IDE_EXAMPLES) {
      expect({ query: example.query, errors: validate(schema, parse(example.query)).map((e) => e.message) }).toEqual({ query: example.query, errors: [] });
      if (example.variables) expect(() => JSON.parse(example.variables!)).not.toThrow();
    }
    // The alert-rule example is commented out; uncommented, it must be valid once the schema has alert rules.
    const commented = IDE_EXAMPLES.map((e) => e.query).find((q) => q.includes('# mutation CreateAlertRule'))!;
    expect(commented).toBeDefined();
    const mutation = commented
      .split('\n')
      .filter((l) => /^# (mutation|\s)|^# }/.test(l))
      .map((l) => l.slice(2))
      .join('\n');
    if (schema.getMutationType()?.getFields().createAlertRule) {
      expect(validate(schema, parse(mutation)).map((e) => e.message)).toEqual([]);
    }
  });

  it('GraphQL over GET and POST still needs a token', async () => {
    expect((await rawGet('/graphql?query=%7B__typename%7D', HTML)).status).toBe(401);
    expect((await rawGet('/graphql', { accept: 'application/json' })).status).toBe(401);
    expect(
      (await fetch(`${t.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query":"{ __typename }"}' })).status,
    ).toBe(401);
  });

  it('serves each whitelisted asset from node_modules with long cache headers, gzipped on request', async () => {
    for (const name of Object.keys(IDE_ASSETS)) {
      const res = await rawGet(`/ide/assets/${name}`, { 'accept-encoding': 'gzip' });
      expect({ name, status: res.status }).toEqual({ name, status: 200 });
      expect(res.headers['cache-control']).toBe('public, max-age=31536000, immutable');
      expect(res.headers['content-encoding']).toBe('gzip');
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['content-type']).toMatch(name.endsWith('.css') ? /^text\/css/ : /^text\/javascript/);
      const again = await rawGet(`/ide/assets/${name}`, { 'if-none-match': String(res.headers.etag) });
      expect(again.status).toBe(304);
    }
    const plain = await rawGet('/ide/assets/graphiql.min.js');
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.body.equals(fs.readFileSync(path.resolve(__dirname, '../../node_modules/graphiql/graphiql.min.js')))).toBe(true);
  });

  it('refuses everything else under /ide/assets (no path traversal)', async () => {
    for (const p of [
      '/ide/assets/',
      '/ide/assets/../package.json',
      '/ide/assets/..%2f..%2fpackage.json',
      '/ide/assets/%2e%2e/%2e%2e/package.json',
      '/ide/assets/graphiql.min.js.map',
      '/ide/assets/graphiql.js',
      '/ide/assets/ide.js/',
      '/ide/assets/__proto__',
      '/ide/assets/constructor',
      '/ide/assets/hasOwnProperty',
      '/ide/assets/.%2fide.js',
      '/ide/assets//etc/passwd',
      '/ide/assets/IDE.JS',
    ]) {
      const res = await rawGet(p);
      expect({ p, status: res.status }).toEqual({ p, status: 404 });
      expect(res.body.toString('utf8')).not.toContain('"version"');
    }
  });

  it('IDE_ENABLED=false: no page, no assets; INTROSPECTION_ENABLED=false turns introspection off', async () => {
    const off = await startTestGateway('ide_off', { IDE_ENABLED: 'false', INTROSPECTION_ENABLED: 'false' });
    try {
      const page = await fetch(`${off.url}/graphql`, { headers: HTML });
      expect(page.status).toBe(401);
      expect((await fetch(`${off.url}/ide/assets/ide.js`)).status).toBe(404);
      const read = await off.token('ws_x', ['read']);
      const res = await off.gql(read, '{ __schema { queryType { name } } }');
      expect(res.body.errors?.[0].extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    } finally {
      await off.close();
    }
  });

  it('outside demo mode the headers editor starts with a placeholder, not a token', async () => {
    const plain = await startTestGateway('ide_plain');
    try {
      const html = await (await fetch(`${plain.url}/graphql`, { headers: HTML })).text();
      expect(html).toContain('Bearer \\u003cpaste a token with the read scope\\u003e');
      expect(html).not.toMatch(/Bearer dov_/);
    } finally {
      await plain.close();
    }
  });
});

/** How many pixels differ between two PNGs of the same size (all of them when the sizes differ), compared in the browser. */
async function differingPixels(browser: Browser, a: Buffer, b: Buffer): Promise<number> {
  const page = await browser.newPage();
  try {
    return await page.evaluate(
      async ([first, second]) => {
        const g = globalThis as unknown as {
          Image: new () => { onload: () => void; onerror: () => void; src: string; width: number; height: number };
          document: {
            createElement(t: 'canvas'): {
              width: number;
              height: number;
              getContext(k: '2d'): {
                drawImage(i: unknown, x: number, y: number): void;
                getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray };
              };
            };
          };
        };
        const load = (data: string) =>
          new Promise<InstanceType<typeof g.Image>>((resolve, reject) => {
            const img = new g.Image();
            img.onload = () => resolve(img);
            img.onerror = () => reject(new Error('not a PNG'));
            img.src = `data:image/png;base64,${data}`;
          });
        const [x, y] = await Promise.all([load(first), load(second)]);
        if (x.width !== y.width || x.height !== y.height) return x.width * x.height;
        const pixels = (img: typeof x) => {
          const canvas = g.document.createElement('canvas');
          canvas.width = img.width;
          canvas.height = img.height;
          const ctx = canvas.getContext('2d');
          ctx.drawImage(img, 0, 0);
          return ctx.getImageData(0, 0, img.width, img.height).data;
        };
        const p = pixels(x);
        const q = pixels(y);
        let n = 0;
        for (let i = 0; i < p.length; i += 4) if (p[i] !== q[i] || p[i + 1] !== q[i + 1] || p[i + 2] !== q[i + 2]) n++;
        return n;
      },
      [a.toString('base64'), b.toString('base64')],
    );
  } finally {
    await page.close();
  }
}

describe('the IDE in headless Chromium', () => {
  let browser: Browser;
  let page: Page;
  const requests: string[] = [];
  const problems: string[] = [];
  const wsFrames: string[] = [];

  beforeAll(async () => {
    if (!fs.existsSync(CHROMIUM)) {
      throw new Error(`Chromium is not installed at ${CHROMIUM}. Install Debian's package: apt-get install -y chromium (.ci/run does this before npm ci).`);
    }
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
    const context = await browser.newContext({ viewport: { width: 1400, height: 860 }, deviceScaleFactor: 1, colorScheme: 'light' });
    page = await context.newPage();
    page.on('request', (r) => requests.push(r.url()));
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(`console: ${m.text()}`);
    });
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    page.on('websocket', (ws) => ws.on('framesent', (f) => wsFrames.push(String(f.payload))));
  });
  afterAll(async () => {
    await browser?.close();
  });

  /** The text of a CodeMirror editor (its model, not only the rendered lines). */
  async function editorValue(selector: string): Promise<string> {
    return page.$eval(selector, (el) => (el as unknown as { CodeMirror: { getValue(): string } }).CodeMirror.getValue());
  }

  async function waitForEditor(selector: string, text: string, ms = 20_000): Promise<void> {
    const end = Date.now() + ms;
    let value = '';
    while (Date.now() < end) {
      value = await editorValue(selector).catch(() => '');
      if (value.includes(text)) return;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`${selector} never showed ${JSON.stringify(text)}; it holds: ${value.slice(0, 2000)}; page problems: ${problems.join(' | ')}`);
  }

  it('loads GraphiQL from the gateway only, runs the pipeline example and shows the counts', async () => {
    await page.goto(`${t.url}/graphql`, { waitUntil: 'load' });
    await page.waitForSelector('.graphiql-query-editor .CodeMirror', { timeout: 20_000 });
    // The example tabs are one click away.
    const tabs = await page.$$eval('.graphiql-tab .graphiql-tab-button', (els) => els.map((e) => e.textContent?.trim()));
    expect(tabs).toEqual(expect.arrayContaining(['Pipeline', 'Breakdown', 'Discards', 'RetryPending', 'Destinations']));
    // Demo mode: the headers editor holds the token.
    const editors = await page.$$eval('.CodeMirror', (els) => els.map((el) => (el as unknown as { CodeMirror: { getValue(): string } }).CodeMirror.getValue()));
    const asJson = (v: string) => {
      try {
        return JSON.parse(v) as unknown;
      } catch {
        return null;
      }
    };
    expect(editors.map(asJson)).toContainEqual({ Authorization: `Bearer ${token}` });

    // Set the editor content (the pipeline example) and run it.
    await page.$eval(
      '.graphiql-query-editor .CodeMirror',
      (el, q) => (el as unknown as { CodeMirror: { setValue(v: string): void } }).CodeMirror.setValue(q),
      IDE_EXAMPLES[0].query,
    );
    await page.click('.graphiql-execute-button');
    await waitForEditor('.graphiql-response .CodeMirror', '"steps"');
    const result = JSON.parse(await editorValue('.graphiql-response .CodeMirror')) as {
      data: { destination: { pipeline: { steps: { label: string; count: number }[] } } };
    };
    const steps = result.data.destination.pipeline.steps;
    expect(steps.find((s) => s.label === 'Successfully received')?.count).toBe(12480);
    expect(steps.find((s) => s.label === 'Successful delivery')?.count).toBe(10133);
    // The number is on screen, not only in the editor's model.
    expect(await page.textContent('.graphiql-response')).toContain('12480');

    fs.mkdirSync(path.dirname(SCREENSHOT), { recursive: true });
    // A stable picture: pointer off the buttons, CodeMirror's delayed fold markers drawn, no caret.
    await page.mouse.move(1395, 855);
    await page.waitForTimeout(1000);
    const shot = await page.screenshot({ animations: 'disabled', caret: 'hide' });
    // docs/ide.png is committed: rewrite it only when the picture really changed, not for
    // the few anti-aliased pixels that differ from run to run.
    const previous = fs.existsSync(SCREENSHOT) ? fs.readFileSync(SCREENSHOT) : null;
    if (!previous || (await differingPixels(browser, previous, shot)) > 500) fs.writeFileSync(SCREENSHOT, shot);

    expect(requests.length).toBeGreaterThan(0);
    expect(requests.filter((u) => !u.startsWith(t.url) && !u.startsWith('data:'))).toEqual([]);
    expect(problems).toEqual([]);
  });

  it('runs the retry-pending subscription over graphql-ws with the token from the headers editor, and stops it', async () => {
    await page.click('.graphiql-tab .graphiql-tab-button:text-is("RetryPending")');
    await waitForEditor('.graphiql-query-editor .CodeMirror', 'retryPendingChanged');
    await page.click('.graphiql-execute-button');
    await waitForEditor('.graphiql-response .CodeMirror', '"count": 80');
    expect(t.gateway.hub.activeSubscriptions).toBe(1);
    const init = wsFrames.map((f) => JSON.parse(f) as { type: string; payload?: unknown }).find((m) => m.type === 'connection_init');
    expect(init?.payload).toEqual({ authorization: `Bearer ${token}` });

    // The same button stops it; the gateway releases the subscription.
    await page.click('.graphiql-execute-button');
    const end = Date.now() + 5000;
    while (t.gateway.hub.activeSubscriptions > 0 && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
    expect(t.gateway.hub.activeSubscriptions).toBe(0);
    expect(problems).toEqual([]);
  });

  it('after a reload, restored tabs still carry the demo token (headers are not persisted)', async () => {
    await page.reload({ waitUntil: 'load' });
    await page.waitForSelector('.graphiql-query-editor .CodeMirror', { timeout: 20_000 });
    const stored = await page.evaluate(() => (window.localStorage as { getItem(k: string): string | null }).getItem('graphiql:tabState'));
    expect(stored).not.toContain(token);
    await page.click('.graphiql-tab .graphiql-tab-button:text-is("Breakdown")');
    await waitForEditor('.graphiql-query-editor .CodeMirror', 'breakdown(');
    await page.click('.graphiql-execute-button');
    await waitForEditor('.graphiql-response .CodeMirror', '"eventName": "Order Completed"');
    expect(problems).toEqual([]);
  });

  it('reports a refused token on the WebSocket as a readable error', async () => {
    const message = await page.evaluate(async () => {
      const ide = (window as unknown as { DeliveryOverviewIde: { fetcher(p: unknown, o: unknown): AsyncIterator<unknown> } }).DeliveryOverviewIde;
      const it = ide.fetcher(
        { query: 'subscription { retryPendingChanged(destinationId: "dst_amplitude") { count } }' },
        { headers: { Authorization: 'Bearer dov_wrong' } },
      );
      try {
        await it.next();
        return 'no error';
      } catch (err) {
        return (err as Error).message;
      }
    });
    expect(message).toMatch(/4403.*refused/);
  });

  it('tells queries, mutations and subscriptions apart like GraphiQL does', async () => {
    const types = await page.evaluate(() => {
      const { operationType } = (window as unknown as { DeliveryOverviewIde: { operationType(q: string, n?: string): string } }).DeliveryOverviewIde;
      return [
        operationType('{ a }'),
        operationType('subscription S { a }'),
        operationType('# subscription\nquery Q($r: In = { x: "subscription" }) { a }'),
        operationType('query A { a } subscription B { b }', 'B'),
        operationType('query A { a } subscription B { b }', 'A'),
        operationType('mutation M { m }'),
        operationType('fragment F on Query { a } subscription { s }'),
        operationType('"""subscription""" query { a }'),
        // A stale name (the previous tab's) falls back to the only operation.
        operationType('subscription RetryPending { a }', 'Pipeline'),
      ];
    });
    expect(types).toEqual(['query', 'subscription', 'query', 'subscription', 'query', 'mutation', 'subscription', 'query', 'subscription']);
  });
});
