import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse, print, type DefinitionNode, type OperationDefinitionNode } from 'graphql';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { backfill } from '../../src/simulate/backfill';
import { DEMO_WORKSPACE } from '../../src/simulate/model';
import { startTestGateway, type TestGateway } from '../helpers/gateway';

/**
 * Every ```graphql example and every curl command of the ```sh examples in README.md and
 * docs/*.md, run as printed against a gateway holding a day of the demo's data (the
 * simulator's backfill, as `npm run demo` has it). Any error answer fails: a GraphQL `errors`
 * entry, an HTTP error status, a curl that fails, an empty trace.
 *
 * What a reader fills in is filled in the same way here, and only this: the demo token (or the
 * root token for the root-only token mutations), $TOKEN and $GQL, the gateway's address for
 * http://127.0.0.1:4000 (and the compose balancer's :8080), and a `…` placeholder id with the
 * id an earlier example of the same block created (`alr_…` the alert rule, `dov_…` the token).
 */
const ROOT = path.resolve(__dirname, '../..');
const FILES = [
  'README.md',
  ...fs
    .readdirSync(path.join(ROOT, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => `docs/${f}`),
];

interface Block {
  file: string;
  line: number;
  lang: string;
  text: string;
}

function blocks(file: string): Block[] {
  const out: Block[] = [];
  const lines = fs.readFileSync(path.join(ROOT, file), 'utf8').split('\n');
  for (let i = 0; i < lines.length; i++) {
    const open = /^```(\w+)\s*$/.exec(lines[i]);
    if (!open) continue;
    const start = i;
    const body: string[] = [];
    for (i++; i < lines.length && !/^```\s*$/.test(lines[i]); i++) body.push(lines[i]);
    // Blocks marked `<!-- docs-example: run -->` run in docs-examples-marked.test.ts, against the data they describe;
    // the README's `gql` template runs below, with every README example pasted into it.
    if (['<!-- docs-example: run -->', GQL_TEMPLATE_MARK].includes(lines[start - 1]?.trim())) continue;
    out.push({ file, line: start + 1, lang: open[1], text: body.join('\n') });
  }
  return out;
}

const GQL_TEMPLATE_MARK = '<!-- docs-example: gql-template -->';
const ALL = FILES.flatMap(blocks);
const GRAPHQL = ALL.filter((b) => b.lang === 'graphql');
/** The curl commands of ```sh blocks: each with its continuation lines and here-document. */
const CURLS = ALL.filter((b) => b.lang === 'sh').flatMap((b) => curlCommands(b).map((command) => ({ ...b, text: command })));

