/**
 * A strict parser for the Prometheus text exposition format (0.0.4), for tests: any
 * line that does not follow the format, a sample without a `# TYPE` for its family,
 * a duplicate series, or a histogram whose buckets are not cumulative up to a `+Inf`
 * bucket equal to `_count` throws with the offending line.
 */

export type MetricType = 'counter' | 'gauge' | 'histogram' | 'summary' | 'untyped';

export interface Sample {
  /** The sample's own name (`x_bucket`, `x_sum`, `x_total`, …). */
  name: string;
  labels: Record<string, string>;
  value: number;
}

export interface Family {
  name: string;
  type: MetricType;
  help: string;
  samples: Sample[];
}

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const TYPES = new Set<MetricType>(['counter', 'gauge', 'histogram', 'summary', 'untyped']);
const SUFFIXES: Record<MetricType, string[]> = {
  counter: [''],
  gauge: [''],
  untyped: [''],
  histogram: ['_bucket', '_sum', '_count'],
  summary: ['', '_sum', '_count'],
};

/** Values as Prometheus reads them (Go's ParseFloat: NaN and Inf in any letter case). */
function parseValue(raw: string, line: string): number {
  if (/^\+?inf(inity)?$/i.test(raw)) return Infinity;
  if (/^-inf(inity)?$/i.test(raw)) return -Infinity;
  if (/^nan$/i.test(raw)) return NaN;
  if (!/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(raw)) throw new Error(`bad sample value ${JSON.stringify(raw)} in: ${line}`);
  return Number(raw);
}

/** Parses `{a="1",b="x\"y"}` starting at `text[0] === '{'`; returns the labels and the rest. */
function parseLabels(text: string, line: string): { labels: Record<string, string>; rest: string } {
  const labels: Record<string, string> = {};
  let i = 1;
  const fail = (why: string) => new Error(`${why} in: ${line}`);
  for (;;) {
    while (text[i] === ' ') i++;
    if (text[i] === '}') return { labels, rest: text.slice(i + 1) };
    const nameMatch = /^[a-zA-Z_][a-zA-Z0-9_]*/.exec(text.slice(i));
    if (!nameMatch) throw fail('bad label name');
    const name = nameMatch[0];
    i += name.length;
    if (text[i] !== '=' || text[i + 1] !== '"') throw fail(`label ${name} without ="value"`);
    i += 2;
    let value = '';
    for (;;) {
      const c = text[i];
      if (c === undefined) throw fail('unterminated label value');
      if (c === '"') break;
      if (c === '\\') {
        const next = text[i + 1];
        if (next === 'n') value += '\n';
        else if (next === '\\' || next === '"') value += next;
        else throw fail(`bad escape \\${next}`);
        i += 2;
        continue;
      }
      if (c === '\n') throw fail('newline in label value');
      value += c;
      i++;
    }
    i++;
    if (Object.hasOwn(labels, name)) throw fail(`duplicate label ${name}`);
    labels[name] = value;
    if (text[i] === ',') i++;
    else if (text[i] !== '}') throw fail('expected , or } after a label');
  }
}

function familyOf(sampleName: string, families: Map<string, Family>): Family | undefined {
  for (const suffix of ['_bucket', '_sum', '_count', '']) {
    if (!sampleName.endsWith(suffix)) continue;
    const f = families.get(sampleName.slice(0, sampleName.length - suffix.length));
    if (f && SUFFIXES[f.type].includes(suffix)) return f;
  }
  return undefined;
}

