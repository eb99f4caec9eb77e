import { planTiers, type Span } from '../domain/tier-plan';
import type { WorkspaceDb } from './workspace-db';

/**
 * Events a source reported as received in each of several windows, in one statement.
 * Each window is split into whole hours (events_hour) and ragged minutes (events_minute)
 * by planTiers, so every count is exact for minute-aligned windows. Windows may overlap
 * (a 14-day window compared with the same window a day earlier): a row counts for every
 * window whose spans contain it.
 */
export async function receivedInWindows(wdb: WorkspaceDb, sourceId: string, windows: readonly Span[]): Promise<number[]> {
  if (windows.length === 0) return [];
  if (windows.length > 255) throw new Error('at most 255 windows');
  const hours: [number, number, number][] = [];
  const minutes: [number, number, number][] = [];
  windows.forEach((w, i) => {
    const plan = planTiers(w.from, w.to);
    if (plan.hours) hours.push([i, plan.hours.from / 1000, plan.hours.to / 1000]);
    for (const m of plan.minutes) minutes.push([i, m.from / 1000, m.to / 1000]);
  });
  const lo = Math.min(...windows.map((w) => w.from)) / 1000;
  const hi = Math.max(...windows.map((w) => w.to)) / 1000;
  const branch = (table: string, col: string, p: string) => `
    SELECT w, events FROM ${wdb.table(table as 'events_hour' | 'events_minute')}
    ARRAY JOIN arrayFilter((i, f, e) -> toUInt32(${col}) >= f AND toUInt32(${col}) < e, {${p}w:Array(UInt8)}, {${p}f:Array(UInt32)}, {${p}t:Array(UInt32)}) AS w
    WHERE workspace_id = {workspace:String} AND step = 'received' AND destination_id = '' AND source_id = {source:String}
      AND ${col} >= toDateTime({lo:UInt32}, 'UTC') AND ${col} < toDateTime({hi:UInt32}, 'UTC')`;
  const rows = await wdb.query<{ w: number; events: number }>(
    'source_volume',
    `SELECT w, sum(events) AS events FROM (${branch('events_hour', 'hour', 'h')} UNION ALL ${branch('events_minute', 'minute', 'm')}) GROUP BY w`,
    {
      source: sourceId,
      lo,
      hi,
      hw: hours.map((s) => s[0]),
      hf: hours.map((s) => s[1]),
      ht: hours.map((s) => s[2]),
      mw: minutes.map((s) => s[0]),
      mf: minutes.map((s) => s[1]),
      mt: minutes.map((s) => s[2]),
    },
  );
  const out = windows.map(() => 0);
  for (const r of rows) out[Number(r.w)] = Number(r.events);
  return out;
}