function curlCommands(b: Block): string[] {
  const lines = b.text.split('\n');
  const out: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (!/^\s*curl\s/.test(lines[i])) continue;
    // Assignments just before it (NOW=…) belong to it.
    const prelude = lines.slice(0, i).filter((l) => /^[A-Z_]+=\S/.test(l));
    const command = [lines[i]];
    while (/\\\s*$/.test(command[command.length - 1]) && i + 1 < lines.length) command.push(lines[++i]);
    const heredoc = /<<-?'?(\w+)'?/.exec(command.join('\n'));
    if (heredoc) while (i + 1 < lines.length && command[command.length - 1].trim() !== heredoc[1]) command.push(lines[++i]);
    out.push([...prelude, ...command].join('\n').replace(/\s+#[^'"\n]*$/gm, ''));
  }
  return out;
}

let t: TestGateway;
let demoToken: string;

beforeAll(async () => {
  // No alert evaluation: the examples' webhook and email receivers are not ours to call.
  t = await startTestGateway('docs_examples', { ALERT_EVAL_INTERVAL_MS: '0' });
  demoToken = await t.token(DEMO_WORKSPACE.id, ['read', 'ingest', 'admin']);
  await backfill(t.gateway.db, { workspaceId: DEMO_WORKSPACE.id, days: 1, seed: 42, now: Date.now() });
}, 120_000);
afterAll(async () => t?.close());

it('finds the examples', () => {
  expect(GRAPHQL.length).toBeGreaterThanOrEqual(10);
  expect(CURLS.length).toBeGreaterThanOrEqual(3);
});

/** Fills `"alr_…"`-style placeholders with ids created earlier in the same block. */
function fill(operation: string, created: Map<string, string>, where: string): string {
  return operation.replace(/"([a-z]+_)…"/g, (whole, prefix: string) => {
    const id = created.get(prefix);
    if (!id) throw new Error(`${where}: placeholder ${whole} with no earlier example creating one`);
    return JSON.stringify(id);
  });
}

function remember(data: Record<string, unknown>, created: Map<string, string>): void {
  const rule = data.createAlertRule as { id?: string } | undefined;
  if (rule?.id) created.set('alr_', rule.id);
  if (typeof data.createApiToken === 'string') created.set('dov_', data.createApiToken);
  const replay = data.createReplay as { id?: string } | undefined;
  if (replay?.id) created.set('rpl_', replay.id);
}

async function subscribeOnce(query: string, token: string): Promise<unknown> {
  const client = createClient({
    url: t.gateway.wsUrl,
    webSocketImpl: WebSocket,
    connectionParams: { authorization: `Bearer ${token}` },
    retryAttempts: 0,
    lazy: true,
  });
  try {
    // A value, an error, or (for pushes that only come on a change, like alertEvents) a quiet second.
    return await new Promise<unknown>((resolve, reject) => {
      const timer = setTimeout(() => resolve({ data: {} }), 1000);
      client.subscribe(
        { query },
        { next: (v) => (clearTimeout(timer), resolve(v)), error: (e) => (clearTimeout(timer), reject(e)), complete: () => undefined },
      );
    });
  } finally {
    await client.dispose();
  }
}

function bash(script: string, env: Record<string, string>): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn('bash', ['-euo', 'pipefail', '-c', script], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.on('close', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr });
    });
  });
}

describe.each(GRAPHQL.map((b) => [`${b.file}:${b.line}`, b] as const))('```graphql at %s', (where, block) => {
  it('runs every operation without an error', async () => {
    const created = new Map<string, string>();
    const definitions = parse(block.text).definitions.filter((d: DefinitionNode): d is OperationDefinitionNode => d.kind === 'OperationDefinition');
    expect(definitions.length).toBeGreaterThan(0);
    for (const definition of definitions) {
      const query = fill(print(definition), created, where);
      const rootOnly = definition.selectionSet.selections.some((s) => s.kind === 'Field' && /ApiTokens?$/i.test(s.name.value));
      const token = rootOnly ? t.rootToken : demoToken;
      const answer = (definition.operation === 'subscription' ? await subscribeOnce(query, token) : (await t.gql(token, query)).body) as {
        data?: Record<string, unknown> | null;
        errors?: unknown[];
      };
      expect({ where, query, errors: answer.errors ?? [] }).toEqual({ where, query, errors: [] });
      const data = (answer.data ?? {}) as Record<string, unknown>;
      if ('trace' in data) expect({ where, trace: (data.trace as unknown[]).length > 0 }).toEqual({ where, trace: true });
      remember(data, created);
    }
  });
});

describe.each(CURLS.map((c) => [`${c.file}:${c.line}`, c] as const))('curl in ```sh at %s', (where, example) => {
  it('answers without an error', async () => {
    const script = example.text.replace(/http:\/\/127\.0\.0\.1:(4000|8080)/g, t.url);
    // --fail-with-body: an HTTP error status fails the command, and its body is still shown.
    // Asynchronously: the gateway answering it lives in this process.
    const run = await bash(`curl() { command curl --fail-with-body --silent --show-error "$@"; }\n${script}`, { TOKEN: demoToken, GQL: `${t.url}/graphql` });
    expect({ where, status: run.status, stderr: run.stderr }).toEqual({ where, status: 0, stderr: '' });
    expect(run.stdout).not.toMatch(/"errors?"\s*:/);
  });
});

