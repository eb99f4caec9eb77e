import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import YAML from 'yaml';
import { PrometheusRule } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1';
import { GatewayMetrics } from '../../src/observability/prometheus';

/**
 * The Grafana dashboard and the Prometheus alert rules under deploy/ name metrics by string; a
 * renamed family or label would leave a panel empty and an alert silent, with nothing failing.
 * This reads every PromQL expression in both, and checks each series and each label it uses
 * against the registry a gateway really exposes (GatewayMetrics), histogram suffixes included.
 * The rules file is also validated as the `groups` of a prometheus-operator PrometheusRule.
 * Where promtool is installed (Debian's prometheus package), Prometheus' own parser checks every
 * expression of both files and the rule unit tests in deploy/prometheus/alerts.test.yaml run;
 * without it those tests are skipped, and the rest still runs.
 */
const ROOT = path.resolve(__dirname, '../..');

interface Series {
  labels: Set<string>;
}

/** Every series name the registry exposes, with the labels it can carry. */
async function exposedSeries(): Promise<Map<string, Series>> {
  const metrics = new GatewayMetrics();
  try {
    const types = new Map((await metrics.registry.getMetricsAsJSON()).map((m) => [m.name, String(m.type)]));
    const out = new Map<string, Series>();
    for (const m of metrics.registry.getMetricsAsArray()) {
      const labels = (m as unknown as { labelNames: string[] }).labelNames ?? [];
      const type = types.get(m.name);
      if (type === 'histogram') {
        out.set(`${m.name}_bucket`, { labels: new Set([...labels, 'le']) });
        out.set(`${m.name}_sum`, { labels: new Set(labels) });
        out.set(`${m.name}_count`, { labels: new Set(labels) });
      } else if (type === 'summary') {
        out.set(m.name, { labels: new Set([...labels, 'quantile']) });
        out.set(`${m.name}_sum`, { labels: new Set(labels) });
        out.set(`${m.name}_count`, { labels: new Set(labels) });
      } else out.set(m.name, { labels: new Set(labels) });
    }
    return out;
  } finally {
    metrics.close();
  }
}

/** Labels Prometheus attaches at scrape time (job, instance) or a ServiceMonitor adds. */
const TARGET_LABELS = new Set(['job', 'instance', 'namespace', 'pod', 'service', 'container', 'endpoint']);
/** Series Prometheus makes itself; the only names allowed that the gateway does not expose. */
const SYNTHETIC: Record<string, Series> = { up: { labels: new Set() } };

