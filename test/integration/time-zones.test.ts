import ZONE_NAMES from '../../src/domain/time-zone-names.json';
import { report, startTestGateway, type TestGateway } from '../helpers/gateway';

let t: TestGateway;
let token: string;
beforeAll(async () => {
  t = await startTestGateway('time_zones');
  token = await t.token('ws_tz', ['read', 'ingest']);
  expect((await t.ingest(token, [report({ count: 3 }, 30)])).status).toBe(200);
});
afterAll(async () => t.close());

describe('time zones (security review, item 6)', () => {
  it('the known-zone list is the engine’s own (less Factory, which Intl does not know)', async () => {
    const rows = await t.sql<{ time_zone: string }>('SELECT time_zone FROM system.time_zones ORDER BY time_zone');
    expect(rows.map((r) => r.time_zone).filter((z) => z !== 'Factory')).toEqual([...ZONE_NAMES].sort());
  });

  it('a zone in the wrong case is answered in its canonical spelling, never as an internal error', async () => {
    const q = (tz: string) =>
      t.gql<{ destination: { timeseries: { total: number }[] } }>(
        token,
        `{ destination(id: "dst_amplitude") { timeseries(step: SUCCESSFUL_DELIVERY, range: { preset: LAST_24_HOURS, timeZone: ${JSON.stringify(tz)} }, granularity: DAY) { total } } }`,
      );
    const lower = await q('europe/berlin');
    expect(lower.body.errors).toBeUndefined();
    expect(lower.body.data!.destination.timeseries[0].total).toBe(3);
    const bad = await q('+05:00');
    expect(bad.body.errors![0].extensions!.code).toBe('TIME_RANGE_INVALID');
  });
});
