/**
 * Property-based fuzzing of GraphQL on /graphql (HTTP) and graphql-ws, against one real
 * gateway (embedded chDB).
 *
 *   npx jest test/fuzz/graphql.fuzz.test.ts
 *   FUZZ_SEED=123 npx jest test/fuzz/graphql.fuzz.test.ts        # another reproducible stream
 *   FUZZ_AVOID_KNOWN=1 npx jest test/fuzz/graphql.fuzz.test.ts   # steer around reported failures
 *
 * ≥ 10,000 generated documents over HTTP (4 in flight) and one with every other batch
 * (≥ 500) over two graphql-ws connections: operations built by walking schema/schema.graphql with
 * random and bad arguments and variables, plus deep nesting, alias floods, duplicated
 * fields, fragment cycles and fan-outs, huge variables, NUL and lone surrogates, SQL and
 * `{x:String}` text in every string argument, far ranges and token soup.
 * Properties: no 5xx; every error carries a code of the closed ErrorCode set and never
 * INTERNAL_SERVER_ERROR (client input is never an internal error); no message leaks SQL,
 * engine errors, stack frames or paths; every answer within LATENCY_BUDGET_MS; no
 * unhandled rejection; /healthz 200 afterwards.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import {
  buildSchema,
  getNamedType,
  getOperationAST,
  getVariableValues,
  parse,
  validate,
  isEnumType,
  isInputObjectType,
  isLeafType,
  isListType,
  isNonNullType,
  isObjectType,
  isScalarType,
  type GraphQLArgument,
  type GraphQLInputType,
  type GraphQLObjectType,
} from 'graphql';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { gatewaySchema } from '../../src/graphql/schema';
import { report, startTestGateway, type TestGateway } from '../helpers/gateway';
import { ERROR_CODES, KNOWN, NASTY_FRAGMENTS, echoText, fcParams, leakIn, nastyText, pool, preview, trackUnhandledRejections } from './fuzz-helpers';

// Budget: < 90 s on an idle 2-core machine; generous timeouts for a loaded one.
jest.setTimeout(600_000);

const BATCH = 8; // documents per fast-check run
const IN_FLIGHT = Number(process.env.FUZZ_IN_FLIGHT ?? 4);
const RUNS = Number(process.env.FUZZ_GQL_RUNS ?? 1_260); // × 8 = 10,080 documents over HTTP; 630 over graphql-ws
const MIN_HTTP = 10_000;
const MIN_WS = 500;
/** One answer slower than this means one document can stall the gateway. */
const LATENCY_BUDGET_MS = Number(process.env.FUZZ_LATENCY_BUDGET_MS ?? 5_000);
const WS_TIMEOUT_MS = 15_000;
const SUBSCRIPTION_QUIET_MS = 1_000;
const MAX_WS_PAYLOAD = 200 * 1024; // the server's graphql-ws maxPayload is 256 KiB
const WS_ID = 'ws_fuzz_gql';
const MINUTE = 60_000;
const DAY = 86_400_000;

const schema = buildSchema(readFileSync(path.join(__dirname, '../../schema/schema.graphql'), 'utf8'));

let t: TestGateway;
let token: string;
let rejections: ReturnType<typeof trackUnhandledRejections>;
const clients: Client[] = [];

beforeAll(async () => {
  rejections = trackUnhandledRejections();
  t = await startTestGateway('graphql_fuzz', { QUERY_RATE_PER_SECOND: '0', INGEST_RATE_PER_SECOND: '0' });
  token = await t.token(WS_ID, ['read', 'admin']);
  const ingest = await t.token(WS_ID, ['ingest']);
  const started = new Date(Date.now() - 40 * MINUTE).toISOString();
  const finished = new Date(Date.now() - 35 * MINUTE).toISOString();
  const res = await t.ingest(ingest, [
    { ...report({ step: 'received', sourceId: 'src_web', messageId: 'm-1' }, 20), destinationId: undefined, destinationKind: undefined },
    report({ destinationId: 'dst_classic', sourceId: 'src_web', messageId: 'm-1' }, 20),
    report({ destinationId: 'dst_classic', step: 'failed_delivery', reason: '429', sample: { payload: { a: 1 }, error: 'rate limited' } }, 20),
    report({ destinationId: 'dst_classic', step: 'retry_enqueued', reason: '429', count: 3 }, 20),
    report({ destinationId: 'dst_actions', destinationKind: 'actions', mappingId: 'map_a' }, 20),
    report({ destinationId: 'dst_storage', destinationKind: 'storage' }, 20),
    { type: 'sync', destinationId: 'dst_storage', syncId: 'sync-1', startedAt: started, finishedAt: finished, status: 'partial', reason: 'x', collections: [{ name: 'tracks', rowsSynced: 5, rowsFailed: 1 }] },
  ].map((r) => JSON.parse(JSON.stringify(r))));
  expect(res.status).toBe(200);
  for (let i = 0; i < 2; i++) {
    clients.push(createClient({ url: t.gateway.wsUrl, webSocketImpl: WebSocket, connectionParams: { authorization: `Bearer ${token}` }, retryAttempts: 0, lazy: true, keepAlive: 0 }));
  }
});

afterAll(async () => {
  for (const c of clients) await c.dispose();
  await t?.close();
  rejections?.stop();
});

// ---------------------------------------------------------------------------------------
// Values: strings, ids, times
// ---------------------------------------------------------------------------------------

const IDS = ['dst_classic', 'dst_actions', 'dst_storage', 'map_a', 'src_web', 'sync-1', 'm-1', 'tok_0000', 'dov_x', 'nope', 'a', ''];
const TIME_ZONES = ['UTC', 'Europe/Berlin', 'America/New_York', 'Asia/Kathmandu', 'Australia/Lord_Howe', 'Pacific/Chatham', 'Etc/GMT+12', 'Etc/GMT-14', 'utc', 'Europe/Nowhere', '+02:00', 'GMT', 'Local', ''];

/** A generated document plus everything needed to send and check it. */
interface Doc {
  kind: string;
  query: string;
  /** Raw JSON text per variable (so 1e400, deep nesting and huge values can be expressed). */
  variables?: Record<string, string>;
  operationName?: string | null;
  /** HTTP-only request shapes. */
  shape?: 'post' | 'get' | { contentType: string | null; body: string };
  extensions?: string;
}

