/**
 * Generated GraphQL documents for graphql.fuzz.test.ts: operations walked from
 * schema/schema.graphql with random (and wrong) arguments, variables, aliases,
 * directives and fragments, plus the classic attacks: deep nesting, alias floods,
 * duplicated fields, fragment cycles and fan-outs, huge variables, NUL and lone
 * surrogates, SQL and `{x:String}` in every string argument, far ranges, token soup,
 * and odd HTTP request shapes.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { buildSchema, getNamedType, isLeafType, isNonNullType, isObjectType, type GraphQLArgument, type GraphQLObjectType } from 'graphql';
import { NASTY_FRAGMENTS, nastyText } from './fuzz-helpers';
import { Chooser, IDS, TIME_ZONES, badValue, hugeJson, inputValue, timeValue, variableType, type Doc } from './graphql.values';

const schema = buildSchema(readFileSync(path.join(__dirname, '../../schema/schema.graphql'), 'utf8'));

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
    if (!required && !c.chance(0.5)) continue;
    if (required && c.chance(0.03)) continue; // a missing required argument
    if (c.chance(0.25)) {
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

const DIRECTIVES = [
  '@include(if: true)',
  '@include(if: false)',
  '@skip(if: true)',
  '@skip(if: false)',
  '@deprecated',
  '@unknown',
  '@include',
  '@skip(if: "yes")',
  '@specifiedBy(url: "x")',
];

function selectionSet(type: GraphQLObjectType, depth: number, b: Build): string {
  const { c } = b;
  const fields = Object.values(type.getFields());
  const n = 1 + c.int(3);
  const parts: string[] = [];
  for (let k = 0; k < n; k++) {
    if (c.chance(0.04)) {
      parts.push('__typename');
      continue;
    }
    if (c.chance(0.02)) {
      parts.push(
        c.pick(['bogus', 'SELECT', 'id', 'count', 'steps', '__schema { queryType { name } }', '__type(name: "Destination") { name fields { name } }']),
      );
      continue;
    }
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
  kinds.push('subscription', 'subscription'); // over HTTP: refused with BAD_USER_INPUT
  const kind = c.pick(kinds);
  const root = kind === 'query' ? schema.getQueryType()! : kind === 'mutation' ? schema.getMutationType()! : schema.getSubscriptionType()!;
  const body = selectionSet(root, 1, b);
  const name = c.chance(0.3) ? `Op${c.int(3)}` : '';
  const declared = b.vars.map((x) => `$${x.name}: ${x.type}${x.defaultLiteral ? ` = ${x.defaultLiteral}` : ''}`);
  const header =
    declared.length > 0 || name ? `${kind} ${name}${declared.length ? `(${declared.join(', ')})` : ''}` : kind === 'query' && c.chance(0.5) ? '' : kind;
  let query = `${header} { ${body} } ${b.fragments.join(' ')}`.trim();
  let operationName: string | null | undefined;
  if (c.chance(0.04)) {
    query += ` query Other { __typename }`;
    operationName = c.chance(0.5) ? name || 'Other' : c.pick([null, 'Missing', '']);
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
const cheapFields = [
  '__typename',
  'discardReasons { code }',
  'discardReasons(step: FAILED_DELIVERY) { code }',
  '__schema { queryType { name } }',
  '__type(name: "Destination") { name }',
];

const deepNesting = fc
  .record({ n: fc.integer({ min: 1, max: 60 }), style: fc.constantFrom('introspection', 'inline', 'braces', 'lists', 'fragments') })
  .map(({ n, style }): Doc => {
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

const aliasFlood = fc
  .record({ n: fc.integer({ min: 1, max: 400 }), field: fc.constantFrom(...cheapFields), nested: fc.boolean() })
  .map(({ n, field, nested }): Doc => {
    const inner = Array.from({ length: n }, (_, i) => `a${i}: ${field}`).join(' ');
    return { kind: 'attack:aliases', query: nested ? `{ destinations { ${Array.from({ length: n }, (_, i) => `b${i}: id`).join(' ')} } }` : `{ ${inner} }` };
  });

const duplicatedFields = fc
  .record({
    n: fc.integer({ min: 2, max: 2_000 }),
    field: fc.constantFrom(...cheapFields, 'destinations { id name kind }', 'trace(messageId: "a") { step } trace(messageId: "b") { step }'),
  })
  .map(({ n, field }): Doc => ({ kind: 'attack:duplicates', query: `{ ${Array.from({ length: n }, () => field).join(' ')} }` }));

const fragmentCycles = fc
  .record({ n: fc.integer({ min: 1, max: 50 }), style: fc.constantFrom('self', 'ring', 'unknown', 'unused', 'wrongType', 'mutual') })
  .map(({ n, style }): Doc => {
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
        return {
          kind: 'attack:cycle',
          query: `{ destinations { ...M1 } } fragment M1 on Destination { sources { ...M2 } } fragment M2 on Source { id } fragment M3 on Destination { ...M1 ...M3 }`,
        };
    }
  });

/** Each fragment spreads the previous one `width` times: width^n paths for naive walkers. */
const fragmentFanOut = fc
  .record({ n: fc.integer({ min: 1, max: 40 }), width: fc.constantFrom(2, 2, 3), base: fc.constantFrom('Query', 'Destination') })
  .map(({ n, width, base }): Doc => {
    const n2 = width === 3 ? Math.min(n, 25) : n;
    const leaf = base === 'Query' ? '__typename' : 'id';
    const frags = [`fragment L0 on ${base} { ${leaf} }`];
    for (let i = 1; i <= n2; i++) frags.push(`fragment L${i} on ${base} { ${Array.from({ length: width }, () => `...L${i - 1}`).join(' ')} }`);
    const root = base === 'Query' ? `{ ...L${n2} }` : `{ destination(id: "nope") { ...L${n2} } }`;
    return { kind: `attack:fanout:${width}^${n2}`, query: `${root} ${frags.join(' ')}` };
  });

