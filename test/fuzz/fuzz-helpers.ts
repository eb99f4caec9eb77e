/**
 * Shared pieces of the property-based fuzz suites (test/fuzz/*.fuzz.test.ts).
 *
 * Reproducibility: every fc.assert runs with a fixed seed (FUZZ_SEED overrides it) and
 * prints the seed, path and shrunk counterexample when a property fails; re-run with
 * `FUZZ_SEED=<seed> npx jest test/fuzz/<file>` to replay the same inputs.
 */
import fc from 'fast-check';
import { ErrorCode } from '../../src/domain/errors';

export const BASE_SEED = process.env.FUZZ_SEED !== undefined && process.env.FUZZ_SEED !== '' ? Number(process.env.FUZZ_SEED) : 20_261_125;
if (!Number.isInteger(BASE_SEED)) throw new Error(`FUZZ_SEED must be an integer, got ${process.env.FUZZ_SEED}`);

export const ERROR_CODES: ReadonlySet<string> = new Set(Object.values(ErrorCode));

/** Seeded parameters for fc.assert; `offset` gives each property its own stream from the one base seed. */
export function fcParams<T>(offset: number, numRuns: number, extra: fc.Parameters<T> = {}): fc.Parameters<T> {
  return {
    seed: BASE_SEED + offset,
    numRuns,
    // FUZZ_NO_SHRINK=1: report the first failure as generated (shrinking re-sends whole batches).
    endOnFailure: process.env.FUZZ_NO_SHRINK === '1',
    // Stop (generation or shrinking) before jest's timeout, so a failure is still reported
    // with the best counterexample so far, and a run cut short fails its count assertion.
    interruptAfterTimeLimit: Number(process.env.FUZZ_TIME_LIMIT_MS ?? 480_000),
    ...extra,
  };
}

/**
 * Text that must never reach a caller: engine errors, stack frames, file paths. SQL
 * keywords and table names only count when the request itself did not contain them
 * (GraphQL's own validation messages quote the caller's input back).
 */
const ALWAYS_FORBIDDEN: [string, RegExp][] = [
  ['DB::Exception', /DB::Exception/],
  ['ClickHouse error code', /Code: \d+\./],
  ['node_modules', /node_modules/],
  ['stack frame', /\n\s+at [^\n]+(\(|:\d+:\d+)/],
  ['source path', /\/(src|dist|work)\/[\w./-]+\.(ts|js)/],
  ['engine exception name', /\b[A-Z]+(_[A-Z]+){2,}\b.*\(version \d/],
];
const FORBIDDEN_UNLESS_ECHOED: [string, RegExp][] = [
  ['SELECT', /\bSELECT\b/],
  ['INSERT INTO', /\bINSERT\s+INTO\b/],
  ['FORMAT JSONEachRow', /JSONEachRow/],
  [
    'raw table name',
    /\b(delivery_events|events_minute|events_hour|retry_pending|discard_samples|warehouse_syncs|catalog_entities|catalog_names|api_tokens|schema_migrations)\b/,
  ],
  ['query parameter', /\{\w+:(String|UInt32|Int64|UInt64|Bool|Array\(String\))\}/],
];

/** The raw text plus every string value in it when it is JSON (decoded), for echo detection. */
export function echoText(raw: string): string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return raw;
  }
  const out = [raw];
  const stack: unknown[] = [parsed];
  while (stack.length > 0) {
    const v = stack.pop();
    if (typeof v === 'string') out.push(v);
    else if (v !== null && typeof v === 'object')
      for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
        out.push(k);
        stack.push(x);
      }
  }
  return out.join(' ');
}

/** Returns a description of the leak, or null. `input` is everything the caller sent (document, variables, body). */
export function leakIn(message: string, input: string, extraForbidden: string[] = []): string | null {
  for (const [name, re] of ALWAYS_FORBIDDEN) if (re.test(message) && !re.test(input)) return name;
  for (const [name, re] of FORBIDDEN_UNLESS_ECHOED) if (re.test(message) && !re.test(input)) return name;
  for (const s of extraForbidden) if (s && message.includes(s) && !input.includes(s)) return `"${s}"`;
  return null;
}

/** Collects unhandled rejections while a suite runs (the gateway runs in this process). */
export function trackUnhandledRejections(): { list: unknown[]; stop: () => void } {
  const list: unknown[] = [];
  const onRejection = (reason: unknown) => {
    list.push(reason);
  };
  process.on('unhandledRejection', onRejection);
  return { list, stop: () => process.off('unhandledRejection', onRejection) };
}