/** Consumes a choice sequence (shrinks toward all-zero = the simplest choice everywhere) and a pool of strings. */
class Chooser {
  private i = 0;
  constructor(
    private readonly choices: readonly number[],
    private readonly strings: readonly string[],
  ) {}
  int(n: number): number {
    if (n <= 1) return 0;
    const c = this.choices[this.i++];
    return c === undefined ? 0 : c % n;
  }
  /** True with probability p; false once the choices run out. */
  chance(p: number): boolean {
    return this.int(1000) >= 1000 * (1 - p);
  }
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)];
  }
  str(): string {
    return this.strings.length === 0 ? '' : this.strings[this.int(this.strings.length)];
  }
}

/** GraphQL string literal: JSON escaping (lone surrogates become \uD800 escapes), raw (control characters and lone surrogates unescaped) or a block string. */
function gqlString(s: string, c: Chooser): string {
  const mode = c.int(10);
  if (mode < 7) return JSON.stringify(s);
  if (mode < 9) return `"${s.replace(/[\\"]/g, (m) => `\\${m}`).replace(/\n/g, '\\n').replace(/\r/g, '\\r')}"`;
  return `"""${s.replace(/"""/g, '\\"""')}"""`;
}

function isoAt(ms: number): string {
  return Number.isFinite(ms) && Math.abs(ms) <= 8.64e15 ? new Date(ms).toISOString() : String(ms);
}

function timeValue(c: Chooser, now: number): string {
  switch (c.int(8)) {
    case 0:
    case 1:
    case 2:
      return isoAt(now - c.int(14 * 24 * 60) * MINUTE - c.int(60_000));
    case 3:
      return c.pick(['0001-01-01T00:00:00Z', '1970-01-01T00:00:00Z', '9999-12-31T23:59:59Z', '+275760-09-13T00:00:00.000Z', '-271821-04-20T00:00:00.000Z', '2026-02-30T00:00:00Z', '2026-11-25T10:00:00+14:00', '2026-11-25', 'now', '']);
    case 4:
      return isoAt(now + (c.int(2) === 0 ? 1 : -1) * c.int(100_000) * DAY);
    case 5:
      return isoAt(now - 14 * DAY - c.int(5) * MINUTE + c.int(10) * MINUTE);
    case 6:
      return isoAt(now + c.int(10) * MINUTE);
    default:
      return c.str();
  }
}

// ---------------------------------------------------------------------------------------
// Arguments (literal and variable forms) from the schema's input types
// ---------------------------------------------------------------------------------------

interface Val {
  literal: string;
  json: string;
}
const v = (literal: string, json: string): Val => ({ literal, json });
const strVal = (s: string, c: Chooser): Val => v(gqlString(s, c), JSON.stringify(s));

/** A value of the wrong kind for whatever is expected. */
function badValue(c: Chooser, now: number): Val {
  switch (c.int(12)) {
    case 0: return v('null', 'null');
    case 1: return v('2147483648', '2147483648');
    case 2: return v('-1', '-1');
    case 3: return v('1.5', '1.5');
    case 4: return v('true', 'true');
    case 5: return v('LAST_HOUR', '"LAST_HOUR"');
    case 6: return v('[]', '[]');
    case 7: return v('{}', '{}');
    case 8: return v('{ preset: LAST_HOUR, from: "x" }', '{"preset":"LAST_HOUR","from":"x"}');
    case 9: return strVal(timeValue(c, now), c);
    case 10: return v('9007199254740993', '9007199254740993');
    default: return strVal(c.str(), c);
  }
}

/** A huge or deeply nested variable value (JSON text only). */
function hugeJson(c: Chooser): string {
  switch (c.int(7)) {
    case 0: return JSON.stringify('x'.repeat(1 + c.int(200_000)));
    case 1: return JSON.stringify(Array.from({ length: 1 + c.int(20_000) }, (_, i) => `v${i}`));
    case 2: { const n = 1 + c.int(40_000); return '['.repeat(n) + ']'.repeat(n); }
    case 3: { const n = 1 + c.int(20_000); return '{"a":'.repeat(n) + '1' + '}'.repeat(n); }
    case 4: return c.pick(['1e400', '-1e400', '1e-400', '-0', '18446744073709551616', '0.1e1', '1E2']);
    case 5: return JSON.stringify(Object.fromEntries(Array.from({ length: 1 + c.int(5_000) }, (_, i) => [`k${i}`, i])));
    default: return JSON.stringify(c.str().repeat(1 + c.int(2_000)));
  }
}

function scalarValue(name: string, c: Chooser, now: number): Val {
  switch (name) {
    case 'String':
      return strVal(c.chance(0.7) ? c.str() : c.pick(IDS), c);
    case 'ID':
      if (c.chance(0.1)) { const n = c.int(100); return v(String(n), String(n)); }
      return strVal(c.chance(0.6) ? c.pick(IDS) : c.str(), c);
    case 'Int': {
      const n = c.pick([1, 5, 10, 100, 0, 1000, 1001, -1, 2147483647, -2147483648, 20, 500, 501]);
      return v(String(n), String(n));
    }
    case 'Float': { const f = c.pick(['0', '1.5', '-1e3', '1e308']); return v(f, f); }
    case 'Boolean': { const b = c.chance(0.5) ? 'true' : 'false'; return v(b, b); }
    case 'DateTimeISO': return strVal(timeValue(c, now), c);
    default: return strVal(c.str(), c);
  }
}

function timeRange(c: Chooser, now: number): Val {
  const fields: [string, Val][] = [];
  const enumVal = (name: string) => v(name, JSON.stringify(name));
  const kind = c.int(10);
  if (kind < 5) fields.push(['preset', enumVal(c.pick(['LAST_10_MINUTES', 'LAST_HOUR', 'LAST_24_HOURS', 'LAST_7_DAYS', 'LAST_2_WEEKS']))]);
  else if (kind < 8) fields.push(['from', strVal(timeValue(c, now), c)], ['to', strVal(timeValue(c, now), c)]);
  else if (kind === 8) fields.push(['preset', enumVal('LAST_HOUR')], ['from', strVal(timeValue(c, now), c)]);
  if (c.chance(0.3)) fields.push(['timeZone', strVal(c.chance(0.6) ? c.pick(TIME_ZONES) : c.str(), c)]);
  if (c.chance(0.2)) fields.push(['lookback', c.chance(0.5) ? v('true', 'true') : v('false', 'false')]);
  if (c.chance(0.05)) fields.push(['bogus', v('1', '1')]);
  return v(`{ ${fields.map(([k, x]) => `${k}: ${x.literal}`).join(', ')} }`, `{${fields.map(([k, x]) => `${JSON.stringify(k)}:${x.json}`).join(',')}}`);
}

