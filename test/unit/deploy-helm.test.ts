import fs from 'node:fs';
import path from 'node:path';
import YAML, { isMap, isPair, isScalar, type Node as YamlNode } from 'yaml';
import { Deployment } from 'kubernetes-models/apps/v1';
import { Job } from 'kubernetes-models/batch/v1';
import { Secret, Service } from 'kubernetes-models/v1';
import { Ingress } from 'kubernetes-models/networking.k8s.io/v1';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import { ServiceMonitor } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1';
import { parseTemplates, renderTemplate } from './deploy-gotemplate';

/**
 * The Helm chart, rendered without Helm (not installable here) by the Go-template subset in
 * deploy-gotemplate.ts, then every manifest validated against the Kubernetes OpenAPI schemas
 * that kubernetes-models ships (compiled to ajv validators; ServiceMonitor from
 * @kubernetes-models/prometheus-operator). Those schemas check types, required fields and enums,
 * not unknown field names, so the checks below also pin the fields that matter by name.
 */
const CHART = path.resolve(__dirname, '../../deploy/helm/delivery-overview');

type Obj = Record<string, any>;
interface Manifest {
  file: string;
  doc: Obj;
}

/** Helm's coalescing of a values file over the chart's values: maps merge, anything else replaces. */
function coalesce(base: unknown, over: unknown): unknown {
  if (over === undefined) return base;
  if (base && over && typeof base === 'object' && typeof over === 'object' && !Array.isArray(base) && !Array.isArray(over)) {
    const out: Obj = { ...(base as Obj) };
    for (const [k, v] of Object.entries(over as Obj)) out[k] = coalesce(out[k], v);
    return out;
  }
  return over;
}

function readYaml(file: string): Obj {
  return (YAML.parse(fs.readFileSync(path.join(CHART, file), 'utf8')) ?? {}) as Obj;
}

/** `helm template rel CHART -n ns -f <values file>`: every rendered file's text, partials and NOTES.txt included. */
function renderChart(values: Obj): Map<string, string> {
  const dir = path.join(CHART, 'templates');
  const sources = Object.fromEntries(fs.readdirSync(dir).map((f) => [f, fs.readFileSync(path.join(dir, f), 'utf8')]));
  const set = parseTemplates(sources);
  const chart = readYaml('Chart.yaml');
  const data = {
    Values: coalesce(readYaml('values.yaml'), values),
    Release: { Name: 'rel', Namespace: 'ns', Service: 'Helm', IsInstall: true, IsUpgrade: false, Revision: 1 },
    Chart: { Name: chart.name, Version: chart.version, AppVersion: chart.appVersion },
    Template: { BasePath: 'delivery-overview/templates' },
  };
  const out = new Map<string, string>();
  for (const file of Object.keys(sources).filter((f) => !f.startsWith('_'))) out.set(file, renderTemplate(set, file, data).replaceAll('<no value>', ''));
  return out;
}

function manifests(rendered: Map<string, string>): Manifest[] {
  const out: Manifest[] = [];
  for (const [file, text] of rendered) {
    if (file === 'NOTES.txt') continue;
    for (const d of YAML.parseAllDocuments(text)) {
      if (d.errors.length > 0) throw new Error(`${file}: ${d.errors[0].message}\n${text}`);
      const doc = d.toJS() as Obj | null;
      if (doc) out.push({ file, doc });
    }
  }
  return out;
}

const MODELS: Record<string, new (data: any) => { validate(): void }> = {
  'apps/v1 Deployment': Deployment,
  'batch/v1 Job': Job,
  'v1 Secret': Secret,
  'v1 Service': Service,
  'networking.k8s.io/v1 Ingress': Ingress,
  'autoscaling/v2 HorizontalPodAutoscaler': HorizontalPodAutoscaler,
  'policy/v1 PodDisruptionBudget': PodDisruptionBudget,
  'monitoring.coreos.com/v1 ServiceMonitor': ServiceMonitor,
};

/** Throws with the schema's complaint, or when no schema covers the kind (a new template needs one). */
function validate(m: Manifest): void {
  const key = `${m.doc.apiVersion} ${m.doc.kind}`;
  const Model = MODELS[key];
  if (!Model) throw new Error(`${m.file}: no schema for ${key}`);
  try {
    new Model(m.doc).validate();
  } catch (err) {
    throw new Error(`${m.file} (${key}): ${(err as Error).message}`);
  }
}

const required = readYaml('ci/required-values.yaml');
const allOn = readYaml('ci/all-on-values.yaml');
const byKind = (ms: Manifest[], kind: string) => ms.filter((m) => m.doc.kind === kind).map((m) => m.doc);
const one = (ms: Manifest[], kind: string) => {
  const found = byKind(ms, kind);
  expect(found).toHaveLength(1);
  return found[0];
};

