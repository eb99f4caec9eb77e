import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';

const KIND = ['INTERNAL', 'SERVER', 'CLIENT', 'PRODUCER', 'CONSUMER'];
/** Attributes worth a look in a printed trace (the rest are the same on every span). */
const SHOWN = [
  'http.route',
  'http.response.status_code',
  'graphql.operation.type',
  'graphql.operation.name',
  'db.query.summary',
  'db.response.status_code',
  'error.type',
];

const ms = (s: ReadableSpan) => (s.duration[0] * 1e3 + s.duration[1] / 1e6).toFixed(1);
const start = (s: ReadableSpan) => s.startTime[0] * 1e9 + s.startTime[1];

/**
 * One trace as an indented tree, children in start order: name, kind, duration and the
 * attributes that differ between spans. What docs/operations.md shows.
 */
export function traceText(spans: readonly ReadableSpan[]): string {
  const ids = new Set(spans.map((s) => s.spanContext().spanId));
  const children = (parent: string | undefined) =>
    spans
      .filter((s) => (parent === undefined ? !ids.has(s.parentSpanContext?.spanId ?? '') : s.parentSpanContext?.spanId === parent))
      .sort((a, b) => start(a) - start(b));
  const lines: string[] = [];
  const visit = (s: ReadableSpan, prefix: string, last: boolean, root: boolean) => {
    const attrs = SHOWN.filter((k) => s.attributes[k] !== undefined)
      .map((k) => `${k}=${s.attributes[k]}`)
      .join(' ');
    const parent = root && s.parentSpanContext ? `  parent=${s.parentSpanContext.spanId} (from traceparent)` : '';
    lines.push(`${prefix}${root ? '' : last ? '└─ ' : '├─ '}${s.name}  [${KIND[s.kind]}, ${ms(s)} ms]${attrs ? `  ${attrs}` : ''}${parent}`);
    const kids = children(s.spanContext().spanId);
    kids.forEach((k, i) => visit(k, root ? '' : `${prefix}${last ? '   ' : '│  '}`, i === kids.length - 1, false));
  };
  for (const root of children(undefined)) {
    lines.push(`trace ${root.spanContext().traceId}`);
    visit(root, '', true, true);
  }
  return lines.join('\n');
}