function inputValue(type: GraphQLInputType, c: Chooser, now: number, depth = 0): Val {
  if (c.chance(0.06)) return badValue(c, now);
  if (isNonNullType(type)) return inputValue(type.ofType, c, now, depth);
  if (isListType(type)) {
    if (c.chance(0.15)) return inputValue(type.ofType, c, now, depth + 1); // a single value coerces to a list
    const n = c.chance(0.05) ? 101 + c.int(50) : c.int(4);
    const items = Array.from({ length: n }, () => inputValue(type.ofType, c, now, depth + 1));
    return v(`[${items.map((x) => x.literal).join(', ')}]`, `[${items.map((x) => x.json).join(',')}]`);
  }
  if (isEnumType(type)) {
    const values = type.getValues().map((e) => e.name);
    const name = c.chance(0.9) ? c.pick(values) : c.pick(['RETRY_PENDING', 'received', 'NOPE', 'LAST_HOUR', 'EVENT_TYPE', 'true', 'null']);
    return v(name, JSON.stringify(name));
  }
  if (isScalarType(type)) return scalarValue(type.name, c, now);
  if (isInputObjectType(type)) {
    if (type.name === 'TimeRangeInput' && c.chance(0.85)) return timeRange(c, now);
    const fields = Object.values(type.getFields()).filter((f) => isNonNullType(f.type) || c.chance(0.5));
    const parts = fields.map((f) => [f.name, depth > 3 ? v('null', 'null') : inputValue(f.type, c, now, depth + 1)] as const);
    if (c.chance(0.05)) parts.push(['unknownField', v('1', '1')] as const);
    return v(`{ ${parts.map(([k, x]) => `${k}: ${x.literal}`).join(', ')} }`, `{${parts.map(([k, x]) => `${JSON.stringify(k)}:${x.json}`).join(',')}}`);
  }
  return badValue(c, now);
}

/** A type string for a variable: usually the argument's own, sometimes a wrong one. */
function variableType(type: GraphQLInputType, c: Chooser): string {
  if (c.chance(0.85)) return String(type);
  return c.pick(['String', 'String!', 'Int', 'Int!', 'ID', '[String!]', 'TimeRangeInput', 'Boolean!', 'Unknown', 'DateTimeISO', 'SafeInt', String(type).replace(/!$/, '')]);
}

interface Build {
  c: Chooser;
  now: number;
  vars: { name: string; type: string; json: string; defaultLiteral?: string }[];
  aliases: number;
  fragments: string[];
  maxDepth: number;
  forWs: boolean;
}

function argumentsFor(args: readonly GraphQLArgument[], b: Build): string {
  const { c } = b;
  const parts: string[] = [];
  for (const a of args) {
    const required = isNonNullType(a.type) && a.defaultValue === undefined;
    const forced = KNOWN.discardReasonsWithoutStep && a.name === 'step' && a.type.toString() === 'PipelineStepKind';
    if (!required && !forced && !c.chance(0.5)) continue;
    if (required && c.chance(0.03)) continue; // a missing required argument
    if (!forced && c.chance(0.25)) {
      const name = `v${b.vars.length}`;
      const type = variableType(a.type, c);
      const value = inputValue(a.type, c, b.now);
      const json = c.chance(0.05) ? hugeJson(c) : c.chance(0.05) ? badValue(c, b.now).json : value.json;
      const omitted = c.chance(0.05);
      b.vars.push({ name, type, json: omitted ? '' : json, defaultLiteral: c.chance(0.05) ? value.literal : undefined });
      parts.push(`${a.name}: $${c.chance(0.02) ? 'undeclared' : name}`);
    } else {
      parts.push(`${a.name}: ${inputValue(a.type, c, b.now).literal}`);
    }
  }
  if (c.chance(0.03)) parts.push(`${c.pick(['bogus', 'first', 'range', 'limit', 'id'])}: ${badValue(c, b.now).literal}`);
  if (parts.length === 0) return '';
  return `(${parts.join(', ')})`;
}

const DIRECTIVES = ['@include(if: true)', '@include(if: false)', '@skip(if: true)', '@skip(if: false)', '@deprecated', '@unknown', '@include', '@skip(if: "yes")', '@specifiedBy(url: "x")'];

function selectionSet(type: GraphQLObjectType, depth: number, b: Build): string {
  const { c } = b;
  const fields = Object.values(type.getFields());
  const n = 1 + c.int(3);
  const parts: string[] = [];
  for (let k = 0; k < n; k++) {
    if (c.chance(0.04)) { parts.push('__typename'); continue; }
    if (c.chance(0.02)) { parts.push(c.pick(['bogus', 'SELECT', 'id', 'count', 'steps', '__schema { queryType { name } }', '__type(name: "Destination") { name fields { name } }'])); continue; }
    const f = c.pick(fields);
    const alias = c.chance(0.08) ? `a${b.aliases++}: ` : '';
    const args = argumentsFor(f.args, b);
    const directive = c.chance(0.03) ? ` ${c.pick(DIRECTIVES)}` : '';
    const named = getNamedType(f.type);
    let sub = '';
    if (isObjectType(named)) {
      if (!c.chance(0.02)) sub = depth >= b.maxDepth ? ' { __typename }' : ` { ${selectionSet(named, depth + 1, b)} }`;
    } else if (isLeafType(named) && c.chance(0.02)) sub = ' { id }';
    let sel = `${alias}${f.name}${args}${directive}${sub}`;
    if (c.chance(0.04)) sel = `... on ${type.name} { ${sel} }`;
    else if (c.chance(0.03)) {
      const name = `F${b.fragments.length}`;
      b.fragments.push(`fragment ${name} on ${c.chance(0.9) ? type.name : c.pick(['Query', 'Source', 'Nope'])} { ${sel} }`);
      sel = `...${name}`;
    }
    parts.push(sel);
  }
  return parts.join(' ');
}