describe.each([
  ['the defaults (plus the required values)', required, ['Deployment', 'Job', 'PodDisruptionBudget', 'Secret', 'Service']],
  ['every option on', allOn, ['Deployment', 'HorizontalPodAutoscaler', 'Ingress', 'Job', 'PodDisruptionBudget', 'Secret', 'Service', 'ServiceMonitor']],
])('Helm chart rendered with %s', (_name, values, kinds) => {
  const rendered = renderChart(values);
  const ms = manifests(rendered);

  it('renders the expected kinds, each valid against its Kubernetes schema', () => {
    expect(ms.map((m) => m.doc.kind).sort()).toEqual(kinds);
    for (const m of ms) expect(() => validate(m)).not.toThrow();
    for (const m of ms) expect(m.doc.metadata.labels['app.kubernetes.io/instance']).toBe('rel');
  });

  it('probes, runs unprivileged and reads its secrets from the Secret it references', () => {
    const deployment = one(ms, 'Deployment');
    const pod = deployment.spec.template.spec;
    const [gateway] = pod.containers;
    expect(gateway.args).toEqual(['serve']);
    expect(gateway.readinessProbe.httpGet).toEqual({ path: '/readyz', port: 'http' });
    expect(gateway.livenessProbe.httpGet).toEqual({ path: '/healthz', port: 'http' });
    expect(gateway.ports).toEqual([{ name: 'http', containerPort: 4000, protocol: 'TCP' }]);
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 1000 });
    expect(gateway.securityContext).toMatchObject({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } });
    expect(gateway.resources.requests).toBeDefined();
    const env = Object.fromEntries(gateway.env.map((e: Obj) => [e.name, e]));
    expect(Object.keys(env)).toEqual(
      expect.arrayContaining([
        'CLICKHOUSE_URL',
        'CLICKHOUSE_DATABASE',
        'CLICKHOUSE_USER',
        'CLICKHOUSE_PASSWORD',
        'ROOT_TOKEN',
        'SECRETS_KEY',
        'HOST',
        'DATA_DIR',
      ]),
    );
    expect(env.ROOT_TOKEN.value).toBeUndefined();
    const secret = one(ms, 'Secret');
    const refs = ms
      .flatMap((m) => JSON.stringify(m.doc).match(/"secretKeyRef":\{[^}]*\}/g) ?? [])
      .map((r) => JSON.parse(r.slice('"secretKeyRef":'.length)) as Obj);
    expect(refs.length).toBeGreaterThanOrEqual(5);
    for (const ref of refs) {
      expect(ref.name).toBe(secret.metadata.name);
      expect(Object.keys(secret.data)).toContain(ref.key);
    }
    // Round trip of every value, so a value YAML reads as a number (an unquoted all-digit key) shows.
    expect(Buffer.from(secret.data['root-token'], 'base64').toString()).toBe(values.secrets.rootToken);
    expect(Buffer.from(secret.data['secrets-key'], 'base64').toString()).toBe(values.secrets.secretsKey);
    if (values.clickhouse.cluster) expect(env.CLICKHOUSE_CLUSTER.value).toBe(values.clickhouse.cluster);
    else expect(env.CLICKHOUSE_CLUSTER).toBeUndefined();
  });

  it('migrates in a pre-install/pre-upgrade hook Job that runs after its Secret exists', () => {
    const job = one(ms, 'Job');
    const secret = one(ms, 'Secret');
    expect(job.metadata.annotations['helm.sh/hook']).toBe('pre-install,pre-upgrade');
    expect(secret.metadata.annotations['helm.sh/hook']).toBe('pre-install,pre-upgrade');
    expect(Number(secret.metadata.annotations['helm.sh/hook-weight'])).toBeLessThan(Number(job.metadata.annotations['helm.sh/hook-weight']));
    const [migrate] = job.spec.template.spec.containers;
    expect(migrate.args).toEqual(['migrate']);
    expect(migrate.env.find((e: Obj) => e.name === 'CLICKHOUSE_USER').value).toBe('delivery_overview_migrator');
    expect(job.spec.template.spec.restartPolicy).toBe('Never');
  });

  it('wires Service, PDB, HPA, Ingress and ServiceMonitor to the gateway pods', () => {
    const deployment = one(ms, 'Deployment');
    const podLabels = deployment.spec.template.metadata.labels;
    const service = one(ms, 'Service');
    for (const [k, v] of Object.entries(service.spec.selector)) expect(podLabels[k]).toBe(v);
    expect(service.spec.ports[0].targetPort).toBe('http');
    for (const [k, v] of Object.entries(one(ms, 'PodDisruptionBudget').spec.selector.matchLabels)) expect(podLabels[k]).toBe(v);
    for (const hpa of byKind(ms, 'HorizontalPodAutoscaler')) {
      expect(hpa.spec.scaleTargetRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: deployment.metadata.name });
      expect(deployment.spec.replicas).toBeUndefined();
    }
    for (const ingress of byKind(ms, 'Ingress')) {
      expect(ingress.metadata.annotations['nginx.ingress.kubernetes.io/proxy-read-timeout']).toBe('3600');
      expect(ingress.spec.rules[0].http.paths[0].backend.service).toEqual({ name: service.metadata.name, port: { number: service.spec.ports[0].port } });
    }
    for (const sm of byKind(ms, 'ServiceMonitor')) {
      expect(sm.spec.endpoints[0]).toMatchObject({ port: service.spec.ports[0].name, path: '/metrics' });
      expect(sm.metadata.labels.release).toBe('prometheus');
    }
  });

  it('prints usable NOTES', () => {
    const notes = rendered.get('NOTES.txt')!;
    expect(notes).toContain(values.clickhouse.url);
    expect(notes).not.toMatch(/<no value>|\{\{/);
  });
});

