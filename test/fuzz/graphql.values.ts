/**
 * Values for generated GraphQL documents (graphql.documents.ts): a Chooser that turns a
 * fast-check choice sequence into decisions (so documents shrink toward the simplest
 * choices), string literals in every escaping, times from far past to far future, and
 * input values for any schema input type, literal and JSON, right and wrong.
 */
import { isEnumType, isInputObjectType, isListType, isNonNullType, isScalarType, type GraphQLInputType } from 'graphql';

const MINUTE = 60_000;
const DAY = 86_400_000;

// ---------------------------------------------------------------------------------------
// Values: strings, ids, times
// ---------------------------------------------------------------------------------------

export const IDS = ['dst_classic', 'dst_actions', 'dst_storage', 'map_a', 'src_web', 'sync-1', 'm-1', 'tok_0000', 'dov_x', 'nope', 'a', ''];
export const TIME_ZONES = [
  'UTC',
  'Europe/Berlin',
  'America/New_York',
  'Asia/Kathmandu',
  'Australia/Lord_Howe',
  'Pacific/Chatham',
  'Etc/GMT+12',
  'Etc/GMT-14',
  'utc',
  'Europe/Nowhere',
  '+02:00',
  'GMT',
  'Local',
  '',
];

/** A generated document plus everything needed to send and check it. */
export interface Doc {
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
export class Chooser {
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
export function gqlString(s: string, c: Chooser): string {
  const mode = c.int(10);
  if (mode < 7) return JSON.stringify(s);
  if (mode < 9)
    return `"${s
      .replace(/[\\"]/g, (m) => `\\${m}`)
      .replace(/\n/g, '\\n')
      .replace(/\r/g, '\\r')}"`;
  return `"""${s.replace(/"""/g, '\\"""')}"""`;
}

function isoAt(ms: number): string {
  return Number.isFinite(ms) && Math.abs(ms) <= 8.64e15 ? new Date(ms).toISOString() : String(ms);
}

export function timeValue(c: Chooser, now: number): string {
  switch (c.int(8)) {
    case 0:
    case 1:
    case 2:
      return isoAt(now - c.int(14 * 24 * 60) * MINUTE - c.int(60_000));
    case 3:
      return c.pick([
        '0001-01-01T00:00:00Z',
        '1970-01-01T00:00:00Z',
        '9999-12-31T23:59:59Z',
        '+275760-09-13T00:00:00.000Z',
        '-271821-04-20T00:00:00.000Z',
        '2026-02-30T00:00:00Z',
        '2026-11-25T10:00:00+14:00',
        '2026-11-25',
        'now',
        '',
      ]);
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

export interface Val {
  literal: string;
  json: string;
}
export const v = (literal: string, json: string): Val => ({ literal, json });
export const strVal = (s: string, c: Chooser): Val => v(gqlString(s, c), JSON.stringify(s));

/** A value of the wrong kind for whatever is expected. */
export function badValue(c: Chooser, now: number): Val {
  switch (c.int(12)) {
    case 0:
      return v('null', 'null');
    case 1:
      return v('2147483648', '2147483648');
    case 2:
      return v('-1', '-1');
    case 3:
      return v('1.5', '1.5');
    case 4:
      return v('true', 'true');
    case 5:
      return v('LAST_HOUR', '"LAST_HOUR"');
    case 6:
      return v('[]', '[]');
    case 7:
      return v('{}', '{}');
    case 8:
      return v('{ preset: LAST_HOUR, from: "x" }', '{"preset":"LAST_HOUR","from":"x"}');
    case 9:
      return strVal(timeValue(c, now), c);
    case 10:
      return v('9007199254740993', '9007199254740993');
    default:
      return strVal(c.str(), c);
  }
}

/** A huge or deeply nested variable value (JSON text only). */
export function hugeJson(c: Chooser): string {
  switch (c.int(7)) {
    case 0:
      return JSON.stringify('x'.repeat(1 + c.int(200_000)));
    case 1:
      return JSON.stringify(Array.from({ length: 1 + c.int(20_000) }, (_, i) => `v${i}`));
    case 2: {
      const n = 1 + c.int(40_000);
      return '['.repeat(n) + ']'.repeat(n);
    }
    case 3: {
      const n = 1 + c.int(20_000);
      return '{"a":'.repeat(n) + '1' + '}'.repeat(n);
    }
    case 4:
      return c.pick(['1e400', '-1e400', '1e-400', '-0', '18446744073709551616', '0.1e1', '1E2']);
    case 5:
      return JSON.stringify(Object.fromEntries(Array.from({ length: 1 + c.int(5_000) }, (_, i) => [`k${i}`, i])));
    default:
      return JSON.stringify(c.str().repeat(1 + c.int(2_000)));
  }
}

function scalarValue(name: string, c: Chooser, now: number): Val {
  switch (name) {
    case 'String':
      return strVal(c.chance(0.7) ? c.str() : c.pick(IDS), c);
    case 'ID':
      if (c.chance(0.1)) {
        const n = c.int(100);
        return v(String(n), String(n));
      }
      return strVal(c.chance(0.6) ? c.pick(IDS) : c.str(), c);
    case 'Int': {
      const n = c.pick([1, 5, 10, 100, 0, 1000, 1001, -1, 2147483647, -2147483648, 20, 500, 501]);
      return v(String(n), String(n));
    }
    case 'Float': {
      const f = c.pick(['0', '1.5', '-1e3', '1e308']);
      return v(f, f);
    }
    case 'Boolean': {
      const b = c.chance(0.5) ? 'true' : 'false';
      return v(b, b);
    }
    case 'DateTimeISO':
      return strVal(timeValue(c, now), c);
    default:
      return strVal(c.str(), c);
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

export function inputValue(type: GraphQLInputType, c: Chooser, now: number, depth = 0): Val {
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
export function variableType(type: GraphQLInputType, c: Chooser): string {
  if (c.chance(0.85)) return String(type);
  return c.pick([
    'String',
    'String!',
    'Int',
    'Int!',
    'ID',
    '[String!]',
    'TimeRangeInput',
    'Boolean!',
    'Unknown',
    'DateTimeISO',
    'SafeInt',
    String(type).replace(/!$/, ''),
  ]);
}
