import { loadMigrations, splitStatements } from '../../src/clickhouse/migrations';

describe('migrations rendered for a cluster', () => {
  const single = loadMigrations({ database: 'dov', cluster: null });
  const cluster = loadMigrations({ database: 'dov', cluster: 'prod' });
  const all = cluster.flatMap((m) => m.statements);

  it('keeps single-node statements untouched', () => {
    const raw = single.find((m) => m.name === 'create_delivery_events')!;
    expect(raw.statements).toHaveLength(1);
    expect(raw.statements[0]).toMatch(/^CREATE TABLE IF NOT EXISTS dov\.delivery_events\n/);
    expect(raw.statements[0]).toMatch(/ENGINE = MergeTree\n/);
    expect(single.flatMap((m) => m.statements).join('\n')).not.toMatch(/ON CLUSTER|Replicated|Distributed|\{\{db\}\}/);
  });

  it('creates every MergeTree table as a replicated _local table plus a Distributed table', () => {
    const raw = cluster.find((m) => m.name === 'create_delivery_events')!;
    expect(raw.statements).toHaveLength(2);
    expect(raw.statements[0]).toMatch(/^CREATE TABLE IF NOT EXISTS dov\.delivery_events_local ON CLUSTER prod\n/);
    expect(raw.statements[0]).toMatch(/ENGINE = ReplicatedMergeTree\n/);
    expect(raw.statements[1]).toBe(
      'CREATE TABLE IF NOT EXISTS dov.delivery_events ON CLUSTER prod AS dov.delivery_events_local\nENGINE = Distributed(prod, dov, delivery_events_local, rand())',
    );
    const minute = cluster.find((m) => m.name === 'create_events_minute')!;
    expect(minute.statements[0]).toMatch(/ENGINE = ReplicatedSummingMergeTree\(\(events, reports\)\)/);
  });

  it('points materialized views at the local tables on both ends', () => {
    const mv = cluster.find((m) => m.name === 'mv_events_minute')!;
    expect(mv.statements).toHaveLength(1);
    expect(mv.statements[0]).toMatch(/^CREATE MATERIALIZED VIEW IF NOT EXISTS dov\.events_minute_mv ON CLUSTER prod TO dov\.events_minute_local AS/);
    expect(mv.statements[0]).toMatch(/FROM dov\.delivery_events_local\n/);
  });

  it('renders ON CLUSTER on every CREATE and never doubles _local', () => {
    for (const s of all) {
      if (s.startsWith('CREATE')) expect(s).toMatch(/ON CLUSTER prod/);
      expect(s).not.toMatch(/_local_local/);
    }
  });

  it('alters both parts of a sharded table, each ON CLUSTER (the Distributed table copied the columns once)', () => {
    const alter = cluster.find((m) => m.name === 'add_connection_columns')!;
    expect(alter.statements).toHaveLength(2);
    expect(alter.statements[0]).toMatch(/^ALTER TABLE dov\.delivery_events_local ON CLUSTER prod\n\s+ADD COLUMN IF NOT EXISTS sync_id/);
    expect(alter.statements[1]).toMatch(/^ALTER TABLE dov\.delivery_events ON CLUSTER prod\n\s+ADD COLUMN IF NOT EXISTS sync_id/);
    const single = loadMigrations({ database: 'dov', cluster: null }).find((m) => m.name === 'add_connection_columns')!;
    expect(single.statements).toEqual([expect.stringMatching(/^ALTER TABLE dov\.delivery_events\n/)]);
  });

  it('splits statements on semicolons at line ends and drops comment lines', () => {
    expect(splitStatements("-- a comment\nSELECT 1;\n\nSELECT ';' AS x;\n-- tail")).toEqual(['SELECT 1', "SELECT ';' AS x"]);
  });
});

describe('backfill statements on a cluster', () => {
  it('read and write the Distributed tables, not one shard', () => {
    const backfill = loadMigrations({ database: 'dov', cluster: 'prod' }).find((m) => m.name === 'backfill_steps_hour')!;
    expect(backfill.statements).toHaveLength(1);
    expect(backfill.statements[0]).toMatch(/^INSERT INTO dov\.steps_hour\n/);
    expect(backfill.statements[0]).toMatch(/FROM dov\.events_hour\n/);
    expect(backfill.statements[0]).not.toMatch(/_local/);
  });
});
