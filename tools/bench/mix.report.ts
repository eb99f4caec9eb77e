/** The dashboard mix's lines in the printed table, and its goals. */
import { fmt, ms } from './format';
import { PAGE_LOAD_KINDS } from './mix.pages';
import type { MixResult } from './mix.bench';
import type { Goal } from './run';

/**
 * Targets set with the mix, before its first run: a team of 8 readers (the throughput
 * section's concurrency) on 2 cores within the budget, and the page's own overhead over
 * its engine statements held to goal 2's bound for one request.
 */
export const MIX_SUSTAINED_USERS_TARGET = 8;
export const MIX_OVERHEAD_TARGET = 1.3;

/** "1 user", "8 users". */
export const usersText = (n: number) => `${n} user${n === 1 ? '' : 's'}`;

const sustainedText = (m: MixResult) => (m.steps.every((s) => s.withinBudget) ? `≥ ${m.sustainedUsers} (every step within budget)` : `${m.sustainedUsers}`);

export function mixGoals(m: MixResult): Goal[] {
  const worst = Math.max(...m.baseline.cases.map((c) => c.ratioP50));
  return [
    {
      name: `7. mix: sustained users on ${m.cores} cores (page-load p95 ≤ ${fmt(m.budgetMs)} ms, ingest ${fmt(m.ingestReportsPerSecond)} reports/s)`,
      target: `≥ ${MIX_SUSTAINED_USERS_TARGET}`,
      actual: sustainedText(m),
      met: m.sustainedUsers >= MIX_SUSTAINED_USERS_TARGET,
    },
    {
      name: '7. mix: page load / its statements direct, p50 (worst view)',
      target: `≤ ${MIX_OVERHEAD_TARGET}×`,
      actual: `${worst}×`,
      met: worst <= MIX_OVERHEAD_TARGET,
    },
  ];
}

export function mixRows(m: MixResult): string[][] {
  const rows: string[][] = [];
  for (const c of m.baseline.cases) {
    rows.push([
      '7',
      `mix ${c.kind} load (${c.operations.join(' → ')}), 1 user, quiet: vs its ${c.statements} statements direct, p50`,
      ms(c.graphql.p50),
      ms(c.direct.p50),
      `${c.ratioP50}×`,
    ]);
    rows.push(['7', `mix ${c.kind} load: of which a statement out (queued or running), p50`, ms(c.statementsOut.p50), '', '']);
  }
  for (const s of m.steps) {
    const note = `${fmt(s.loads)} loads, ${s.errors} errors, engine busy ${Math.round(s.engineBusy.all * 100)} % (ingest ${Math.round(s.engineBusy.ingest * 100)} %), load ${s.loadAverage}${s.withinBudget ? '' : ', OVER BUDGET'}`;
    rows.push([
      '7',
      `mix ${usersText(s.users)}, ${s.seconds} s, ingest ${fmt(s.ingest.reportsPerSecond)}/s: page load p50 / p95`,
      `${ms(s.all.p50)} / ${ms(s.all.p95)}`,
      '',
      note,
    ]);
  }
  const at = m.steps.filter((s) => s.withinBudget).at(-1);
  if (at) {
    for (const k of PAGE_LOAD_KINDS) {
      const s = at.perKind[k];
      // A short step may end before a user reaches every view.
      rows.push(['7', `mix at ${usersText(at.users)}: ${k} page load p50 / p95`, s.n > 0 ? `${ms(s.p50)} / ${ms(s.p95)}` : '–', '', `${fmt(s.n)} loads`]);
    }
  }
  rows.push(['7', `mix sustained users on ${m.cores} cores (page-load p95 ≤ ${fmt(m.budgetMs)} ms)`, sustainedText(m), '', '']);
  return rows;
}
