import fs from 'node:fs';
import path from 'node:path';
import Ajv from 'ajv';
import YAML from 'yaml';
import { loadConfig } from '../../src/config/config';

/**
 * deploy/compose/*.yaml, checked without a container engine (none runs here): each file is
 * validated against the Compose Specification's JSON schema, as shipped in the dclint package
 * (schemas/compose.schema.json), and then against what the schema cannot know: services that
 * are depended on exist and are health-gated, images are pinned, mounted files exist, the
 * gateway's environment passes the gateway's own configuration check, and the cluster's
 * ClickHouse, Keeper and nginx files agree with the services.
 */
const ROOT = path.resolve(__dirname, '../..');
const COMPOSE = path.join(ROOT, 'deploy/compose');

type Obj = Record<string, any>;

function composeSchema(): Obj {
  const file = path.join(path.dirname(require.resolve('dclint/package.json')), 'schemas/compose.schema.json');
  const schema = JSON.parse(fs.readFileSync(file, 'utf8')) as Obj;
  // It declares draft-07 by an https URI ajv does not know under that name; ajv's default
  // dialect is draft-07, so the declaration is dropped rather than the dialect changed.
  delete schema.$schema;
  return schema;
}

const ajv = new Ajv({ allErrors: true, strict: false });
const validateCompose = ajv.compile(composeSchema());

/** Parsed as Compose does: YAML merge keys (`<<: *anchor`) resolved. */
function load(name: string): Obj {
  return YAML.parse(fs.readFileSync(path.join(COMPOSE, name), 'utf8'), { merge: true }) as Obj;
}

function schemaProblems(doc: Obj): string[] {
  return validateCompose(doc) ? [] : (validateCompose.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);
}

/** A one-shot service runs to completion and is only ever waited for as such. */
const isOneShot = (svc: Obj) => svc.restart === 'no';

const PINNED = /^[a-z0-9][a-z0-9./_-]*:(\d+)(\.\d+){2,}(-[a-z0-9.]+)?$/;

/** What the Compose schema cannot check. Returns every problem found, empty when none. */
function semanticProblems(doc: Obj): string[] {
  const problems: string[] = [];
  const services = doc.services as Obj;
  const declaredVolumes = new Set(Object.keys(doc.volumes ?? {}));
  for (const [name, svc] of Object.entries(services)) {
    if (!PINNED.test(svc.image ?? '')) problems.push(`${name}: image ${svc.image} is not pinned to an exact version`);
    if (/:latest\b/.test(svc.image ?? '')) problems.push(`${name}: image uses latest`);
    if (!isOneShot(svc) && !svc.healthcheck?.test) problems.push(`${name}: long-running service without a healthcheck`);
    for (const [target, dep] of Object.entries((svc.depends_on ?? {}) as Obj)) {
      const other = services[target];
      if (!other) {
        problems.push(`${name}: depends on ${target}, which does not exist`);
        continue;
      }
      const wanted = isOneShot(other) ? 'service_completed_successfully' : 'service_healthy';
      if (dep.condition !== wanted) problems.push(`${name}: waits for ${target} with ${dep.condition}, not ${wanted}`);
    }
    for (const volume of (svc.volumes ?? []) as string[]) {
      const [source] = volume.split(':');
      if (source.startsWith('.')) {
        if (!fs.existsSync(path.join(COMPOSE, source))) problems.push(`${name}: mounts ${source}, which does not exist`);
      } else if (!declaredVolumes.has(source)) problems.push(`${name}: volume ${source} is not declared`);
    }
  }
  return problems;
}

/** ${VAR…} references, which must all be documented in env.example. */
function interpolated(file: string): string[] {
  return [...fs.readFileSync(path.join(COMPOSE, file), 'utf8').matchAll(/(?<!\$)\$\{([A-Z0-9_]+)/g)].map((m) => m[1]);
}

/** Substitutes ${VAR:?…} with a value the gateway accepts, as compose would from .env. */
function withSampleSecrets(env: Obj): Record<string, string> {
  const sample: Record<string, string> = { ROOT_TOKEN: 'r'.repeat(32), SECRETS_KEY: 'ab'.repeat(32) };
  return Object.fromEntries(
    Object.entries(env).map(([k, v]) => [
      k,
      String(v).replace(/\$\{([A-Z0-9_]+)[^}]*\}/g, (_m, name: string) => sample[name] ?? `sample-${name.toLowerCase()}`),
    ]),
  );
}

