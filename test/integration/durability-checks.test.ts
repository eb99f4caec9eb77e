import { Rng } from '../../src/simulate/random';
import { checkApi } from '../../tools/durability/api-check';
import { plantOrphan, scanDedupOrphans } from '../../tools/durability/dedup-log';
import { WORKSPACE } from '../../tools/durability/gateway';
import { Ledger } from '../../tools/durability/ledger';
import { recountTiers, TIER_RECOUNTS, viewTargets } from '../../tools/durability/recount';
import { makeReport, makeSync, type Fact, type SyncFact } from '../../tools/durability/traffic';
import { startTestGateway, workerDataDir, type TestGateway } from '../helpers/gateway';

/**
 * The durability harness's own checks can fail: on a real gateway with the harness's traffic,
 * each is clean first, then sees a planted fault (an orphan record in a deduplication log, one
 * tier's rows deleted, tier by tier for all of them, and the API reading a damaged tier).
 */
describe('durability harness checks', () => {
  let gw: TestGateway;
  const facts: Fact[] = [];
  const syncs: SyncFact[] = [];

  beforeAll(async () => {
    // Tiers are damaged behind the gateway's back: its result cache, which only its own writes invalidate, is off.
    gw = await startTestGateway('durability_checks', { RESULT_CACHE_ENTRIES: '0' });
    const token = await gw.token(WORKSPACE, ['ingest']);
    const rng = new Rng(5);
    const now = Date.now();
    const lines: string[] = [];
    for (let i = 0; i < 600; i++) {
      const { record, fact } = makeReport(rng, `c-${i}`, now - 60_000 - Math.floor(rng.next() * 6 * 3_600_000));
      facts.push(fact);
      lines.push(JSON.stringify(record));
    }
    const sync = makeSync(rng, 's-1', now - 120_000);
    syncs.push(sync.fact);
    lines.push(JSON.stringify(sync.record));
    const res = await gw.ingest(token, lines.join('\n'), { contentType: 'application/x-ndjson' });
    expect(res.status).toBe(200);
  }, 60_000);
  afterAll(() => gw?.close());

  it('recounts the target table of every materialized view in migrations/', () => {
    expect(new Set(viewTargets())).toEqual(new Set(TIER_RECOUNTS.map((t) => t.table)));
    expect(TIER_RECOUNTS).toHaveLength(13);
  });

  it('counts an orphan deduplication record from the files', () => {
    const database = gw.gateway.db.database;
    expect(scanDedupOrphans(workerDataDir(), database).orphans).toEqual([]);
    const planted = plantOrphan(workerDataDir(), database, 'delivery_events');
    expect(scanDedupOrphans(workerDataDir(), database).orphans).toEqual([planted]);
  });

  it('finds the API equal to the ledger, then a damaged tier in its answers, and every damaged tier in the recount', async () => {
    const db = gw.gateway.db;
    const token = await gw.token(WORKSPACE, ['read']);
    const api = async () => {
      const mismatches: string[] = [];
      const compared = await checkApi({ url: gw.url, token, ledger: new Ledger([{ facts, syncs }]), mismatch: (s) => mismatches.push(s) });
      return { compared, mismatches };
    };
    const clean = await api();
    expect(clean.mismatches).toEqual([]);
    expect(clean.compared).toBeGreaterThan(100);
    expect(Object.values(await recountTiers(db, WORKSPACE)).map((d) => d.keys)).toEqual(TIER_RECOUNTS.map(() => 0));

    const damaged: string[] = [];
    for (const t of TIER_RECOUNTS) {
      const key = Object.values(t.keys)[0].tier.replace(/^toUnixTimestamp\((\w+)\)$/, '$1');
      await db.command({
        family: 'test',
        sql: `ALTER TABLE ${db.database}.${t.table} DELETE WHERE workspace_id = {ws:String} AND toString(${key}) = (SELECT toString(max(${key})) FROM ${db.database}.${t.table} WHERE workspace_id = {ws:String})`,
        params: { ws: WORKSPACE },
        settings: { mutations_sync: '2' },
      });
      damaged.push(t.table);
      const diff = await recountTiers(db, WORKSPACE);
      expect(
        Object.entries(diff)
          .filter(([, d]) => d.keys > 0)
          .map(([table]) => table),
      ).toEqual(damaged);
    }
    expect((await api()).mismatches.length).toBeGreaterThan(0);
  }, 90_000);
});
