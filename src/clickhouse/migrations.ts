import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { AppError, ErrorCode } from '../domain/errors';
import type { Db } from './client';
import { createClusterRenderer } from './cluster-render';
import { keepMergedAwayParts } from './merged-away-parts';
import { PACKAGE_ROOT } from '../package-root';

/** `migrations/` at the package root, next to `dist/` and `src/`. */
export const MIGRATIONS_DIR = path.join(PACKAGE_ROOT, 'migrations');
const FILE_PATTERN = /^(\d{4})_([a-z0-9_]+)\.sql$/;

export interface Migration {
  version: number;
  name: string;
  file: string;
  checksum: string;
  /** Statements with `{{db}}` substituted, in file order. */
  statements: string[];
}

export interface MigrationTarget {
  database: string;
  /** Render ON CLUSTER with Replicated/Distributed tables for this cluster. */
  cluster: string | null;
}

export function loadMigrations(target: MigrationTarget, dir = MIGRATIONS_DIR): Migration[] {
  const files = fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.sql'))
    .sort();
  const seen = new Set<number>();
  const render = target.cluster ? createClusterRenderer(target.cluster, target.database) : (s: string) => [s];
  return files.map((file) => {
    const m = FILE_PATTERN.exec(file);
    if (!m) throw new AppError(ErrorCode.INTERNAL_SERVER_ERROR, `Migration file ${file} is not named NNNN_name.sql`);
    const version = Number(m[1]);
    if (seen.has(version)) throw new AppError(ErrorCode.INTERNAL_SERVER_ERROR, `Migration version ${m[1]} is used twice (${file})`);
    seen.add(version);
    const text = fs.readFileSync(path.join(dir, file), 'utf8');
    const checksum = crypto.createHash('sha256').update(text).digest('hex').slice(0, 16);
    const statements = splitStatements(text).map((s) => s.replaceAll('{{db}}', target.database));
    return {
      version,
      name: m[2],
      file,
      checksum,
      statements: statements.flatMap(render),
    };
  });
}

/** Splits on `;` at the end of a line; strips comment-only lines. */
export function splitStatements(sql: string): string[] {
  return sql
    .split(/;\s*$/m)
    .map((s) =>
      s
        .split('\n')
        .filter((line) => !line.trim().startsWith('--'))
        .join('\n')
        .trim(),
    )
    .filter((s) => s.length > 0);
}

export interface MigrationReport {
  applied: string[];
  skipped: number;
}

/**
 * Applies the migrations not yet recorded in `schema_migrations`, in order. Every
 * statement is idempotent (IF NOT EXISTS), so a run that died half-way is safe to
 * repeat. A recorded migration whose file changed is refused: migrations are
 * forward only, a change is a new file. On the embedded engine every MergeTree table
 * then keeps the parts a merge replaced for 8 minutes (merged-away-parts.ts).
 */
export async function migrate(db: Db, target: MigrationTarget, dir = MIGRATIONS_DIR): Promise<MigrationReport> {
  const migrations = loadMigrations(target, dir);
  const onCluster = target.cluster ? ` ON CLUSTER ${target.cluster}` : '';
  const engine = target.cluster ? 'ReplicatedReplacingMergeTree' : 'ReplacingMergeTree';
  await db.command({
    family: 'migrate',
    sql: `CREATE TABLE IF NOT EXISTS ${target.database}.schema_migrations${onCluster}
          (version UInt32, name String, checksum String, applied_at DateTime64(3, 'UTC'))
          ENGINE = ${engine} ORDER BY version`,
  });
  const rows = await db.query<{ version: number; name: string; checksum: string }>({
    family: 'migrate',
    sql: `SELECT version, argMax(name, applied_at) AS name, argMax(checksum, applied_at) AS checksum
          FROM ${target.database}.schema_migrations GROUP BY version`,
  });
  const recorded = new Map(rows.map((r) => [Number(r.version), r]));
  const report: MigrationReport = { applied: [], skipped: 0 };
  for (const m of migrations) {
    const done = recorded.get(m.version);
    if (done) {
      if (done.checksum !== m.checksum) {
        throw new AppError(
          ErrorCode.INTERNAL_SERVER_ERROR,
          `Migration ${m.file} was changed after it was applied (checksum ${done.checksum} → ${m.checksum}); add a new migration instead`,
        );
      }
      report.skipped++;
      continue;
    }
    for (const statement of m.statements) {
      try {
        await db.command({ family: 'migrate', sql: statement });
      } catch (err) {
        const cause = (err as Error).cause as { message?: string } | undefined;
        const detail = cause?.message ?? (err as Error).message;
        throw new AppError(ErrorCode.INTERNAL_SERVER_ERROR, `Migration ${m.file} failed: ${detail.split('\n')[0]}`, { file: m.file }, { cause: err });
      }
    }
    await db.command({
      family: 'migrate',
      sql: `INSERT INTO ${target.database}.schema_migrations (version, name, checksum, applied_at)
            VALUES ({version:UInt32}, {name:String}, {checksum:String}, now64(3))`,
      params: { version: m.version, name: m.name, checksum: m.checksum },
    });
    report.applied.push(m.file);
  }
  // Not a migration file: a server keeps the setting's default, and a file would render it for a cluster's Distributed tables too.
  await keepMergedAwayParts(db);
  return report;
}

/** True when every migration file is recorded as applied (for /readyz). */
export async function migrationsApplied(db: Db, target: MigrationTarget, dir = MIGRATIONS_DIR): Promise<boolean> {
  const expected = loadMigrations(target, dir).map((m) => m.version);
  try {
    const rows = await db.query<{ version: number }>({
      family: 'readyz',
      sql: `SELECT DISTINCT version FROM ${target.database}.schema_migrations`,
    });
    const have = new Set(rows.map((r) => Number(r.version)));
    return expected.every((v) => have.has(v));
  } catch {
    return false;
  }
}

/** The database (and cluster) the configuration points migrations at. */
export function migrationTarget(config: { clickhouse: { database: string; cluster: string | null } }): MigrationTarget {
  return { database: config.clickhouse.database, cluster: config.clickhouse.cluster };
}