describe('Helm chart checks catch broken input', () => {
  it('a manifest the schema refuses is reported, with the field', () => {
    const [deployment] = manifests(renderChart(required)).filter((m) => m.doc.kind === 'Deployment');
    const broken = structuredClone(deployment);
    broken.doc.spec.replicas = 'two';
    expect(() => validate(broken)).toThrow(/spec\/replicas must be integer/);
    delete broken.doc.spec.replicas;
    delete broken.doc.spec.template.spec.containers[0].name;
    expect(() => validate(broken)).toThrow(/containers\/0 must have required property name/);
    expect(() => validate({ file: 'x.yaml', doc: { apiVersion: 'v1', kind: 'ConfigMap' } })).toThrow(/no schema for v1 ConfigMap/);
  });

  it('a bad value reaches the rendered manifest and fails its schema', () => {
    const [deployment] = manifests(renderChart(coalesce(required, { replicaCount: 'two' }) as Obj)).filter((m) => m.doc.kind === 'Deployment');
    expect(() => validate(deployment)).toThrow(/replicas must be integer/);
  });

  it('a missing required value stops the render with its message', () => {
    expect(() => renderChart({})).toThrow(/clickhouse\.url is required/);
    expect(() => renderChart(coalesce(required, { secrets: { rootToken: '' } }) as Obj)).toThrow(/secrets\.rootToken/);
    expect(() => renderChart(coalesce(required, { secrets: { existingSecret: 'mine', rootToken: '' } }) as Obj)).not.toThrow();
  });
});

describe('values.yaml', () => {
  const doc = YAML.parseDocument(fs.readFileSync(path.join(CHART, 'values.yaml'), 'utf8'));

  it('documents every value: each key, or a key above it, has a comment', () => {
    const undocumented: string[] = [];
    const walk = (node: YamlNode | null, prefix: string, documented: boolean) => {
      if (!isMap(node)) return;
      node.items.forEach((pair, i) => {
        if (!isPair(pair) || !isScalar(pair.key)) return;
        const name = `${prefix}${String(pair.key.value)}`;
        // The first key's comment is attached to the map (or the document) by the parser.
        const comment = pair.key.commentBefore ?? (i === 0 ? (node.commentBefore ?? (prefix === '' ? doc.commentBefore : null)) : null);
        const ok = documented || Boolean(comment);
        if (isMap(pair.value)) walk(pair.value, `${name}.`, ok);
        else if (!ok) undocumented.push(name);
      });
    };
    walk(doc.contents as YamlNode, '', false);
    expect(undocumented).toEqual([]);
  });

  it('has every value the templates read (a misspelt .Values path would render empty)', () => {
    const values = doc.toJS() as Obj;
    const dir = path.join(CHART, 'templates');
    const paths = new Set(
      fs.readdirSync(dir).flatMap((f) => [...fs.readFileSync(path.join(dir, f), 'utf8').matchAll(/\.Values((?:\.[A-Za-z0-9_]+)+)/g)].map((m) => m[1].slice(1))),
    );
    expect(paths.size).toBeGreaterThan(20);
    const missing = [...paths].filter(
      (p) => p.split('.').reduce<any>((v, k) => (v && typeof v === 'object' && k in v ? v[k] : undefined), values) === undefined,
    );
    expect(missing).toEqual([]);
  });
});
