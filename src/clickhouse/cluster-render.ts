/**
 * Renders a single-node migration statement for a ClickHouse cluster:
 * - every CREATE gets `ON CLUSTER <cluster>`;
 * - `*MergeTree` engines become `Replicated*MergeTree` (paths from the server's
 *   default_replica_path / default_replica_name);
 * - a MergeTree-family table `t` is created as `t_local`, and `t` becomes a
 *   Distributed table over it, so readers keep querying `t`;
 * - materialized views read from and write to the `_local` tables, so each shard
 *   aggregates the rows it stores;
 * - an `ALTER TABLE` of such a table changes both its `_local` part and its Distributed
 *   table (which copied the column list when it was created), each ON CLUSTER.
 * Pure string rendering over the project's own migration files, unit tested.
 */
const CREATE_TABLE = /^CREATE TABLE IF NOT EXISTS (\w+)\.(\w+)/;
const CREATE_ANY = /^CREATE (TABLE|MATERIALIZED VIEW|VIEW|DICTIONARY) IF NOT EXISTS (\w+)\.(\w+)/;
const ENGINE = /ENGINE = (\w*)MergeTree/;
const ALTER_TABLE = /^ALTER TABLE (\w+)\.(\w+)\b/;

/** Returns a renderer that remembers, across the statements it is given in order, which tables became `_local`. */
export function createClusterRenderer(cluster: string, database: string): (statement: string) => string[] {
  const locals = new Set<string>();
  return (statement) => {
    const alter = ALTER_TABLE.exec(statement);
    if (alter && locals.has(alter[2])) {
      const [head, db, name] = alter;
      const rest = statement.slice(head.length);
      return [`ALTER TABLE ${db}.${name}_local ON CLUSTER ${cluster}${rest}`, `ALTER TABLE ${db}.${name} ON CLUSTER ${cluster}${rest}`];
    }
    let sql = statement;
    const table = CREATE_TABLE.exec(sql);
    const isMergeTreeTable = table !== null && ENGINE.test(sql);
    if (isMergeTreeTable) locals.add(table[2]);
    // Point references to sharded tables at their local part (word-bounded, db-qualified).
    // Data statements (a backfill INSERT … SELECT) stay on the Distributed tables: they must
    // read and write every shard.
    for (const name of statement.startsWith('INSERT') ? [] : locals) {
      sql = sql.replace(new RegExp(`\\b${database}\\.${name}\\b(?!_local)`, 'g'), `${database}.${name}_local`);
    }
    sql = sql.replace(CREATE_ANY, (m) => `${m} ON CLUSTER ${cluster}`);
    sql = sql.replace(ENGINE, (_m, prefix: string) => `ENGINE = Replicated${prefix}MergeTree`);
    if (!isMergeTreeTable) return [sql];
    const name = table[2];
    const distributed =
      `CREATE TABLE IF NOT EXISTS ${database}.${name} ON CLUSTER ${cluster} AS ${database}.${name}_local\n` +
      `ENGINE = Distributed(${cluster}, ${database}, ${name}_local, rand())`;
    return [sql, distributed];
  };
}