const hugeVariables = fc
  .record({ choices: fc.array(fc.nat(), { maxLength: 20 }), which: fc.constantFrom('messageId', 'range', 'filter', 'first', 'id', 'extra') })
  .map(({ choices, which }): Doc => {
    const c = new Chooser(choices, ['x']);
    const q: Record<string, string> = {
      messageId: 'query($v: String!) { trace(messageId: $v) { step } }',
      range: 'query($v: TimeRangeInput!) { destination(id: "dst_classic") { pipeline(range: $v) { from } } }',
      filter:
        'query($v: EventFilter) { destination(id: "dst_classic") { breakdown(step: SUCCESSFUL_DELIVERY, range: { preset: LAST_HOUR }, filter: $v) { count } } }',
      first: 'query($v: Int!) { destination(id: "dst_classic") { breakdown(step: SUCCESSFUL_DELIVERY, range: { preset: LAST_HOUR }, first: $v) { count } } }',
      id: 'query($v: ID!) { destination(id: $v) { id } }',
      extra: '{ __typename }',
    };
    const value = which === 'filter' && c.chance(0.5) ? `{"eventNames":${hugeJson(c)}}` : hugeJson(c);
    return { kind: 'attack:huge-variables', query: q[which], variables: { [which === 'extra' ? 'x' : 'v']: value } };
  });