/** A random operation walked from the schema. */
function schemaDoc(choices: number[], strings: string[], forWs: boolean): Doc {
  const c = new Chooser(choices, strings);
  const b: Build = { c, now: Date.now(), vars: [], aliases: 0, fragments: [], maxDepth: 2 + c.int(4), forWs };
  const kinds: ('query' | 'mutation' | 'subscription')[] = ['query', 'query', 'query', 'query', 'query', 'query', 'mutation'];
  if (forWs || !KNOWN.subscriptionOverHttp) kinds.push('subscription', 'subscription');
  const kind = c.pick(kinds);
  const root = kind === 'query' ? schema.getQueryType()! : kind === 'mutation' ? schema.getMutationType()! : schema.getSubscriptionType()!;
  const body = selectionSet(root, 1, b);
  const name = c.chance(0.3) ? `Op${c.int(3)}` : '';
  const declared = b.vars.map((x) => `$${x.name}: ${x.type}${x.defaultLiteral ? ` = ${x.defaultLiteral}` : ''}`);
  const header = declared.length > 0 || name ? `${kind} ${name}${declared.length ? `(${declared.join(', ')})` : ''}` : kind === 'query' && c.chance(0.5) ? '' : kind;
  let query = `${header} { ${body} } ${b.fragments.join(' ')}`.trim();
  let operationName: string | null | undefined;
  if (c.chance(0.04)) {
    query += ` query Other { __typename }`;
    operationName = c.chance(0.5) ? (name || 'Other') : c.pick([null, 'Missing', '']);
  }
  const variables: Record<string, string> = {};
  for (const x of b.vars) if (x.json !== '') variables[x.name] = x.json;
  if (c.chance(0.03)) variables.unused = hugeJson(c);
  return { kind: `schema:${kind}`, query, variables, operationName };
}

// ---------------------------------------------------------------------------------------
// Classic attacks
// ---------------------------------------------------------------------------------------

/** Fields that cost no engine query (or one batched catalog lookup), for the floods. */
const cheapFields = ['__typename', KNOWN.discardReasonsWithoutStep ? 'discardReasons(step: FAILED_DELIVERY) { code }' : 'discardReasons { code }', '__schema { queryType { name } }', '__type(name: "Destination") { name }'];

const deepNesting = fc.record({ n: fc.integer({ min: 1, max: 60 }), style: fc.constantFrom('introspection', 'inline', 'braces', 'lists', 'fragments') }).map(({ n, style }): Doc => {
  switch (style) {
    case 'introspection':
      return { kind: 'attack:deep', query: `{ __schema { types { fields { type { ${'ofType { '.repeat(n)}name${' }'.repeat(n)} } } } } }` };
    case 'inline':
      return { kind: 'attack:deep', query: `{ ${'... on Query { '.repeat(n * 10)}__typename${' }'.repeat(n * 10)} }` };
    case 'braces':
      return { kind: 'attack:deep', query: `${'{ '.repeat(n * 20)}__typename${' }'.repeat(n * 20)}` };
    case 'lists':
      return { kind: 'attack:deep', query: `{ trace(messageId: ${'['.repeat(n * 10)}"x"${']'.repeat(n * 10)}) { step } }` };
    default: {
      const frags = Array.from({ length: n }, (_, i) => `fragment N${i} on Destination { id ${i + 1 < n ? `sources { id } ...N${i + 1}` : ''} }`);
      return { kind: 'attack:deep', query: `{ destinations { ...N0 } } ${frags.join(' ')}` };
    }
  }
});

const aliasFlood = fc.record({ n: fc.integer({ min: 1, max: 400 }), field: fc.constantFrom(...cheapFields), nested: fc.boolean() }).map(({ n, field, nested }): Doc => {
  const inner = Array.from({ length: n }, (_, i) => `a${i}: ${field}`).join(' ');
  return { kind: 'attack:aliases', query: nested ? `{ destinations { ${Array.from({ length: n }, (_, i) => `b${i}: id`).join(' ')} } }` : `{ ${inner} }` };
});

const duplicatedFields = fc.record({ n: fc.integer({ min: 2, max: 2_000 }), field: fc.constantFrom(...cheapFields, 'destinations { id name kind }', 'trace(messageId: "a") { step } trace(messageId: "b") { step }') }).map(
  ({ n, field }): Doc => ({ kind: 'attack:duplicates', query: `{ ${Array.from({ length: n }, () => field).join(' ')} }` }),
);

const fragmentCycles = fc.record({ n: fc.integer({ min: 1, max: 50 }), style: fc.constantFrom('self', 'ring', 'unknown', 'unused', 'wrongType', 'mutual') }).map(({ n, style }): Doc => {
  switch (style) {
    case 'self':
      return { kind: 'attack:cycle', query: '{ ...A } fragment A on Query { __typename ...A }' };
    case 'ring': {
      const frags = Array.from({ length: n }, (_, i) => `fragment R${i} on Query { __typename ...R${(i + 1) % n} }`);
      return { kind: 'attack:cycle', query: `{ ...R0 } ${frags.join(' ')}` };
    }
    case 'unknown':
      return { kind: 'attack:cycle', query: '{ ...Missing }' };
    case 'unused':
      return { kind: 'attack:cycle', query: `{ __typename } ${Array.from({ length: n }, (_, i) => `fragment U${i} on Query { __typename }`).join(' ')}` };
    case 'wrongType':
      return { kind: 'attack:cycle', query: '{ ...W } fragment W on Destination { id }' };
    default:
      return { kind: 'attack:cycle', query: `{ destinations { ...M1 } } fragment M1 on Destination { sources { ...M2 } } fragment M2 on Source { id } fragment M3 on Destination { ...M1 ...M3 }` };
  }
});

/** Each fragment spreads the previous one `width` times: width^n paths for naive walkers. */
const fragmentFanOut = fc.record({ n: fc.integer({ min: 1, max: KNOWN.fragmentFanOut ? 9 : 20 }), width: fc.constantFrom(2, 2, 3), base: fc.constantFrom('Query', 'Destination') }).map(({ n, width, base }): Doc => {
  const n2 = width === 3 ? Math.min(n, KNOWN.fragmentFanOut ? 6 : 13) : n;
  const leaf = base === 'Query' ? '__typename' : 'id';
  const frags = [`fragment L0 on ${base} { ${leaf} }`];
  for (let i = 1; i <= n2; i++) frags.push(`fragment L${i} on ${base} { ${Array.from({ length: width }, () => `...L${i - 1}`).join(' ')} }`);
  const root = base === 'Query' ? `{ ...L${n2} }` : `{ destination(id: "nope") { ...L${n2} } }`;
  return { kind: `attack:fanout:${width}^${n2}`, query: `${root} ${frags.join(' ')}` };
});

