import type { TierDifference } from './recount';

/**
 * The durability run's result: its figures, their zero value, which of them fail the run,
 * and the aligned text the CLI prints.
 */

export interface DiskFullFigures {
  /** Why the fault did not run (not root, mount refused); null when it ran. */
  skipped: string | null;
  /** How long the disk was kept full (ms), from the first fill to the free. */
  fullMs: number;
  /** Answers while it was full: 503 and 504 (all with Retry-After), acknowledgements (rows that fit), anything else. */
  refused503: number;
  refused504: number;
  acknowledged: number;
  /** /readyz polled once a second while full: how often it said not ready (503), and whether it was ready again after. */
  notReady: number;
  readyPolls: number;
  readyAfter: boolean;
  /** Saved flushes found held in ingest-wal/failed/, and moved back by the harness as an operator would. */
  held: number;
  heldResolved: number;
}

export interface OrphanFigures {
  /** Distinct orphan records found in the files after the kills, before the next start repaired them. */
  afterKills: number;
  /** Orphans the gateway's start-up log says it repaired (a start killed before it logs is not counted). */
  repairedAtStart: number;
  /** Orphans still in the files after a start that reached listening: the repair missed them; must be 0. */
  unrepaired: number;
  /** After the last (graceful) stop, before any repair. */
  atEnd: number;
  /** After the product's repair (`openDb`); must be 0. */
  afterRepair: number;
}

export interface DurabilityResult {
  seed: number;
  dataDir: string | null;
  /** Deliberately planted fault (to watch the checks fail), or null. */
  plant: string | null;
  kills: number;
  /** Kills that landed before the gateway listened (engine load, migrations). */
  killsDuringStartup: number;
  starts: number;
  startMs: { p50: number; max: number };
  batchesPosted: number;
  batchesAcknowledged: number;
  /** Delivery reports acknowledged (rows), and the events they stand for (sum of count). */
  reports: number;
  events: number;
  syncsAcknowledged: number;
  /** Discard samples the acknowledgements said were kept, and the rows stored (each message once). */
  samplesAcknowledged: number;
  samplesStored: number;
  /** Attempts beyond the first, over all batches. */
  retries: number;
  failures: {
    refused: number;
    resetAfterSend: number;
    resetWhileSending: number;
    http503: number;
    http504: number;
    held: number;
    retryAfterMissing: number;
    http429: number;
    otherStatus: number;
    timeout: number;
    other: number;
  };
  /** Batches whose request was sent in full when its gateway died or refused it (the acknowledgement may have been lost). */
  batchesInterruptedAfterSend: number;
  /** Of those: rows stored before the first interruption (ack lost, retry deduplicated), partly before, or only by a retry. */
  interrupted: { storedBeforeKill: number; partlyBeforeKill: number; storedByRetry: number };
  /** Extra raw rows (message ids stored more than once), must be 0. */
  duplicates: number;
  /** Acknowledged reports missing from the raw table, must be 0. */
  lost: number;
  /** Batches whose stored sum of counts differs from what was acknowledged, must be 0. */
  batchEventMismatches: number;
  /** Raw rows of batches never acknowledged (0 when every batch was drained). */
  unacknowledgedStored: number;
  /** Every tier against the independent recount from raw; `differences` sums their differing keys, must be 0. */
  tiers: Record<string, TierDifference>;
  differences: number;
  syncsLost: number;
  syncDuplicates: number;
  orphans: OrphanFigures;
  /** Parts the engine set aside (`detached/`), by table. */
  detachedParts: Record<string, number>;
  /** GraphQL answers compared with the ledger, and those that disagreed (must be 0). */
  api: { compared: number; mismatches: number };
  diskFull: DiskFullFigures | null;
  /** Answers the producer never expects (a 500, a 4xx other than 429), must be 0. */
  unexpectedResponses: number;
  /** 1-, 5- and 15-minute load averages (as `uptime` prints them) before and after the run. */
  loadBefore: number[];
  loadAfter: number[];
  wallMs: number;
  killPhaseMs: number;
  ok: boolean;
  /** Failures of the checks above; any entry fails the run. */
  findings: string[];
  /** Worth knowing, not a failure (an unusual network error, a repaired orphan). */
  notes: string[];
}

/** A result with every figure at zero, before the run counts anything. */
export function newDurabilityResult(seed: number, dataDir: string | null, plant: string | null): DurabilityResult {
  return {
    seed,
    dataDir,
    plant,
    kills: 0,
    killsDuringStartup: 0,
    starts: 0,
    startMs: { p50: 0, max: 0 },
    batchesPosted: 0,
    batchesAcknowledged: 0,
    reports: 0,
    events: 0,
    syncsAcknowledged: 0,
    samplesAcknowledged: 0,
    samplesStored: 0,
    retries: 0,
    failures: {
      refused: 0,
      resetAfterSend: 0,
      resetWhileSending: 0,
      http503: 0,
      http504: 0,
      held: 0,
      retryAfterMissing: 0,
      http429: 0,
      otherStatus: 0,
      timeout: 0,
      other: 0,
    },
    batchesInterruptedAfterSend: 0,
    interrupted: { storedBeforeKill: 0, partlyBeforeKill: 0, storedByRetry: 0 },
    duplicates: 0,
    lost: 0,
    batchEventMismatches: 0,
    unacknowledgedStored: 0,
    tiers: {},
    differences: 0,
    syncsLost: 0,
    syncDuplicates: 0,
    orphans: { afterKills: 0, repairedAtStart: 0, unrepaired: 0, atEnd: 0, afterRepair: 0 },
    detachedParts: {},
    api: { compared: 0, mismatches: 0 },
    diskFull: null,
    unexpectedResponses: 0,
    loadBefore: [],
    loadAfter: [],
    wallMs: 0,
    killPhaseMs: 0,
    ok: false,
    findings: [],
    notes: [],
  };
}