export function parsePrometheusText(text: string): Map<string, Family> {
  const families = new Map<string, Family>();
  const seen = new Set<string>();
  if (text.length > 0 && !text.endsWith('\n')) throw new Error('the exposition must end with a newline');
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    if (line.startsWith('#')) {
      const m = /^# (HELP|TYPE) (\S+) ?(.*)$/.exec(line);
      if (!m) continue; // a plain comment
      const [, kind, name, rest] = m;
      if (!METRIC_NAME.test(name)) throw new Error(`bad metric name in: ${line}`);
      let f = families.get(name);
      if (kind === 'TYPE') {
        if (!TYPES.has(rest as MetricType)) throw new Error(`unknown type in: ${line}`);
        if (f && f.samples.length > 0) throw new Error(`# TYPE after samples in: ${line}`);
        if (f && f.type !== 'untyped') throw new Error(`second # TYPE for ${name}`);
        if (!f) families.set(name, (f = { name, type: 'untyped', help: '', samples: [] }));
        f.type = rest as MetricType;
      } else {
        if (!f) families.set(name, (f = { name, type: 'untyped', help: '', samples: [] }));
        f.help = rest.replace(/\\n/g, '\n').replace(/\\\\/g, '\\');
      }
      continue;
    }
    const nameMatch = /^[a-zA-Z_:][a-zA-Z0-9_:]*/.exec(line);
    if (!nameMatch) throw new Error(`bad sample line: ${line}`);
    const name = nameMatch[0];
    let rest = line.slice(name.length);
    let labels: Record<string, string> = {};
    if (rest.startsWith('{')) ({ labels, rest } = parseLabels(rest, line));
    const parts = rest.trim().split(/\s+/);
    if (!rest.startsWith(' ') || parts.length < 1 || parts.length > 2) throw new Error(`bad sample line: ${line}`);
    if (parts.length === 2 && !/^-?\d+$/.test(parts[1])) throw new Error(`bad timestamp in: ${line}`);
    for (const l of Object.keys(labels)) if (!LABEL_NAME.test(l)) throw new Error(`bad label name in: ${line}`);
    const family = familyOf(name, families);
    if (!family) throw new Error(`sample without a # TYPE for its family: ${line}`);
    const key = `${name}${JSON.stringify(Object.entries(labels).sort())}`;
    if (seen.has(key)) throw new Error(`duplicate series: ${line}`);
    seen.add(key);
    family.samples.push({ name, labels, value: parseValue(parts[0], line) });
  }
  for (const f of families.values()) if (f.type === 'histogram') checkHistogram(f);
  return families;
}

function checkHistogram(f: Family): void {
  const series = new Map<string, { buckets: [number, number][]; count?: number; sum?: number }>();
  const keyOf = (labels: Record<string, string>) =>
    JSON.stringify(
      Object.entries(labels)
        .filter(([k]) => k !== 'le')
        .sort(),
    );
  for (const s of f.samples) {
    const key = keyOf(s.labels);
    const entry = series.get(key) ?? { buckets: [] };
    series.set(key, entry);
    if (s.name.endsWith('_bucket')) {
      if (s.labels.le === undefined) throw new Error(`${f.name}: a bucket without le`);
      entry.buckets.push([parseValue(s.labels.le, s.labels.le), s.value]);
    } else if (s.name.endsWith('_count')) entry.count = s.value;
    else if (s.name.endsWith('_sum')) entry.sum = s.value;
  }
  for (const [key, e] of series) {
    const sorted = [...e.buckets].sort((a, b) => a[0] - b[0]);
    if (sorted.length === 0 || sorted[sorted.length - 1][0] !== Infinity) throw new Error(`${f.name}${key}: no +Inf bucket`);
    for (let i = 1; i < sorted.length; i++) if (sorted[i][1] < sorted[i - 1][1]) throw new Error(`${f.name}${key}: buckets are not cumulative`);
    if (e.count === undefined || e.sum === undefined) throw new Error(`${f.name}${key}: missing _count or _sum`);
    if (sorted[sorted.length - 1][1] !== e.count) throw new Error(`${f.name}${key}: +Inf bucket differs from _count`);
  }
}

/** The value of one series, by sample name and an exact label match (0 when absent). */
export function sampleValue(families: Map<string, Family>, sampleName: string, labels: Record<string, string> = {}): number {
  const family = familyOf(sampleName, families);
  const hit = family?.samples.find((s) => {
    if (s.name !== sampleName) return false;
    const keys = Object.keys(s.labels).filter((k) => k !== 'le' || 'le' in labels);
    return keys.length === Object.keys(labels).length && keys.every((k) => s.labels[k] === labels[k]);
  });
  return hit?.value ?? 0;
}