const hugeVariables = fc.record({ choices: fc.array(fc.nat(), { maxLength: 20 }), which: fc.constantFrom('messageId', 'range', 'filter', 'first', 'id', 'extra') }).map(({ choices, which }): Doc => {
  const c = new Chooser(choices, ['x']);
  const q: Record<string, string> = {
    messageId: 'query($v: String!) { trace(messageId: $v) { step } }',
    range: 'query($v: TimeRangeInput!) { destination(id: "dst_classic") { pipeline(range: $v) { from } } }',
    filter: 'query($v: EventFilter) { destination(id: "dst_classic") { breakdown(step: SUCCESSFUL_DELIVERY, range: { preset: LAST_HOUR }, filter: $v) { count } } }',
    first: 'query($v: Int!) { destination(id: "dst_classic") { breakdown(step: SUCCESSFUL_DELIVERY, range: { preset: LAST_HOUR }, first: $v) { count } } }',
    id: 'query($v: ID!) { destination(id: $v) { id } }',
    extra: '{ __typename }',
  };
  const value = which === 'filter' && c.chance(0.5) ? `{"eventNames":${hugeJson(c)}}` : hugeJson(c);
  return { kind: 'attack:huge-variables', query: q[which], variables: { [which === 'extra' ? 'x' : 'v']: value } };
});

/** Every string argument of the schema gets the same nasty text, as a literal or a variable. */
const stringEverywhere = fc.record({ s: fc.oneof(nastyText(60, { lone: 'any' }), fc.constantFrom(...NASTY_FRAGMENTS)), asVariable: fc.boolean(), escape: fc.constantFrom('json', 'raw') }).map(({ s, asVariable, escape }): Doc => {
  const lit = escape === 'json' ? JSON.stringify(s) : `"${s.replace(/[\\"]/g, (m) => `\\${m}`).replace(/\n/g, '\\n').replace(/\r/g, '\\r')}"`;
  const x = asVariable ? '$s' : lit;
  const xs = asVariable ? '[$s]' : `[${lit}]`;
  const range = `{ preset: LAST_HOUR, timeZone: ${x} }`;
  const query = `${asVariable ? 'query($s: String!, $id: ID!)' : ''} {
    trace(messageId: ${x}) { step }
    destination(id: ${asVariable ? '$id' : lit}) { id }
    d: destination(id: "dst_classic") {
      breakdown(step: FAILED_DELIVERY, reason: ${x}, range: { preset: LAST_HOUR }, filter: { eventNames: ${xs}, eventTypes: ${xs}, appVersions: ${xs} }) { count }
      pipeline(range: ${range}) { from }
      discards(step: FAILED_DELIVERY, range: { preset: LAST_HOUR }, filter: { eventNames: ${xs} }) { count }
    }
  }`;
  return { kind: 'attack:strings', query, variables: asVariable ? { s: JSON.stringify(s), id: JSON.stringify(s) } : {} };
});

const farRanges = fc
  .record({ choices: fc.array(fc.nat(), { minLength: 4, maxLength: 12 }), field: fc.constantFrom('pipeline(range: $r) { from to steps { count } }', 'breakdown(step: SUCCESSFUL_DELIVERY, range: $r) { count }', 'timeseries(step: SUCCESSFUL_DELIVERY, range: $r, granularity: MINUTE) { total }', 'timeseries(step: SUCCESSFUL_DELIVERY, range: $r, granularity: DAY, groupBy: [EVENT_NAME]) { total }', 'syncs(range: $r) { id }', 'insights(range: $r) { count }', 'discards(step: FAILED_DELIVERY, range: $r) { count }') })
  .map(({ choices, field }): Doc => {
    const c = new Chooser(choices, ['x']);
    const now = Date.now();
    const r = { from: timeValue(c, now), to: timeValue(c, now), ...(c.chance(0.4) ? { timeZone: c.pick(TIME_ZONES) } : {}), ...(c.chance(0.3) ? { lookback: false } : {}) };
    return { kind: 'attack:far-range', query: `query($r: TimeRangeInput!) { destination(id: "${c.pick(['dst_classic', 'dst_storage', 'dst_actions'])}") { ${field} } }`, variables: { r: JSON.stringify(r) } };
  });

const SOUP = ['{', '}', '(', ')', '[', ']', ':', '$', '!', '=', '@', '...', '|', '&', ',', 'query', 'mutation', 'subscription', 'fragment', 'on', 'true', 'false', 'null', 'destination', 'destinations', 'trace', 'id', 'sources', 'pipeline', 'range', 'preset', 'LAST_HOUR', 'steps', 'count', '__schema', '__typename', '"x"', '""', '"""b"""', '1', '-1', '1.5e3', '0x1', '#c\n', '\n', '\t', '\u0000', '\ufeff', '"\\u0000"', '"\\ud800"', '\ud800', '😀', "'", '`', 'SELECT', '{x:String}', 'a:', '$v:', 'Int!', 'String'];
const tokenSoup = fc.oneof(
  { weight: 4, arbitrary: fc.array(fc.constantFrom(...SOUP), { maxLength: 80 }).map((ts): Doc => ({ kind: 'attack:soup', query: ts.join(' ') })) },
  { weight: 1, arbitrary: fc.array(fc.constantFrom(...SOUP), { minLength: 1, maxLength: 5 }).map((ts): Doc => ({ kind: 'attack:soup-long', query: `{ ${Array.from({ length: 1200 }, (_, i) => ts[i % ts.length]).join(' ')} }` })) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 200 }).map((s): Doc => ({ kind: 'attack:junk', query: s })) },
  { weight: 1, arbitrary: fc.constantFrom('', ' ', '#only a comment', '{}', '{ }', 'query', '{ __typename', '}', 'query Q($a: Int = 1, $a: Int) { __typename }', '{ a: __typename a: __typename }', '{ __typename @skip(if: true) @skip(if: true) }').map((q): Doc => ({ kind: 'attack:tiny', query: q })) },
  { weight: 1, arbitrary: fc.integer({ min: 4_990, max: 5_010 }).map((n): Doc => ({ kind: `attack:tokens:${n}`, query: `{ ${'__typename '.repeat(n - 2)}}` })) },
);