const gatewayImage = `delivery-overview:${(JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string }).version}`;

describe.each(['single.yaml', 'cluster.yaml'])('deploy/compose/%s', (file) => {
  const doc = load(file);

  it('is valid against the Compose Specification schema', () => {
    expect(schemaProblems(doc)).toEqual([]);
  });

  it('waits on existing, health-gated services; pins every image; mounts files that exist', () => {
    expect(semanticProblems(doc)).toEqual([]);
  });

  it('runs migrate once, before any gateway, with the migrator user', () => {
    const services = doc.services as Obj;
    expect(services.migrate).toMatchObject({ image: gatewayImage, command: ['migrate'], restart: 'no' });
    expect(services.migrate.environment.CLICKHOUSE_USER).toBe('delivery_overview_migrator');
    const gateways = Object.entries(services).filter(([, s]) => (s as Obj).command?.[0] === 'serve');
    expect(gateways.length).toBeGreaterThan(0);
    for (const [name, svc] of gateways) {
      expect([name, svc.image]).toEqual([name, gatewayImage]);
      expect(svc.depends_on.migrate).toEqual({ condition: 'service_completed_successfully' });
      expect(svc.environment.CLICKHOUSE_USER).toBe('delivery_overview');
    }
  });

  it('gives the gateway an environment its own configuration check accepts', () => {
    for (const [name, svc] of Object.entries(doc.services as Obj)) {
      if (svc.image !== gatewayImage) continue;
      const config = loadConfig(withSampleSecrets(svc.environment));
      expect([name, config.clickhouse.url]).toEqual([name, expect.stringMatching(/^http:\/\/[a-z0-9-]+:8123$/)]);
      expect(config.auth.rootToken).not.toBeNull();
    }
  });

  it('documents every ${VAR} it reads in env.example', () => {
    const documented = new Set([...fs.readFileSync(path.join(COMPOSE, 'env.example'), 'utf8').matchAll(/^([A-Z0-9_]+)=/gm)].map((m) => m[1]));
    expect(interpolated(file).filter((v) => !documented.has(v))).toEqual([]);
  });
});