const KEYWORDS = new Set(['by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'bool', 'offset', 'and', 'or', 'unless']);
const GROUPING = new Set(['by', 'without', 'on', 'ignoring', 'group_left', 'group_right']);

interface Reference {
  metric: string;
  labels: string[];
}

/**
 * The series selectors of a PromQL expression and the labels it names: in matchers
 * (`metric{label="…"}`) and in grouping clauses (`sum by (label)`), which belong to every
 * metric of the expression. Strings, durations, numbers, Grafana variables and function names
 * are skipped. Enough PromQL for rules and dashboards, not a parser of the whole language.
 */
function references(expr: string): Reference[] {
  const tokens =
    expr.match(
      /"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|\[[^\]]*\]|\$\{?\w+\}?|\d+(?:\.\d+)?(?:e[+-]?\d+)?(?:ms|[smhdwy])?|[A-Za-z_:][A-Za-z0-9_:]*|=~|!~|!=|==|[{}(),=<>+\-*/^%]/g,
    ) ?? [];
  const found: Reference[] = [];
  const grouped: string[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    if (!/^[A-Za-z_:]/.test(t)) continue;
    if (GROUPING.has(t) && tokens[i + 1] === '(') {
      for (i += 2; i < tokens.length && tokens[i] !== ')'; i++) if (tokens[i] !== ',') grouped.push(tokens[i]);
      continue;
    }
    // A function or aggregation: `rate(`, `sum(`, `sum by (…) (`.
    if (KEYWORDS.has(t) || tokens[i + 1] === '(' || tokens[i + 1] === 'by' || tokens[i + 1] === 'without') continue;
    const ref: Reference = { metric: t, labels: [] };
    if (tokens[i + 1] === '{') {
      for (i += 2; i < tokens.length && tokens[i] !== '}'; i++)
        if (/^[A-Za-z_]/.test(tokens[i]) && /^(=|!=|=~|!~)$/.test(tokens[i + 1])) ref.labels.push(tokens[i]);
    }
    found.push(ref);
  }
  for (const ref of found) ref.labels.push(...grouped);
  return found;
}

/** The problems of one expression against the exposed series: unknown names and labels. */
function problems(where: string, expr: string, exposed: Map<string, Series>): string[] {
  const refs = references(expr);
  if (refs.length === 0) return [`${where}: no metric in ${expr}`];
  return refs.flatMap((ref) => {
    const series = exposed.get(ref.metric) ?? SYNTHETIC[ref.metric];
    if (!series) return [`${where}: ${ref.metric} is not exposed by the gateway`];
    return ref.labels.filter((l) => !series.labels.has(l) && !TARGET_LABELS.has(l)).map((l) => `${where}: ${ref.metric} has no label ${l}`);
  });
}

function dashboardExpressions(dashboard: {
  panels: { title: string; targets?: { expr: string }[] }[];
  templating: { list: { name: string; definition?: string }[] };
}): [string, string][] {
  const panels = dashboard.panels.flatMap((p) => (p.targets ?? []).map((t): [string, string] => [`panel "${p.title}"`, t.expr]));
  // label_values(<selector>, <label>): the selector is PromQL, the label must be one of its labels.
  const variables = dashboard.templating.list
    .filter((v) => v.definition?.startsWith('label_values('))
    .map((v): [string, string] => {
      const [, selector, label] = /^label_values\((.*),\s*(\w+)\)$/.exec(v.definition!)!;
      return [`variable $${v.name}`, `sum by (${label}) (${selector})`];
    });
  return [...panels, ...variables];
}

function ruleExpressions(rules: { groups: { name: string; rules: { alert?: string; record?: string; expr: string }[] }[] }): [string, string][] {
  return rules.groups.flatMap((g) => g.rules.map((r): [string, string] => [`rule ${r.alert ?? r.record}`, r.expr]));
}

const dashboard = JSON.parse(fs.readFileSync(path.join(ROOT, 'deploy/grafana/delivery-overview.json'), 'utf8'));
const rules = YAML.parse(fs.readFileSync(path.join(ROOT, 'deploy/prometheus/alerts.yaml'), 'utf8'));

describe('metrics named by the dashboard and the alert rules', () => {
  let exposed: Map<string, Series>;
  beforeAll(async () => {
    exposed = await exposedSeries();
  });

  it('reads PromQL selectors, matchers and grouping labels', () => {
    expect(references('sum by (job, le) (rate(a_bucket{job=~"$job", family!~"x|y"}[5m])) / on(job) group_left b > 0.5')).toEqual([
      { metric: 'a_bucket', labels: ['job', 'family', 'job', 'le', 'job'] },
      { metric: 'b', labels: ['job', 'le', 'job'] },
    ]);
    expect(references('histogram_quantile(0.95, x{a="b"}) offset 5m')).toEqual([{ metric: 'x', labels: ['a'] }]);
  });

  it('the dashboard uses only series and labels the gateway exposes', () => {
    const exprs = dashboardExpressions(dashboard);
    expect(exprs.length).toBeGreaterThan(25);
    expect(exprs.flatMap(([where, expr]) => problems(where, expr, exposed))).toEqual([]);
  });

  it('the dashboard covers every gateway family', () => {
    const used = new Set(dashboardExpressions(dashboard).flatMap(([, e]) => references(e).map((r) => r.metric.replace(/_(bucket|sum|count)$/, ''))));
    const families = [...exposed.keys()].filter((n) => n.startsWith('delivery_overview_')).map((n) => n.replace(/_(bucket|sum|count)$/, ''));
    expect([...new Set(families)].filter((f) => !used.has(f))).toEqual([]);
  });

  it('the alert rules use only series and labels the gateway exposes', () => {
    const exprs = ruleExpressions(rules);
    expect(exprs.length).toBeGreaterThanOrEqual(10);
    expect(exprs.flatMap(([where, expr]) => problems(where, expr, exposed))).toEqual([]);
  });

  it('the alert rules cover error rate, ingest refusals, ClickHouse latency, subscriptions and readiness', () => {
    const text = ruleExpressions(rules)
      .map(([, e]) => e)
      .join('\n');
    for (const needed of [
      /graphql_request_duration_seconds_count\{[^}]*outcome="error"/,
      /ingest_batches_total\{[^}]*outcome="rejected"/,
      /histogram_quantile\(0\.95,\s*sum by \(job, le\) \(rate\(delivery_overview_clickhouse_query_duration_seconds_bucket/,
      /delivery_overview_active_subscriptions/,
      /family=~"ping\|readyz"/,
    ])
      expect(text).toMatch(needed);
  });

  it('the alert rules file is a valid PrometheusRule spec, every alert with a severity and a summary', () => {
    expect(() => new PrometheusRule({ metadata: { name: 'delivery-overview' }, spec: rules }).validate()).not.toThrow();
    for (const group of rules.groups) {
      for (const rule of group.rules) {
        expect([rule.alert, rule.labels?.severity]).toEqual([rule.alert, expect.stringMatching(/^(critical|warning|info)$/)]);
        expect(rule.annotations?.summary).toBeTruthy();
      }
    }
    expect(new Set(rules.groups.flatMap((g: { rules: { alert: string }[] }) => g.rules.map((r) => r.alert))).size).toBe(ruleExpressions(rules).length);
  });
});

describe('the metric checks catch broken input', () => {
  let exposed: Map<string, Series>;
  beforeAll(async () => {
    exposed = await exposedSeries();
  });

  it('a renamed family, a histogram read without its suffix and a wrong label are reported', () => {
    const broken = structuredClone(dashboard);
    broken.panels.find((p: { title: string }) => p.title === 'Batches by outcome').targets[0].expr =
      'sum by (outcome) (rate(delivery_overview_ingest_batch_total[5m]))';
    broken.panels.find((p: { title: string }) => p.title === 'Request latency').targets[0].expr =
      'histogram_quantile(0.5, rate(delivery_overview_graphql_request_duration_seconds[5m]))';
    broken.panels.find((p: { title: string }) => p.title === 'Refusals by reason').targets[0].expr =
      'sum by (code) (rate(delivery_overview_ingest_batches_total[5m]))';
    expect(dashboardExpressions(broken).flatMap(([where, expr]) => problems(where, expr, exposed))).toEqual([
      'panel "Request latency": delivery_overview_graphql_request_duration_seconds is not exposed by the gateway',
      'panel "Batches by outcome": delivery_overview_ingest_batch_total is not exposed by the gateway',
      'panel "Refusals by reason": delivery_overview_ingest_batches_total has no label code',
    ]);
  });

  it('a rule file missing its expression fails the PrometheusRule schema', () => {
    const broken = structuredClone(rules);
    delete broken.groups[0].rules[0].expr;
    expect(() => new PrometheusRule({ metadata: { name: 'x' }, spec: broken }).validate()).toThrow(/must have required property expr/);
  });
});

/** promtool from Debian's prometheus package, when this machine has it. */
const promtool = spawnSync('promtool', ['--version']).status === 0;

function runPromtool(...args: string[]): { ok: boolean; output: string } {
  const r = spawnSync('promtool', args, { encoding: 'utf8', cwd: path.join(ROOT, 'deploy/prometheus') });
  return { ok: r.status === 0, output: `${r.stdout}${r.stderr}` };
}

/** The dashboard's queries as recording rules, Grafana's variables filled in, for promtool to parse. */
function dashboardAsRules(dash: typeof dashboard): string {
  const rulesOut = dashboardExpressions(dash).map(([, expr], i) => ({
    record: `dashboard:expr_${i}`,
    expr: expr.replaceAll('$__rate_interval', '5m').replaceAll('$job', '.*').replaceAll('$instance', '.*'),
  }));
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'do-dash-')), 'rules.yaml');
  fs.writeFileSync(file, YAML.stringify({ groups: [{ name: 'dashboard', rules: rulesOut }] }));
  return file;
}

(promtool ? describe : describe.skip)('promtool (Prometheus parser and rule unit tests)', () => {
  it('parses every alert rule and every dashboard query', () => {
    expect(runPromtool('check', 'rules', 'alerts.yaml')).toMatchObject({ ok: true });
    expect(runPromtool('check', 'rules', dashboardAsRules(dashboard))).toMatchObject({ ok: true });
  });

  it('fires the alerts of alerts.test.yaml as expected', () => {
    const r = runPromtool('test', 'rules', 'alerts.test.yaml');
    expect(r.output).toContain('SUCCESS');
    expect(r.ok).toBe(true);
  });

  it('refuses a query with a syntax error', () => {
    const broken = structuredClone(dashboard);
    broken.panels.find((p: { title: string }) => p.title === 'Calls by family').targets[0].expr =
      'sum by (family (rate(delivery_overview_clickhouse_query_duration_seconds_count[5m]))';
    const r = runPromtool('check', 'rules', dashboardAsRules(broken));
    expect(r.ok).toBe(false);
    expect(r.output).toMatch(/parse error/);
  });
});
