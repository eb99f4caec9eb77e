/**
 * A linear pass over JSON text before JSON.parse: nesting depth and the number of
 * top-level array elements, without building anything. JSON.parse of a body nested a
 * million levels deep, or holding millions of elements, blocks the event loop for
 * seconds before any limit could look at the result; this pass refuses it in a few ms.
 * It does not validate syntax (JSON.parse still does): it only has to be right about
 * structure for text that is valid JSON, and never slower than linear for any text.
 */
export interface JsonShape {
  /** Deepest nesting of arrays and objects (a flat array is 1). */
  depth: number;
  /** Elements of the top-level array (0 when the text is not an array). */
  elements: number;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const COMMA = 0x2c;

/** Scans `text` (UTF-8 bytes or a string), stopping early once deeper than `maxDepth` or with more than `maxElements` top-level elements. */
export function scanJson(text: Uint8Array | string, maxDepth: number, maxElements = Number.MAX_SAFE_INTEGER): JsonShape {
  const bytes = typeof text === 'string' ? Buffer.from(text) : text;
  let depth = 0;
  let deepest = 0;
  let elements = 0;
  let topIsArray = false;
  let sawValueAtTop = false;
  let inString = false;
  for (let i = 0; i < bytes.length; i++) {
    const c = bytes[i];
    if (inString) {
      if (c === BACKSLASH) i++;
      else if (c === QUOTE) inString = false;
      continue;
    }
    if (depth === 1 && topIsArray && !sawValueAtTop && c !== CLOSE_ARRAY && !isWhitespace(c)) sawValueAtTop = true;
    if (c === QUOTE) inString = true;
    else if (c === OPEN_ARRAY || c === OPEN_OBJECT) {
      if (depth === 0 && c === OPEN_ARRAY) topIsArray = true;
      depth++;
      if (depth > deepest && (deepest = depth) > maxDepth) break;
    } else if (c === CLOSE_ARRAY || c === CLOSE_OBJECT) depth--;
    else if (c === COMMA && depth === 1 && topIsArray && ++elements >= maxElements) break;
  }
  // n commas separate n + 1 elements; an empty array has none.
  return { depth: deepest, elements: topIsArray && sawValueAtTop ? elements + 1 : 0 };
}

function isWhitespace(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
}