/** Request shapes around the document (HTTP only). */
const httpShape = fc.oneof(
  { weight: 40, arbitrary: fc.constant('post' as const) },
  { weight: 2, arbitrary: fc.constant('get' as const) },
  {
    weight: 3,
    arbitrary: fc.constantFrom(
      { contentType: 'text/plain', body: '{"query":"{ __typename }"}' },
      { contentType: 'application/graphql', body: '{ __typename }' },
      { contentType: null, body: '{"query":"{ __typename }"}' },
      { contentType: 'application/x-www-form-urlencoded', body: 'query=%7B__typename%7D' },
      { contentType: 'application/json', body: '' },
      { contentType: 'application/json', body: 'null' },
      { contentType: 'application/json', body: '[{"query":"{ __typename }"},{"query":"{ __typename }"}]' },
      { contentType: 'application/json', body: '{"query":5}' },
      { contentType: 'application/json', body: '{"query":"{ __typename }","variables":"{}"}' },
      { contentType: 'application/json', body: '{"query":"{ __typename }","variables":[1]}' },
      { contentType: 'application/json', body: '{"query":"{ __typename }","operationName":5}' },
      { contentType: 'application/json', body: '{"query":"{ __typename }","extensions":5}' },
      { contentType: 'application/json', body: '{"extensions":{"persistedQuery":{"version":1,"sha256Hash":"abc"}}}' },
      ...(KNOWN.persistedQueryMismatch ? [] : [{ contentType: 'application/json', body: '{"query":"{ __typename }","extensions":{"persistedQuery":{"version":1,"sha256Hash":"abc"}}}' }]),
      { contentType: 'application/json', body: '{"query":"{ __typename }"' },
      { contentType: 'application/json', body: '{"query":"{ __typename }","variables":{"__proto__":{"polluted":1}}}' },
      { contentType: 'application/json; charset=utf-16', body: '{"query":"{ __typename }"}' },
    ),
  },
);

/**
 * Weights: a document that reaches the engine costs tens of ms of engine time (queries run
 * one at a time in the embedded engine); one refused before execution ~1 ms. About a
 * quarter of all documents execute.
 */
const docArb: fc.Arbitrary<Doc> = fc.oneof(
  // First: where shrinking takes the innocent documents of a failing batch (a cheap parse error).
  { weight: 14, arbitrary: tokenSoup },
  { weight: 8, arbitrary: fc.tuple(fc.array(fc.nat(), { maxLength: 200, size: 'max' }), fc.array(fc.oneof(nastyText(40, { lone: 'any' }), fc.constantFrom(...NASTY_FRAGMENTS, ...IDS)), { minLength: 1, maxLength: 8 })).map(([choices, strings]) => schemaDoc(choices, strings, false)) },
  { weight: 4, arbitrary: deepNesting },
  { weight: 4, arbitrary: aliasFlood },
  { weight: 3, arbitrary: duplicatedFields },
  { weight: 3, arbitrary: fragmentCycles },
  { weight: 3, arbitrary: fragmentFanOut },
  { weight: 2, arbitrary: hugeVariables },
  { weight: 1, arbitrary: stringEverywhere },
  { weight: 1, arbitrary: farRanges },);
const httpDocArb = fc.tuple(docArb, httpShape).map(([doc, shape]) => ({ ...doc, shape }));
/** Over graphql-ws: the same families, subscriptions included. */
const wsDocArb: fc.Arbitrary<Doc> = fc.oneof(
  { weight: 3, arbitrary: docArb },
  { weight: 1, arbitrary: fc.tuple(fc.array(fc.nat(), { maxLength: 200, size: 'max' }), fc.array(fc.oneof(nastyText(40, { lone: 'any' }), fc.constantFrom(...NASTY_FRAGMENTS, ...IDS)), { minLength: 1, maxLength: 8 })).map(([choices, strings]) => schemaDoc(choices, strings, true)) },
);

// ---------------------------------------------------------------------------------------
// Sending and checking
// ---------------------------------------------------------------------------------------

const stats = { http: 0, ws: 0, slowBatches: 0, httpMs: 0, wsMs: 0, dbQueries: 0, dbMs: 0, dbByFamily: {} as Record<string, number>, msByKind: {} as Record<string, number>, slow: [] as { ms: number; kind: string; query: string }[], byStatus: {} as Record<string, number>, byCode: {} as Record<string, number>, byKind: {} as Record<string, number>, slowest: { ms: 0, kind: '' } };

function requestBody(doc: Doc): string {
  const vars = Object.entries(doc.variables ?? {}).map(([k, json]) => `${JSON.stringify(k)}:${json}`).join(',');
  const parts = [`"query":${JSON.stringify(doc.query)}`, `"variables":{${vars}}`];
  if (doc.operationName !== undefined) parts.push(`"operationName":${JSON.stringify(doc.operationName)}`);
  return `{${parts.join(',')}}`;
}

function docFailure(doc: Doc, why: string, answer: string): Error {
  return new Error(`${why}\n  kind: ${doc.kind}\n  query: ${preview(doc.query, 1500)}\n  variables: ${preview(doc.variables ?? {}, 600)}\n  operationName: ${preview(doc.operationName)}\n  shape: ${preview(doc.shape)}\n  → ${preview(answer, 1200)}`);
}

/**
 * True when graphql-js itself refuses the request at execution: the document parses and
 * validates, but no single operation is selected or the variables do not coerce.
 */
const requestLevelErrors = new WeakMap<Doc, boolean>();
function requestLevelError(doc: Doc): boolean {
  let known = requestLevelErrors.get(doc);
  if (known === undefined) requestLevelErrors.set(doc, (known = computeRequestLevelError(doc)));
  return known;
}
function computeRequestLevelError(doc: Doc): boolean {
  // The gateway's executable schema (its scalars' parseValue included) is the oracle here.
  const schema = gatewaySchema();
  try {
    const document = parse(doc.query);
    if (validate(schema, document).length > 0) return false;
    const op = getOperationAST(document, doc.operationName ?? undefined);
    if (!op) return true;
    const variables = JSON.parse(`{${Object.entries(doc.variables ?? {}).map(([k, j]) => `${JSON.stringify(k)}:${j}`).join(',')}}`);
    return 'errors' in getVariableValues(schema, op.variableDefinitions ?? [], variables, { maxErrors: 50 });
  } catch {
    return false;
  }
}