/** A short, printable rendering of a value for failure messages. */
export function preview(v: unknown, max = 600): string {
  let s: string;
  if (typeof v === 'string') s = JSON.stringify(v);
  else if (v instanceof Uint8Array) s = `<${v.length} bytes ${Buffer.from(v.subarray(0, 64)).toString('hex')}${v.length > 64 ? '…' : ''}>`;
  else {
    try {
      s = JSON.stringify(v) ?? String(v);
    } catch {
      s = String(v);
    }
  }
  return s.length > max ? `${s.slice(0, max)}…(${s.length} chars)` : s;
}

/** Cuts a string to at most `max` UTF-16 units without splitting a surrogate pair. */
export function cutUnits(s: string, max: number): string {
  if (s.length <= max) return s;
  let out = s.slice(0, max);
  const last = out.charCodeAt(out.length - 1);
  if (last >= 0xd800 && last <= 0xdbff) out = out.slice(0, -1);
  return out;
}

/** String.prototype.toWellFormed (ES2024): each lone surrogate becomes U+FFFD. */
export function toWellFormed(s: string): string {
  return s.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd');
}

export function hasLoneSurrogate(s: string): boolean {
  return /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(s);
}

/** Strings that break naive quoting, escaping, templating and SQL. */
export const NASTY_FRAGMENTS = [
  '"',
  "'",
  '\\',
  '\\\\',
  '\\"',
  '`',
  '{x:String}',
  '{workspace:String}',
  '{id:String}',
  "'; DROP TABLE x; --",
  "' OR 1=1 --",
  '"); DROP TABLE delivery_events; --',
  'SELECT 1',
  '\u0000',
  '\u0001',
  '\n',
  '\r\n',
  '\t',
  '\u2028',
  '\u2029',
  '\ufeff',
  '\u202e',
  '\ufffd',
  '\uffff',
  '😀',
  '👩‍👩‍👧‍👦',
  '🇩🇪',
  'é',
  'e\u0301',
  '日本語',
  'ﷺ',
  '%s',
  '%n',
  '${x}',
  '{{db}}',
  '$1',
  '?',
  '\\N',
  '\\u0000',
  '\\ud800',
  '<script>',
  '&amp;',
  '/*',
  '*/',
  '--',
  ';',
  '\u0085',
  '\u00a0',
  '\x7f',
  '0',
  '-1',
  'null',
  'NaN',
  'true',
  '[]',
  '{}',
] as const;

/** One unit of nasty text: a nasty fragment, any code point (no lone surrogates), or plain ASCII. */
export const nastyUnit: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...NASTY_FRAGMENTS) },
  { weight: 3, arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 1 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary-ascii', minLength: 1, maxLength: 1 }) },
);

/** A lone surrogate, alone or between other text. */
export const loneSurrogate: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom('\ud800', '\udbff', '\udc00', '\udfff'),
  fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c)),
);
export const loneHighSurrogate: fc.Arbitrary<string> = fc.integer({ min: 0xd800, max: 0xdbff }).map((c) => String.fromCharCode(c));
export const loneLowSurrogate: fc.Arbitrary<string> = fc.integer({ min: 0xdc00, max: 0xdfff }).map((c) => String.fromCharCode(c));

/** Nasty text of at most `maxUnits` UTF-16 units, optionally with lone surrogates mixed in. */
export function nastyText(maxUnits: number, opts: { minUnits?: number; lone?: 'none' | 'any' | 'high' | 'low' } = {}): fc.Arbitrary<string> {
  const lone = opts.lone ?? 'none';
  const units =
    lone === 'none'
      ? nastyUnit
      : fc.oneof(
          { weight: 12, arbitrary: nastyUnit },
          { weight: 1, arbitrary: lone === 'any' ? loneSurrogate : lone === 'high' ? loneHighSurrogate : loneLowSurrogate },
        );
  const maxLength = Math.max(0, Math.min(maxUnits, 40));
  return fc
    .string({ unit: units, minLength: opts.minUnits ?? 0, maxLength })
    .map((s) => cutUnits(s, maxUnits))
    .filter((s) => s.length >= (opts.minUnits ?? 0));
}

/** Runs `tasks` with at most `limit` in flight; results in order. */
export async function pool<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i], i);
    }
  });
  await Promise.all(workers);
  return results;
}
