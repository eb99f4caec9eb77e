/**
 * 7. The dashboard mix: simulated readers of the Delivery Overview page (its own GraphQL
 * documents, mix.pages.ts) while producers post reports at a fixed rate, stepping the
 * number of users 1, 2, 4, … for a fixed time each. A page load is every request the page
 * sends for a view, from the first request to the last answer. The sustained users are
 * the most users whose page-load p95 (all views together) stayed within the budget with no
 * error; stepping stops at the first step over it. Load from the client process, bounded
 * by the steps' count and duration.
 */
import os from 'node:os';
import type { BenchContext } from './context';
import { mixBaseline, type MixBaseline } from './mix.baseline';
import { watchEngine } from './mix.engine';
import { PAGE_LOAD_KINDS, type PageLoadKind } from './mix.pages';
import { usersText } from './mix.report';
import { round, summarize, type Summary } from './stats';

export interface MixPlan {
  /** Users per step, in order. */
  users: number[];
  stepMs: number;
  /** A step goes on past stepMs until it has this many page loads, up to maxStepMs. */
  minLoads: number;
  maxStepMs: number;
  thinkMs: number;
  drillsPerPage: number;
  /** Page-load p95 a step must stay within to count as sustained. */
  budgetMs: number;
  ingest: { batchSize: number; everyMs: number };
  baselineSamples: number;
}

export interface MixStepFigures {
  users: number;
  seconds: number;
  loads: number;
  /** Page loads per kind and all together, in ms. */
  perKind: Record<PageLoadKind, Summary>;
  all: Summary;
  errors: number;
  firstError: string | null;
  ingest: { reports: number; reportsPerSecond: number; batches: number; skipped: number; errors: number };
  /** Share of the step's time the engine had a call out (any, and ingest's): how close to saturation it ran. */
  engineBusy: { all: number; ingest: number };
  withinBudget: boolean;
  /** 1-minute load average at the end of the step: the machine is shared, this says how much. */
  loadAverage: number;
}

export interface MixResult {
  cores: number;
  budgetMs: number;
  thinkMs: number;
  drillsPerPage: number;
  ingestReportsPerSecond: number;
  steps: MixStepFigures[];
  /** Most users within budget (0: not even one). */
  sustainedUsers: number;
  baseline: MixBaseline;
}

export async function mixBench(ctx: BenchContext, plan: MixPlan): Promise<MixResult> {
  const readable = ctx.destinations.filter((d) => d.kind !== 'storage');
  // Baseline first, on a quiet gateway: one user, no ingest.
  const baseline = await mixBaseline(ctx, { samples: plan.baselineSamples, destinationId: readable[0].id, step: 'FAILED_DELIVERY' });
  const { token: ingestToken } = await ctx.gateway.tokens.create(ctx.workspaceId, ['ingest']);
  const ingestPerSecond = (plan.ingest.batchSize * 1000) / plan.ingest.everyMs;
  const steps: MixStepFigures[] = [];
  for (const [i, users] of plan.users.entries()) {
    ctx.progress(`mix: ${usersText(users)}, ${plan.stepMs / 1000} s, ingest ${ingestPerSecond.toLocaleString('en')} reports/s`);
    const engine = watchEngine(ctx.gateway.db);
    const r = await ctx.client.mixStep({
      url: ctx.gateway.url,
      graphqlUrl: ctx.gateway.graphqlUrl,
      readToken: ctx.readToken,
      ingestToken,
      users,
      durationMs: plan.stepMs,
      minLoads: plan.minLoads,
      maxDurationMs: plan.maxStepMs,
      thinkMs: plan.thinkMs,
      drillsPerPage: plan.drillsPerPage,
      destinations: readable.map((d) => d.id),
      ingest: { ...plan.ingest, seed: 1_000_000 * (i + 1) },
    });
    const busy = engine.stop();
    if (r.loads.length === 0) throw new Error(`mix: no page load completed with ${usersText(users)}: ${r.firstError}`);
    const perKind = Object.fromEntries(PAGE_LOAD_KINDS.map((k) => [k, summarize(r.loads.filter((l) => l.kind === k).map((l) => l.ms))])) as Record<
      PageLoadKind,
      Summary
    >;
    const all = summarize(r.loads.map((l) => l.ms));
    const step: MixStepFigures = {
      users,
      seconds: round(r.seconds, 1),
      loads: r.loads.length,
      perKind,
      all,
      errors: r.errors + r.ingest.errors,
      firstError: r.firstError ?? r.ingest.firstError,
      ingest: {
        reports: r.ingest.reports,
        reportsPerSecond: Math.round(r.ingest.reports / r.ingest.seconds),
        batches: r.ingest.batches,
        skipped: r.ingest.skipped,
        errors: r.ingest.errors,
      },
      engineBusy: { all: round(busy.busyMs / (r.seconds * 1000), 2), ingest: round(busy.ingestBusyMs / (r.seconds * 1000), 2) },
      withinBudget: all.p95 <= plan.budgetMs && r.errors + r.ingest.errors === 0,
      loadAverage: round(os.loadavg()[0], 2),
    };
    steps.push(step);
    ctx.progress(
      `mix: ${usersText(users)}: page load p50 ${Math.round(all.p50)} ms, p95 ${Math.round(all.p95)} ms over ${all.n} loads, ${step.errors} errors, engine busy ${Math.round(step.engineBusy.all * 100)} %, load average ${step.loadAverage}`,
    );
    if (!step.withinBudget) break;
  }
  const sustained = steps.filter((s) => s.withinBudget).at(-1);
  return {
    cores: os.cpus().length,
    budgetMs: plan.budgetMs,
    thinkMs: plan.thinkMs,
    drillsPerPage: plan.drillsPerPage,
    ingestReportsPerSecond: ingestPerSecond,
    steps,
    sustainedUsers: sustained?.users ?? 0,
    baseline,
  };
}