/** The checks shared by both transports, for one list of GraphQL errors. */
function checkErrors(doc: Doc, errors: unknown, answer: string, sentText: string, transport: 'http' | 'ws' = 'http'): void {
  if (errors === undefined) return;
  if (!Array.isArray(errors) || errors.length === 0) throw docFailure(doc, '`errors` must be a non-empty list', answer);
  const list = errors as { message?: unknown; extensions?: Record<string, unknown> }[];
  for (const [i, e] of list.entries()) {
    const code = e?.extensions?.code;
    stats.byCode[String(code)] = (stats.byCode[String(code)] ?? 0) + 1;
    if (typeof e?.message !== 'string') throw docFailure(doc, 'an error without a message', answer);
    if (typeof code !== 'string' || !ERROR_CODES.has(code)) throw docFailure(doc, `extensions.code ${preview(code)} is not in the ErrorCode enum`, answer);
    const tolerated = (transport === 'ws' && KNOWN.wsRequestErrorsInternal && requestLevelError(doc)) || (KNOWN.variableErrorLimitInternal && list.length > 50 && i === list.length - 1);
    if (code === 'INTERNAL_SERVER_ERROR' && !tolerated) throw docFailure(doc, `INTERNAL_SERVER_ERROR for client input (${transport})`, answer);
    const leak = leakIn(`${e.message} ${JSON.stringify(e.extensions)}`, echoText(sentText), [t.gateway.db.database]);
    if (leak) throw docFailure(doc, `an error leaks internals (${leak})`, answer);
  }
}

const ALLOWED_STATUS = new Set([200, 400, 405, 413, 415]);

/** Sends one document over HTTP, checks the answer, and returns how long it took. */
async function sendHttp(doc: Doc): Promise<number> {
  const headers: Record<string, string> = { authorization: `Bearer ${token}` };
  let url = `${t.url}/graphql`;
  let init: RequestInit;
  let sent: string;
  const shape = doc.shape ?? 'post';
  // GET only for URLs well under Node's 16 KiB header limit (beyond it Node answers 431 before the gateway sees the request).
  if (shape === 'get' && requestBody(doc).length < 3_000) {
    const params = new URLSearchParams({ query: doc.query, variables: `{${Object.entries(doc.variables ?? {}).map(([k, j]) => `${JSON.stringify(k)}:${j}`).join(',')}}` });
    if (doc.operationName) params.set('operationName', doc.operationName);
    url += `?${params}`;
    headers['apollo-require-preflight'] = 'true';
    init = { method: 'GET', headers };
    sent = `${doc.query} ${params.get('variables')} ${doc.operationName ?? ''}`;
  } else if (typeof shape === 'object') {
    if (shape.contentType !== null) headers['content-type'] = shape.contentType;
    init = { method: 'POST', headers, body: Buffer.from(shape.body) };
    sent = shape.body;
  } else {
    headers['content-type'] = 'application/json';
    sent = requestBody(doc);
    init = { method: 'POST', headers, body: sent };
  }
  const started = performance.now();
  if (process.env.FUZZ_TRACE) require('node:fs').appendFileSync(process.env.FUZZ_TRACE, `> http ${doc.kind} ${sent.length} ${JSON.stringify({ doc })}\n`);
  const res = await fetch(url, init);
  const text = await res.text();
  const ms = performance.now() - started;
  if (process.env.FUZZ_TRACE) require('node:fs').appendFileSync(process.env.FUZZ_TRACE, `< http ${Math.round(ms)} ms ${res.status}\n`);
  stats.http++;
  stats.byStatus[res.status] = (stats.byStatus[res.status] ?? 0) + 1;
  stats.byKind[doc.kind.split(':').slice(0, 2).join(':')] = (stats.byKind[doc.kind.split(':').slice(0, 2).join(':')] ?? 0) + 1;
  if (ms > stats.slowest.ms) stats.slowest = { ms: Math.round(ms), kind: doc.kind };
  const k2 = doc.kind.split(':').slice(0, 2).join(':');
  stats.msByKind[k2] = Math.round((stats.msByKind[k2] ?? 0) + ms);
  if (process.env.FUZZ_PROFILE && ms > 300) stats.slow.push({ ms: Math.round(ms), kind: doc.kind, query: doc.query.slice(0, 300) });
  const answer = `${res.status} ${text}`;
  if (res.status >= 500) throw docFailure(doc, `HTTP ${res.status} for client input`, answer);
  if (!ALLOWED_STATUS.has(res.status)) throw docFailure(doc, `HTTP ${res.status} is not one of ${[...ALLOWED_STATUS].join(', ')}`, answer);
  let body: Record<string, unknown>;
  try {
    body = JSON.parse(text);
  } catch {
    throw docFailure(doc, 'the body is not JSON', answer);
  }
  if (body.error !== undefined) {
    // Answers from outside GraphQL (body too large, wrong method): { error: { code } }.
    const code = (body.error as Record<string, unknown>)?.code;
    if (typeof code !== 'string' || !ERROR_CODES.has(code) || code === 'INTERNAL_SERVER_ERROR') throw docFailure(doc, `error.code ${preview(code)}`, answer);
    return ms;
  }
  if (res.status !== 200 && body.errors === undefined) throw docFailure(doc, `HTTP ${res.status} without errors`, answer);
  checkErrors(doc, body.errors, answer, sent);
  return ms;
}

/**
 * Latency: when an answer of a concurrent batch was over budget, each document is sent
 * again alone; only a document that is over budget by itself fails (one request can
 * stall every other), not a batch that was merely slow together on a busy machine.
 */
async function checkLatency(docs: Doc[], times: number[]): Promise<void> {
  if (times.every((ms) => ms <= LATENCY_BUDGET_MS)) return;
  stats.slowBatches++;
  for (const doc of docs) {
    const alone = await sendHttp(doc);
    if (alone > LATENCY_BUDGET_MS) throw docFailure(doc, `answered after ${Math.round(alone)} ms when sent alone (budget ${LATENCY_BUDGET_MS} ms): one document stalls the gateway`, '');
  }
}

let wsTurn = 0;
let runNo = 0;

type WsOutcome = { errors?: unknown; closed?: unknown; timeout?: boolean; answer: string };

/**
 * The graphql-ws protocol by hand on a fresh socket, for payloads the client library cannot
 * serialize (variables nested deeper than JSON.stringify's stack allows): the frame is built
 * from the raw JSON text.
 */