/** The export examples of docs/api.md (marked, so run above against their own data too), here against the demo's data. */
const EXPORTS = [...fs.readFileSync(path.join(ROOT, 'docs/api.md'), 'utf8').matchAll(/<!-- docs-example: run -->\n```sh\n([\s\S]*?)\n```/g)]
  .map((m) => m[1])
  .filter((code) => code.includes('/v1/export/undelivered'));

describe('the export examples on the demo data', () => {
  it('are found', () => expect(EXPORTS.length).toBeGreaterThanOrEqual(2));

  it.each(EXPORTS.map((code, i) => [i + 1, code] as const))('#%s finds rows (a filter the demo lacks would give an empty file)', async (_n, code) => {
    const work = fs.mkdtempSync(path.join(os.tmpdir(), 'docs-export-'));
    try {
      const run = await bash(`cd ${JSON.stringify(work)}\n${code}`, { GATEWAY: t.url, TOKEN: demoToken });
      expect({ status: run.status, stderr: run.stderr }).toEqual({ status: 0, stderr: '' });
      const files = fs.readdirSync(work);
      const text = files.length === 1 ? fs.readFileSync(path.join(work, files[0]), 'utf8') : run.stdout;
      const rows = text
        .trim()
        .split('\n')
        .filter((l) => l !== '' && !l.startsWith('"messageId"'));
      expect(rows.length).toBeGreaterThan(0);
    } finally {
      fs.rmSync(work, { recursive: true, force: true });
    }
  });
});

/**
 * The README's shell template for GraphQL (`gql() { … }` and `gql <<'EOF' … EOF`), exactly as
 * printed, with each README ```graphql example pasted between its two here-document lines:
 * bash, node and curl against the gateway, as a reader would run them.
 */
const README_TEXT = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
const TEMPLATE = new RegExp(`${GQL_TEMPLATE_MARK}\n\`\`\`sh\n([\\s\\S]*?)\n\`\`\``).exec(README_TEXT)?.[1] ?? '';
const PASTE = /^(gql <<'EOF'\n)([\s\S]*?)(\nEOF)$/m;
const README_GRAPHQL = GRAPHQL.filter((b) => b.file === 'README.md');

function pasted(example: string): string {
  return TEMPLATE.replace(PASTE, (_all, open: string, _sample: string, close: string) => `${open}${example}${close}`);
}

describe("the README's gql template", () => {
  it('is there, with its here-document to paste into, and the README has examples for it', () => {
    expect(TEMPLATE).toMatch(/^gql\(\) \{/);
    expect(PASTE.test(TEMPLATE)).toBe(true);
    expect(README_GRAPHQL.length).toBeGreaterThanOrEqual(5);
  });

  it.each([
    ['its own sample', { file: 'README.md', line: 0, lang: 'graphql', text: PASTE.exec(TEMPLATE)?.[2] ?? '' }] as const,
    ...README_GRAPHQL.map((b) => [`README.md:${b.line}`, b] as const),
  ])('sends %s as printed and gets an answer without errors (a subscription: the refusal that sends it to graphql-ws)', async (where, block) => {
    const run = await bash(pasted(block.text), { TOKEN: demoToken, GQL: `${t.url}/graphql` });
    expect({ where, status: run.status, stderr: run.stderr }).toEqual({ where, status: 0, stderr: '' });
    const answer = JSON.parse(run.stdout) as { data?: Record<string, unknown> | null; errors?: { message: string }[] };
    const subscription = parse(block.text).definitions.some((d) => d.kind === 'OperationDefinition' && d.operation === 'subscription');
    if (subscription) {
      expect(answer.errors?.[0]?.message).toMatch(/over WebSocket/);
      return;
    }
    expect({ where, errors: answer.errors ?? [] }).toEqual({ where, errors: [] });
    expect(Object.keys(answer.data ?? {}).length).toBeGreaterThan(0);
  });
});
