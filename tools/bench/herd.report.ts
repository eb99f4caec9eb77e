/** The herd's lines in the printed table, and its goals (issue 27). */
import { fmt, ms } from './format';
import type { HerdResult, HerdStepFigures } from './herd.bench';
import type { Goal } from './run';

export const HERD_USERS_TARGET = 32;
export const HERD_P95_BUDGET_MS = 1_000;
/** Statements the engine runs for a herd, at most this many times one page load's. */
export const HERD_STATEMENTS_FACTOR = 2;
/** Ingest's acknowledgement p95 while a herd is served, at most this much above its p95 before. */
export const HERD_INGEST_SLOWDOWN = 1.2;

const at = (h: HerdResult, users: number): HerdStepFigures | undefined => h.steps.find((s) => s.users === users) ?? h.steps.at(-1);

export function herdGoals(h: HerdResult): Goal[] {
  const s = at(h, HERD_USERS_TARGET);
  if (!s) return [];
  const slowdown = s.ingestQuiet.p95 > 0 ? Math.round((s.ingestHerd.p95 / s.ingestQuiet.p95) * 100) / 100 : NaN;
  return [
    {
      name: `8. herd: ${s.users} readers within a second, page-load p95`,
      target: `≤ ${fmt(HERD_P95_BUDGET_MS)} ms`,
      actual: ms(s.pageLoad.p95),
      met: s.pageLoad.p95 <= HERD_P95_BUDGET_MS && s.errors === 0,
    },
    {
      name: `8. herd: ${s.users} readers, statements their reads ran / one page load's`,
      target: `≤ ${HERD_STATEMENTS_FACTOR}×`,
      actual: `${s.readStatements} / ${h.pageLoadStatements}`,
      met: s.readStatements <= HERD_STATEMENTS_FACTOR * h.pageLoadStatements,
    },
    {
      name: `8. herd: ${s.users} readers, ingest acknowledgement p95 during / before`,
      target: `≤ ${HERD_INGEST_SLOWDOWN}×`,
      actual: `${ms(s.ingestHerd.p95)} / ${ms(s.ingestQuiet.p95)} (${slowdown}×)`,
      met: slowdown <= HERD_INGEST_SLOWDOWN,
    },
  ];
}

export function herdRows(h: HerdResult): string[][] {
  const rows: string[][] = [['8', `herd: one page load (${h.destinationId}), statements with the cache off`, String(h.pageLoadStatements), '', '']];
  for (const s of h.steps) {
    const note = `${s.readStatements} read statements (${s.statements} in all), cache ${Math.round(s.cache.hitRate * 100)} % (${s.cache.hits} hits, ${s.cache.joined} joined, ${s.cache.misses} misses), engine busy ${fmt(s.engineBusyMs)} ms of ${fmt(s.herdMs)}, ${s.subscribed}/${s.users} subscribed, ${s.errors} errors`;
    rows.push([
      '8',
      `herd ${s.users} readers, ingest ${fmt(h.ingestReportsPerSecond)}/s: page load p50 / p95`,
      `${ms(s.pageLoad.p50)} / ${ms(s.pageLoad.p95)}`,
      '',
      note,
    ]);
    rows.push([
      '8',
      `herd ${s.users} readers: ingest acknowledgement p95 before / during`,
      `${ms(s.ingestQuiet.p95)} / ${ms(s.ingestHerd.p95)}`,
      '',
      `${s.ingestQuiet.n} + ${s.ingestHerd.n} batches, ${s.ingestErrors} errors`,
    ]);
  }
  return rows;
}