function rawWsOperation(payloadText: string): Promise<WsOutcome> {
  return new Promise((resolve) => {
    const socket = new WebSocket(t.gateway.wsUrl, 'graphql-transport-ws');
    let settled = false;
    const finish = (o: WsOutcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.close();
      resolve(o);
    };
    const timer = setTimeout(() => finish({ timeout: true, answer: 'no answer' }), WS_TIMEOUT_MS);
    socket.on('open', () => socket.send(JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${token}` } })));
    socket.on('message', (data) => {
      const msg = JSON.parse(String(data)) as { type: string; payload?: unknown };
      if (msg.type === 'connection_ack') socket.send(`{"id":"1","type":"subscribe","payload":${payloadText}}`);
      else if (msg.type === 'next') finish({ errors: (msg.payload as { errors?: unknown }).errors, answer: String(data) });
      else if (msg.type === 'error') finish({ errors: msg.payload, answer: String(data) });
      else if (msg.type === 'complete') finish({ answer: 'complete' });
    });
    socket.on('close', (code, reason) => finish({ closed: code, answer: `${code} ${reason}` }));
    socket.on('error', (err) => finish({ closed: err, answer: String(err) }));
  });
}

/** One operation over graphql-ws: the first result (or error), then unsubscribe. */
async function sendWs(doc: Doc): Promise<void> {
  const text = requestBody(doc);
  if (Buffer.byteLength(text) > MAX_WS_PAYLOAD) return;
  const payload = JSON.parse(text) as { query: string; variables: Record<string, unknown>; operationName?: string | null };
  let serializable = true;
  try {
    JSON.stringify(payload);
  } catch {
    serializable = false;
  }
  // A subscription that parses and validates may legitimately stay silent (an event stream
  // with no events yet): after SUBSCRIPTION_QUIET_MS without a message it counts as accepted.
  let subscription = false;
  try {
    const document = parse(payload.query);
    subscription = validate(gatewaySchema(), document).length === 0 && getOperationAST(document, payload.operationName ?? undefined)?.operation === 'subscription';
  } catch {
    /* not a valid document: an answer is due */
  }
  const client = clients[wsTurn++ % clients.length];
  if (process.env.FUZZ_TRACE) require('node:fs').appendFileSync(process.env.FUZZ_TRACE, `> ws ${doc.kind} ${text.length} ${JSON.stringify({ doc })}\n`);
  const outcome = !serializable ? await rawWsOperation(text) : await new Promise<WsOutcome>((resolve) => {
    let settled = false;
    let dispose: () => void = () => {};
    const timer = setTimeout(() => finish(subscription ? { answer: 'silent subscription' } : { timeout: true, answer: 'no answer' }), subscription ? SUBSCRIPTION_QUIET_MS : WS_TIMEOUT_MS);
    const finish = (o: WsOutcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      dispose();
      resolve(o);
    };
    dispose = client.subscribe(
      { query: payload.query, variables: payload.variables, operationName: payload.operationName ?? undefined },
      {
        next: (value) => finish({ errors: value.errors, answer: JSON.stringify(value) }),
        error: (err) => (Array.isArray(err) ? finish({ errors: err, answer: JSON.stringify(err) }) : finish({ closed: err, answer: String((err as { code?: unknown; reason?: unknown })?.code ?? err) + ' ' + String((err as { reason?: unknown })?.reason ?? '') })),
        complete: () => finish({ answer: 'complete' }),
      },
    );
  });
  stats.ws++;
  if (outcome.timeout) throw docFailure(doc, `graphql-ws: no answer within ${WS_TIMEOUT_MS} ms`, outcome.answer);
  if (outcome.closed !== undefined) throw docFailure(doc, 'graphql-ws: the connection failed or was closed', outcome.answer);
  checkErrors(doc, outcome.errors, outcome.answer, text, 'ws');
}

describe('GraphQL under ≥ 10,000 generated documents (HTTP) and ≥ 500 (graphql-ws)', () => {
  it('never 5xx, never an internal or unlisted error code, never leaks internals, never stalls', async () => {
    const started = performance.now();
    t.gateway.db.events.on('query', (e: { family: string; durationMs: number }) => {
      stats.dbQueries++;
      stats.dbMs += e.durationMs;
      stats.dbByFamily[e.family] = (stats.dbByFamily[e.family] ?? 0) + 1;
    });
    await fc.assert(
      fc.asyncProperty(fc.array(httpDocArb, { minLength: BATCH, maxLength: BATCH }), wsDocArb, async (docs, wsDoc) => {
        const t0 = performance.now();
        // Every other run also sends its graphql-ws document (≥ 630 of them in 1,260 runs).
        const ws = ++runNo % 2 === 0 ? sendWs(wsDoc).then(() => (stats.wsMs += performance.now() - t0)) : Promise.resolve();
        await Promise.all([
          pool(docs, IN_FLIGHT, sendHttp)
            .then((times) => checkLatency(docs, times))
            .then(() => (stats.httpMs += performance.now() - t0)),
          ws,
        ]);
      }),
      fcParams(101, RUNS),
    );
    const seconds = (performance.now() - started) / 1000;
    // eslint-disable-next-line no-console
    console.log(`graphql fuzz: ${stats.http} HTTP + ${stats.ws} graphql-ws documents in ${seconds.toFixed(1)} s, seed ${fcParams(101, 0).seed}; HTTP status ${JSON.stringify(stats.byStatus)}; error codes ${JSON.stringify(stats.byCode)}; kinds ${JSON.stringify(stats.byKind)}; slowest ${JSON.stringify(stats.slowest)}, batches re-timed alone ${stats.slowBatches}; HTTP batches ${(stats.httpMs / 1000).toFixed(1)} s, ws ${(stats.wsMs / 1000).toFixed(1)} s; ${stats.dbQueries} engine queries, ${(stats.dbMs / 1000).toFixed(1)} s, ${JSON.stringify(stats.dbByFamily)}`);
    if (process.env.FUZZ_PROFILE) console.log(JSON.stringify(stats.msByKind), JSON.stringify(stats.slow.sort((a, b) => b.ms - a.ms).slice(0, 15), null, 1));
    expect(stats.http).toBeGreaterThanOrEqual(MIN_HTTP);
    expect(stats.ws).toBeGreaterThanOrEqual(MIN_WS);
    expect(rejections.list).toEqual([]);
    expect((await fetch(`${t.url}/healthz`)).status).toBe(200);
    expect((await fetch(`${t.url}/readyz`)).status).toBe(200);
    const after = await t.gql(token, '{ destination(id: "dst_classic") { id pipeline(range: { preset: LAST_HOUR }) { steps { kind count } } } }');
    expect(after.body.errors).toBeUndefined();
  });
});
