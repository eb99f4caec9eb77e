/**
 * The validator's checks of free text and of free JSON, shared by the report fields and the
 * sample's request and response (src/ingest/sample.exchange.ts).
 */

export type Fail = (field: string, reason: string) => void;

/** Deepest nesting of free JSON (sample.payload, a request or response body): event payloads are a few levels deep, thousands are an attack. */
export const MAX_PAYLOAD_DEPTH = 64;

/** An unpaired UTF-16 surrogate (a JSON "\\ud800" escape without its partner): not representable in UTF-8. */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/**
 * Free text is stored and read back byte for byte, so it must be valid Unicode: a lone
 * surrogate would be silently replaced (or refused by the engine) on the way to storage.
 */
export function text(v: unknown, field: string, max: number, fail: Fail, required: boolean): string {
  if (v === undefined || v === null || v === '') {
    if (required) fail(field, 'is required');
    return '';
  }
  if (typeof v !== 'string') {
    fail(field, 'must be a string');
    return '';
  }
  if (v.length > max && codePoints(v) > max) {
    fail(field, `must be at most ${max} characters`);
    return '';
  }
  const lone = LONE_SURROGATE.exec(v);
  if (lone) {
    fail(field, `must be valid Unicode: unpaired surrogate \\u${lone[0].charCodeAt(0).toString(16)} at character ${lone.index}`);
    return '';
  }
  return v;
}

/** Characters as producers count them (Python's len, Go's RuneCountInString): a surrogate pair is one. */
export function codePoints(v: string): number {
  let n = 0;
  for (let i = 0; i < v.length; i++, n++) {
    const c = v.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < v.length && (v.charCodeAt(i + 1) & 0xfc00) === 0xdc00) i++;
  }
  return n;
}

/**
 * Free JSON as JSON text ('' when absent). Depth is checked first, without recursion,
 * because JSON.stringify recurses and a deep enough value would overflow the stack. Lone
 * surrogates are fine here: JSON.stringify writes them as escapes.
 */
export function jsonText(v: unknown, field: string, fail: Fail): string {
  if (v === undefined || v === null) return '';
  if (nestedDeeperThan(v, MAX_PAYLOAD_DEPTH)) {
    fail(field, `must not be nested deeper than ${MAX_PAYLOAD_DEPTH} levels`);
    return '';
  }
  return JSON.stringify(v);
}

function nestedDeeperThan(root: unknown, max: number): boolean {
  const stack: [unknown, number][] = [[root, 0]];
  while (stack.length > 0) {
    const [v, depth] = stack.pop()!;
    if (v === null || typeof v !== 'object') continue;
    if (depth >= max) return true;
    for (const child of Array.isArray(v) ? v : Object.values(v as Record<string, unknown>)) stack.push([child, depth + 1]);
  }
  return false;
}
