import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import ts from 'typescript';
import { report, sourceReport, startTestGateway, type TestGateway } from '../helpers/gateway';

/**
 * The examples the docs mark `<!-- docs-example: run -->` run as printed against a real
 * gateway holding example data: shell blocks with bash (GATEWAY and TOKEN in the
 * environment, as the docs say), TypeScript blocks compiled and run with node, GraphQL blocks
 * sent with the token.
 */
const run = promisify(execFile);
const ROOT = path.resolve(__dirname, '..', '..');
const DOCS = ['docs/compat-segment.md', 'docs/api.md'];
const MARKER = /<!-- docs-example: run -->\n```(\w+)\n([\s\S]*?)\n```/g;

interface Example {
  doc: string;
  lang: string;
  code: string;
}

function examples(): Example[] {
  return DOCS.flatMap((doc) => [...fs.readFileSync(path.join(ROOT, doc), 'utf8').matchAll(MARKER)].map((m) => ({ doc, lang: m[1], code: m[2] })));
}

let t: TestGateway;
let token: string;
let work: string;

beforeAll(async () => {
  t = await startTestGateway('docs_examples_marked');
  token = await t.token('ws_docs', ['read', 'ingest']);
  const rows = [];
  for (let i = 0; i < 24; i++) {
    const ago = 10 + i * 7;
    const ev = { sourceId: 'src_web', eventName: ['Order Completed', 'Signed Up'][i % 2], appVersion: ['2.3.1', '2.4.0'][i % 2] };
    rows.push(sourceReport({ ...ev, count: 20 }, ago));
    rows.push(report({ ...ev, destinationId: 'dst_amplitude', step: 'delivered', count: 15 }, ago));
    rows.push(report({ ...ev, destinationId: 'dst_amplitude', step: 'failed_delivery', reason: ['400', '429'][i % 2], messageId: `m-${i}` }, ago));
  }
  expect((await t.ingest(token, rows)).status).toBe(200);
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'docs-examples-'));
});
afterAll(async () => {
  await t.close();
  fs.rmSync(work, { recursive: true, force: true });
});

describe('examples in the docs', () => {
  const all = examples();

  it('finds the marked examples (shell, TypeScript and GraphQL)', () => {
    expect(all.length).toBeGreaterThanOrEqual(6);
    expect(new Set(all.map((e) => e.lang))).toEqual(new Set(['sh', 'ts', 'graphql']));
  });

  it.each(all.map((e, i) => [`${e.doc} #${i + 1} (${e.lang})`, e] as const))('%s runs as printed', async (_name, example) => {
    const env = { ...process.env, GATEWAY: t.url, TOKEN: token };
    if (example.lang === 'graphql') {
      const res = await t.gql(token, example.code);
      expect(res.body.errors).toBeUndefined();
      expect(JSON.stringify(res.body.data)).toContain('messageId');
      return;
    }
    let out: { stdout: string };
    if (example.lang === 'sh') {
      out = await run('bash', ['-euo', 'pipefail', '-c', example.code], { cwd: work, env });
    } else {
      // Compiled next to the repository's node_modules so the SDK resolves as it would in a project.
      const js = ts.transpileModule(example.code, {
        compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
      }).outputText;
      const file = path.join(ROOT, '.data-test', `docs-example-${process.pid}.js`);
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, js);
      try {
        out = await run(process.execPath, [file], { cwd: work, env });
      } finally {
        fs.rmSync(file, { force: true });
      }
    }
    // Each prints an answer, or (curl -OJ) saves the file the server named.
    const saved = fs.readdirSync(work).filter((f) => /^undelivered-dst_amplitude-\d{8}T\d{4}Z-\d{8}T\d{4}Z\.csv$/.test(f));
    expect(out.stdout.trim() !== '' || saved.length === 1).toBe(true);
    // A saved file holds rows, not the header line alone (an export filtered on a reason the data lacks would).
    for (const file of saved)
      expect({ file, lines: fs.readFileSync(path.join(work, file), 'utf8').trim().split('\n').length > 1 }).toEqual({ file, lines: true });
    for (const file of saved) fs.rmSync(path.join(work, file));
    expect(out.stdout).not.toMatch(/"errors"|"error"/);
    if (example.lang === 'ts') expect(out.stdout).toMatch(/^failed: [1-9]\d*\n/);
    if (process.env.DOCS_EXAMPLES_VERBOSE) console.log(out.stdout.slice(0, 600), saved);
  });
});