describe('deploy/compose/cluster.yaml agrees with its ClickHouse, Keeper and nginx files', () => {
  const services = load('cluster.yaml').services as Obj;
  const read = (f: string) => fs.readFileSync(path.join(COMPOSE, f), 'utf8');
  const remote = read('clickhouse/config.d/remote-servers.xml');
  const keeper = read('clickhouse/keeper/keeper.xml');
  const servers = Object.keys(services).filter((n) => services[n].image?.startsWith('clickhouse/clickhouse-server') && services[n].restart !== 'no');
  const keepers = Object.keys(services).filter((n) => services[n].image?.startsWith('clickhouse/clickhouse-keeper'));

  it('runs 2 shards x 2 replicas and three Keeper nodes of one ClickHouse version', () => {
    const shards = [...remote.matchAll(/<shard>([\s\S]*?)<\/shard>/g)].map((m) => [...m[1].matchAll(/<host>([^<]+)<\/host>/g)].map((h) => h[1]));
    expect(shards).toEqual([
      ['ch-s1-r1', 'ch-s1-r2'],
      ['ch-s2-r1', 'ch-s2-r2'],
    ]);
    expect(servers.sort()).toEqual(shards.flat().sort());
    expect(new Set(servers.map((s) => `${services[s].environment.CH_SHARD}/${services[s].environment.CH_REPLICA}`)).size).toBe(4);
    expect(keepers).toHaveLength(3);
    const versions = new Set([...servers, ...keepers, 'clickhouse-init'].map((n) => services[n].image.split(':')[1]));
    expect(versions.size).toBe(1);
    expect(load('single.yaml').services.clickhouse.image.split(':')[1]).toBe([...versions][0]);
  });

  it('points servers at the Keeper services, and each Keeper at its own raft id', () => {
    const zk = [...remote.matchAll(/<node><host>([^<]+)<\/host><port>(\d+)<\/port><\/node>/g)].map((m) => m[1]);
    expect(zk.sort()).toEqual(keepers.sort());
    const raft = [...keeper.matchAll(/<server><id>(\d+)<\/id><hostname>([^<]+)<\/hostname>/g)].map((m) => `${m[1]}:${m[2]}`);
    expect(raft.sort()).toEqual(keepers.map((k) => `${services[k].environment.KEEPER_SERVER_ID}:${k}`).sort());
  });

  it('renders migrations ON CLUSTER for the cluster remote_servers defines', () => {
    const [, cluster] = /<remote_servers>\s*<(\w+)>/.exec(remote) ?? [];
    expect(cluster).toBe('events');
    for (const name of ['migrate', 'gateway-1', 'gateway-2']) expect(services[name].environment.CLICKHOUSE_CLUSTER).toBe(cluster);
    expect(services['clickhouse-init'].command.join(' ')).toContain(`ON CLUSTER ${cluster}`);
  });

  it('proxies to both gateways and passes the WebSocket upgrade on /graphql', () => {
    const nginx = read('nginx/nginx.conf');
    const upstream = [...nginx.matchAll(/server (gateway-\d):4000/g)].map((m) => m[1]);
    expect(upstream.sort()).toEqual(['gateway-1', 'gateway-2']);
    const graphql = /location \/graphql \{([\s\S]*?)\}/.exec(nginx)?.[1] ?? '';
    expect(graphql).toMatch(/proxy_set_header Upgrade \$http_upgrade;/);
    expect(graphql).toMatch(/proxy_set_header Connection \$connection_upgrade;/);
    expect(graphql).toMatch(/proxy_read_timeout/);
    expect(services.proxy.depends_on).toEqual({ 'gateway-1': { condition: 'service_healthy' }, 'gateway-2': { condition: 'service_healthy' } });
  });
});

describe('compose checks catch broken input', () => {
  const doc = load('single.yaml');

  it('the schema refuses an unknown depends_on condition and a misspelt key', () => {
    const broken = structuredClone(doc);
    broken.services.gateway.depends_on.migrate.condition = 'service_done';
    broken.services.gateway.helthcheck = broken.services.gateway.healthcheck;
    const problems = schemaProblems(broken).join('\n');
    expect(problems).toMatch(/depends_on\/migrate\/condition must be equal to one of the allowed values/);
    expect(problems).toMatch(/\/services\/gateway must NOT have additional properties/);
  });

  it('the semantic checks refuse a missing dependency, an unpinned image, a lost healthcheck and a missing file', () => {
    const broken = structuredClone(doc);
    broken.services.gateway.depends_on.cache = { condition: 'service_healthy' };
    broken.services.clickhouse.image = 'clickhouse/clickhouse-server:latest';
    delete broken.services.gateway.healthcheck;
    broken.services.clickhouse.volumes.push('./clickhouse/users.d/absent.xml:/etc/clickhouse-server/users.d/absent.xml:ro');
    expect(semanticProblems(broken)).toEqual([
      'clickhouse: image clickhouse/clickhouse-server:latest is not pinned to an exact version',
      'clickhouse: image uses latest',
      'clickhouse: mounts ./clickhouse/users.d/absent.xml, which does not exist',
      'gateway: long-running service without a healthcheck',
      'gateway: depends on cache, which does not exist',
    ]);
  });

  it('the configuration check refuses a gateway environment the gateway would refuse', () => {
    const env = withSampleSecrets({ ...doc.services.gateway.environment, CLICKHOUSE_CLUSTER: 'no-dashes-allowed' });
    expect(() => loadConfig(env)).toThrow(/CLICKHOUSE_CLUSTER/);
  });
});