/** Every string argument of the schema gets the same nasty text, as a literal or a variable. */
const stringEverywhere = fc
  .record({
    s: fc.oneof(nastyText(60, { lone: 'any' }), fc.constantFrom(...NASTY_FRAGMENTS)),
    asVariable: fc.boolean(),
    escape: fc.constantFrom('json', 'raw'),
  })
  .map(({ s, asVariable, escape }): Doc => {
    const lit =
      escape === 'json'
        ? JSON.stringify(s)
        : `"${s
            .replace(/[\\"]/g, (m) => `\\${m}`)
            .replace(/\n/g, '\\n')
            .replace(/\r/g, '\\r')}"`;
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
  .record({
    choices: fc.array(fc.nat(), { minLength: 4, maxLength: 12 }),
    field: fc.constantFrom(
      'pipeline(range: $r) { from to steps { count } }',
      'breakdown(step: SUCCESSFUL_DELIVERY, range: $r) { count }',
      'timeseries(step: SUCCESSFUL_DELIVERY, range: $r, granularity: MINUTE) { total }',
      'timeseries(step: SUCCESSFUL_DELIVERY, range: $r, granularity: DAY, groupBy: [EVENT_NAME]) { total }',
      'syncs(range: $r) { id }',
      'insights(range: $r) { count }',
      'discards(step: FAILED_DELIVERY, range: $r) { count }',
    ),
  })
  .map(({ choices, field }): Doc => {
    const c = new Chooser(choices, ['x']);
    const now = Date.now();
    const r = {
      from: timeValue(c, now),
      to: timeValue(c, now),
      ...(c.chance(0.4) ? { timeZone: c.pick(TIME_ZONES) } : {}),
      ...(c.chance(0.3) ? { lookback: false } : {}),
    };
    return {
      kind: 'attack:far-range',
      query: `query($r: TimeRangeInput!) { destination(id: "${c.pick(['dst_classic', 'dst_storage', 'dst_actions'])}") { ${field} } }`,
      variables: { r: JSON.stringify(r) },
    };
  });

const SOUP = [
  '{',
  '}',
  '(',
  ')',
  '[',
  ']',
  ':',
  '$',
  '!',
  '=',
  '@',
  '...',
  '|',
  '&',
  ',',
  'query',
  'mutation',
  'subscription',
  'fragment',
  'on',
  'true',
  'false',
  'null',
  'destination',
  'destinations',
  'trace',
  'id',
  'sources',
  'pipeline',
  'range',
  'preset',
  'LAST_HOUR',
  'steps',
  'count',
  '__schema',
  '__typename',
  '"x"',
  '""',
  '"""b"""',
  '1',
  '-1',
  '1.5e3',
  '0x1',
  '#c\n',
  '\n',
  '\t',
  '\u0000',
  '\ufeff',
  '"\\u0000"',
  '"\\ud800"',
  '\ud800',
  '😀',
  "'",
  '`',
  'SELECT',
  '{x:String}',
  'a:',
  '$v:',
  'Int!',
  'String',
];
const tokenSoup = fc.oneof(
  { weight: 4, arbitrary: fc.array(fc.constantFrom(...SOUP), { maxLength: 80 }).map((ts): Doc => ({ kind: 'attack:soup', query: ts.join(' ') })) },
  {
    weight: 1,
    arbitrary: fc
      .array(fc.constantFrom(...SOUP), { minLength: 1, maxLength: 5 })
      .map((ts): Doc => ({ kind: 'attack:soup-long', query: `{ ${Array.from({ length: 1200 }, (_, i) => ts[i % ts.length]).join(' ')} }` })),
  },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 200 }).map((s): Doc => ({ kind: 'attack:junk', query: s })) },
  {
    weight: 1,
    arbitrary: fc
      .constantFrom(
        '',
        ' ',
        '#only a comment',
        '{}',
        '{ }',
        'query',
        '{ __typename',
        '}',
        'query Q($a: Int = 1, $a: Int) { __typename }',
        '{ a: __typename a: __typename }',
        '{ __typename @skip(if: true) @skip(if: true) }',
      )
      .map((q): Doc => ({ kind: 'attack:tiny', query: q })),
  },
  {
    weight: 1,
    arbitrary: fc.integer({ min: 4_990, max: 5_010 }).map((n): Doc => ({ kind: `attack:tokens:${n}`, query: `{ ${'__typename '.repeat(n - 2)}}` })),
  },
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
      { contentType: 'application/json', body: '{"query":"{ __typename }","extensions":{"persistedQuery":{"version":1,"sha256Hash":"abc"}}}' },
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
  {
    weight: 8,
    arbitrary: fc
      .tuple(
        fc.array(fc.nat(), { maxLength: 200, size: 'max' }),
        fc.array(fc.oneof(nastyText(40, { lone: 'any' }), fc.constantFrom(...NASTY_FRAGMENTS, ...IDS)), { minLength: 1, maxLength: 8 }),
      )
      .map(([choices, strings]) => schemaDoc(choices, strings, false)),
  },
  { weight: 4, arbitrary: deepNesting },
  { weight: 4, arbitrary: aliasFlood },
  { weight: 3, arbitrary: duplicatedFields },
  { weight: 3, arbitrary: fragmentCycles },
  { weight: 3, arbitrary: fragmentFanOut },
  { weight: 2, arbitrary: hugeVariables },
  { weight: 1, arbitrary: stringEverywhere },
  { weight: 1, arbitrary: farRanges },
);
export const httpDocArb = fc.tuple(docArb, httpShape).map(([doc, shape]) => ({ ...doc, shape }));
/** Over graphql-ws: the same families, subscriptions included. */
export const wsDocArb: fc.Arbitrary<Doc> = fc.oneof(
  { weight: 3, arbitrary: docArb },
  {
    weight: 1,
    arbitrary: fc
      .tuple(
        fc.array(fc.nat(), { maxLength: 200, size: 'max' }),
        fc.array(fc.oneof(nastyText(40, { lone: 'any' }), fc.constantFrom(...NASTY_FRAGMENTS, ...IDS)), { minLength: 1, maxLength: 8 }),
      )
      .map(([choices, strings]) => schemaDoc(choices, strings, true)),
  },
);