/** The run passes only when no check found anything and every must-be-0 figure is 0. */
export function durabilityPassed(r: DurabilityResult): boolean {
  const zero = [
    r.duplicates,
    r.lost,
    r.batchEventMismatches,
    r.differences,
    r.syncsLost,
    r.syncDuplicates,
    r.unexpectedResponses,
    r.unacknowledgedStored,
    r.orphans.unrepaired,
    r.orphans.afterRepair,
    r.api.mismatches,
    r.samplesStored - r.samplesAcknowledged,
  ];
  return r.findings.length === 0 && zero.every((n) => n === 0) && r.api.compared > 0 && Object.keys(r.tiers).length > 0;
}

const joined = (o: Record<string, number>) =>
  Object.keys(o).length
    ? Object.entries(o)
        .map(([k, n]) => `${k} ${n}`)
        .join(', ')
    : '0';

/** Figures as an aligned text block. */
export function describeDurability(r: DurabilityResult): string {
  const f = r.failures;
  const o = r.orphans;
  const d = r.diskFull;
  const rows: [string, string | number][] = [
    ['kills (SIGKILL)', `${r.kills} (${r.killsDuringStartup} before the gateway listened)`],
    ['gateway starts', `${r.starts} (start to listening: p50 ${r.startMs.p50} ms, max ${r.startMs.max} ms)`],
    [
      'disk full',
      d === null
        ? 'not asked for'
        : d.skipped
          ? `skipped: ${d.skipped}`
          : `${(d.fullMs / 1000).toFixed(0)} s: ${d.refused503} × 503, ${d.refused504} × 504, ${d.acknowledged} acknowledged; /readyz not ready ${d.notReady} of ${d.readyPolls} polls, ready after: ${d.readyAfter}; held ${d.held} (moved back ${d.heldResolved})`,
    ],
    ['batches acknowledged', `${r.batchesAcknowledged} of ${r.batchesPosted} posted`],
    ['reports acknowledged', `${r.reports} (${r.events} events), ${r.syncsAcknowledged} syncs, ${r.samplesAcknowledged} samples (${r.samplesStored} stored)`],
    [
      'retries',
      `${r.retries} (refused ${f.refused}, reset after send ${f.resetAfterSend}, while sending ${f.resetWhileSending}, 503 ${f.http503} (held ${f.held}), 504 ${f.http504}, no Retry-After ${f.retryAfterMissing}, 429 ${f.http429}, other status ${f.otherStatus}, timeout ${f.timeout}, other ${f.other})`,
    ],
    [
      'interrupted after send',
      `${r.batchesInterruptedAfterSend} batches: ${r.interrupted.storedBeforeKill} stored before (ack lost, retry deduplicated), ${r.interrupted.partlyBeforeKill} partly before, ${r.interrupted.storedByRetry} stored by a retry`,
    ],
    ['duplicates', r.duplicates],
    ['lost', r.lost],
    ['batch event mismatches', r.batchEventMismatches],
    ['stored but never acknowledged', r.unacknowledgedStored],
    [
      'tiers vs recount from raw',
      `${r.differences} differing keys over ${Object.keys(r.tiers).length} tiers (${Object.entries(r.tiers)
        .map(([t, x]) => `${t} ${x.keys}/${x.compared}`)
        .join(', ')})`,
    ],
    ['syncs lost / duplicated', `${r.syncsLost} / ${r.syncDuplicates}`],
    [
      'orphan dedup records',
      `${o.afterKills} found after kills (before repair), ${o.repairedAtStart} repaired at start (logged), ${o.unrepaired} left after a start; at the end ${o.atEnd} before repair, ${o.afterRepair} after`,
    ],
    ['detached parts', joined(r.detachedParts)],
    ['API answers vs ledger', `${r.api.mismatches} mismatches of ${r.api.compared} compared`],
    ['unexpected responses', r.unexpectedResponses],
    ['load average', `${r.loadBefore.map((x) => x.toFixed(2)).join(' ')} before, ${r.loadAfter.map((x) => x.toFixed(2)).join(' ')} after`],
    ['wall time', `${(r.wallMs / 1000).toFixed(1)} s (kill phase ${(r.killPhaseMs / 1000).toFixed(1)} s)`],
    ['seed', `${r.seed}${r.plant ? ` (planted fault: ${r.plant})` : ''}`],
  ];
  const width = Math.max(...rows.map(([k]) => k.length));
  const lines = rows.map(([k, v]) => `  ${k.padEnd(width)}  ${v}`);
  const verdict = r.ok
    ? 'durability: OK — every acknowledged report stored exactly once; every tier equals its recount from raw; the API agrees with the ledger'
    : 'durability: FAILED';
  const findings = r.findings.length ? `\nfindings:\n${r.findings.map((x) => `  - ${x}`).join('\n')}\n` : '';
  const notes = r.notes.length ? `\nnotes:\n${r.notes.map((x) => `  - ${x}`).join('\n')}\n` : '';
  return `${verdict}\n${lines.join('\n')}\n${findings}${notes}${r.dataDir ? `data kept in ${r.dataDir}\n` : ''}`;
}
