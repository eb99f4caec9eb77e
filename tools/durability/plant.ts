import type { Db } from '../../src/clickhouse/client';
import { plantOrphan } from './dedup-log';
import { WORKSPACE } from './gateway';
import { TIER_RECOUNTS } from './recount';
import { DATABASE, type Run } from './run';

/**
 * Faults planted on purpose after a run (`--plant`), to watch each check fail:
 *
 * - `orphan`: an orphan deduplication record appended before the end-of-run count; the count
 *   sees it and the product's repair drops it (the run still passes);
 * - `orphan-unrepaired`: the same, appended after the repair: "after repair" must catch it;
 * - `raw`: one delivered report deleted from the raw table: lost, every tier it feeds, the API;
 * - `tier:<table>`: the rows of one tier's first key value deleted: that tier's recount, and the
 *   API wherever it reads that tier.
 */
export const PLANTS = ['orphan', 'orphan-unrepaired', 'raw', ...TIER_RECOUNTS.map((t) => `tier:${t.table}`)];

export function plantBeforeRepair(run: Run): void {
  if (run.opts.plant !== 'orphan') return;
  const o = plantOrphan(run.dataDir, DATABASE, 'delivery_events');
  run.note(`planted: orphan record ${o.part} ${o.blockId} in delivery_events`);
}

export async function plantAfterRepair(run: Run, db: Db): Promise<void> {
  const plant = run.opts.plant;
  if (plant === 'orphan-unrepaired') {
    const o = plantOrphan(run.dataDir, DATABASE, 'delivery_events');
    run.note(`planted after the repair: orphan record ${o.part} ${o.blockId} in delivery_events`);
  } else if (plant === 'raw') {
    // The id first: a mutation evaluates its subquery once per part, which would delete one row per part.
    const [{ id }] = await db.query<{ id: string }>({
      family: 'durability',
      sql: `SELECT min(message_id) AS id FROM ${db.database}.delivery_events WHERE workspace_id = {ws:String} AND step = 'delivered'`,
      params: { ws: WORKSPACE },
    });
    await mutate(db, `ALTER TABLE ${db.database}.delivery_events DELETE WHERE workspace_id = {ws:String} AND message_id = {id:String}`, { id });
    run.note(`planted: delivered report ${id} deleted from delivery_events`);
  } else if (plant?.startsWith('tier:')) {
    const t = TIER_RECOUNTS.find((x) => `tier:${x.table}` === plant)!;
    const key = Object.values(t.keys)[0].tier.replace(/^toUnixTimestamp\((\w+)\)$/, '$1');
    const [{ v }] = await db.query<{ v: string }>({
      family: 'durability',
      sql: `SELECT toString(min(${key})) AS v FROM ${db.database}.${t.table} WHERE workspace_id = {ws:String}`,
      params: { ws: WORKSPACE },
    });
    await mutate(db, `ALTER TABLE ${db.database}.${t.table} DELETE WHERE workspace_id = {ws:String} AND toString(${key}) = {v:String}`, { v });
    run.note(`planted: the rows of the first ${key} deleted from ${t.table}`);
  }
}

async function mutate(db: Db, sql: string, params: Record<string, string> = {}): Promise<void> {
  await db.command({ family: 'durability', sql, params: { ws: WORKSPACE, ...params }, settings: { mutations_sync: '2' } });
}
