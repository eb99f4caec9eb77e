import fs from 'node:fs';
import path from 'node:path';
import { type Db } from '../../src/clickhouse/client';
import { dbOptionsOf, openDb } from '../../src/clickhouse/open';
import { loadMigrations, migrate } from '../../src/clickhouse/migrations';
import { testConfig } from '../helpers/gateway';

/**
 * The cluster DDL is never executed here (no ClickHouse server or Keeper runs on these
 * machines), so a syntax error in it would only show on a real cluster. This parses every
 * statement of every migration, rendered ON CLUSTER as `migrate` would render it, with the
 * embedded engine's parser (EXPLAIN AST parses and prints, it neither analyses nor runs), and
 * the same for the SQL in deploy/compose: the GRANTs of the ClickHouse users file and the
 * CREATE DATABASE of the cluster's init service. The embedded engine is ClickHouse 26.7 (chdb's
 * library); the servers in deploy/ are 26.3 LTS, whose parser is older, so a construct new in
 * 26.4-26.7 would pass here and fail there: the migrations use none (docs/deploy.md).
 */
let db: Db;
const config = testConfig('deploy_ddl');

beforeAll(async () => {
  db = await openDb(dbOptionsOf(config));
});
afterAll(async () => db.close());

async function parse(sql: string): Promise<string> {
  // One column comes back as bare strings from the embedded engine; keep both shapes.
  const rows = await db.query<string | { explain: string }>({ family: 'test', sql: `EXPLAIN AST ${sql}` });
  return rows.map((r) => (typeof r === 'string' ? r : r.explain)).join('\n');
}

/** The statement as the parser understood it, printed back on one line (formatQuerySingleLine). */
async function reformat(sql: string): Promise<string> {
  const rows = await db.query<string | { q: string }>({ family: 'test', sql: 'SELECT formatQuerySingleLine({sql:String}) AS q', params: { sql } });
  return rows.map((r) => (typeof r === 'string' ? r : r.q)).join('');
}

/** The statement and the parser's complaint, or null when it parses. */
async function parseError(sql: string): Promise<string | null> {
  try {
    await parse(sql);
    return null;
  } catch (err) {
    const cause = (err as Error).cause as { message?: string } | undefined;
    return (cause?.message ?? (err as Error).message).split('\n')[0];
  }
}

const COMPOSE = path.resolve(__dirname, '../../deploy/compose');

describe.each([
  { database: 'dov', cluster: 'c' },
  { database: 'delivery_overview', cluster: 'events' },
])('migrations rendered ON CLUSTER $cluster for database $database', (target) => {
  const statements = loadMigrations(target).flatMap((m) => m.statements.map((sql) => ({ file: m.file, sql })));

  it('parse, every one of them', async () => {
    expect(statements.length).toBeGreaterThan(30);
    const failures: string[] = [];
    for (const s of statements) {
      const error = await parseError(s.sql);
      if (error) failures.push(`${s.file}: ${error}`);
    }
    expect(failures).toEqual([]);
  });

  it('parse to what the renderer meant: ON CLUSTER, Replicated engines, Distributed tables', async () => {
    const { database: d, cluster: c } = target;
    const [local, distributed] = statements.filter((s) => s.file.startsWith('0001_'));
    expect(await parse(local.sql)).toMatch(new RegExp(`^CreateQuery ${d} delivery_events_local`));
    expect(await reformat(local.sql)).toMatch(
      new RegExp(`^CREATE TABLE IF NOT EXISTS ${d}\\.delivery_events_local ON CLUSTER ${c} \\(.*\\) ENGINE = ReplicatedMergeTree `),
    );
    expect(await reformat(distributed.sql)).toBe(
      `CREATE TABLE IF NOT EXISTS ${d}.delivery_events ON CLUSTER ${c} AS ${d}.delivery_events_local ENGINE = Distributed(${c}, ${d}, delivery_events_local, rand())`,
    );
    const view = statements.find((s) => s.file.startsWith('0003_'))!;
    expect(await reformat(view.sql)).toMatch(
      new RegExp(
        `^CREATE MATERIALIZED VIEW IF NOT EXISTS ${d}\\.events_minute_mv ON CLUSTER ${c} TO ${d}\\.events_minute_local .* FROM ${d}\\.delivery_events_local `,
      ),
    );
  });
});

describe('SQL in deploy/compose', () => {
  it('the ClickHouse users file grants with statements that parse', async () => {
    const xml = fs.readFileSync(path.join(COMPOSE, 'clickhouse/users.d/delivery-overview.xml'), 'utf8');
    const grants = [...xml.matchAll(/<query>([^<]+)<\/query>/g)].map((m) => m[1]);
    expect(grants.length).toBeGreaterThanOrEqual(5);
    // A GRANT in a users file has no TO clause (the user is the enclosing element); parse it as
    // the equivalent full statement.
    for (const grant of grants) expect([grant, await parseError(`${grant} TO someone`)]).toEqual([grant, null]);
  });

  it('the cluster init creates the database with a statement that parses', async () => {
    const cluster = fs.readFileSync(path.join(COMPOSE, 'cluster.yaml'), 'utf8');
    const [, create] = /--query "([^"]+)"/.exec(cluster) ?? [];
    expect(create).toMatch(/^CREATE DATABASE IF NOT EXISTS delivery_overview ON CLUSTER events$/);
    expect(await parseError(create)).toBeNull();
  });
});

describe('the DDL check catches broken input', () => {
  it('a cluster statement with a syntax error fails to parse', async () => {
    const [create] = loadMigrations({ database: 'dov', cluster: 'c' })[0].statements;
    const broken = create.replace('ON CLUSTER c', 'ON CLUSTR c');
    expect(broken).not.toBe(create);
    expect(await parseError(broken)).toMatch(/Syntax error/);
    expect(await parseError(create.replace(/\)\s*ENGINE/, ' ENGINE'))).toMatch(/Syntax error/);
  });

  it('a broken migration file is caught the same way as it would ship', async () => {
    const dir = fs.mkdtempSync(path.join(config.server.dataDir, 'ddl-'));
    fs.writeFileSync(path.join(dir, '0001_broken.sql'), 'CREATE TABLE IF NOT EXISTS {{db}}.t (x UInt8,, y String) ENGINE = MergeTree ORDER BY x');
    const [statement] = loadMigrations({ database: 'dov', cluster: 'c' }, dir)[0].statements;
    expect(statement).toContain('ON CLUSTER c');
    expect(await parseError(statement)).toMatch(/Syntax error/);
  });

  it('parsing does not execute: nothing is created by EXPLAIN AST', async () => {
    const db2 = config.clickhouse.database;
    await parse(`CREATE TABLE IF NOT EXISTS ${db2}.never_created (x UInt8) ENGINE = MergeTree ORDER BY x`);
    const rows = await db.query({ family: 'test', sql: `SELECT name FROM system.tables WHERE name = 'never_created'` });
    expect(rows).toEqual([]);
    // The single-node migrations still apply here, so the files themselves are sound.
    await expect(migrate(db, { database: db2, cluster: null })).resolves.toMatchObject({ skipped: 0 });
  });
});
