/**
 * The durability run's result: its figures, their zero value, which of them fail the run,
 * and the aligned text the CLI prints.
 */

export interface DurabilityResult {
  seed: number;
  dataDir: string | null;
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
  /** Attempts beyond the first, over all batches. */
  retries: number;
  failures: { refused: number; resetAfterSend: number; resetWhileSending: number; http5xx: number; http429: number; timeout: number; other: number };
  /** Batches whose request was sent in full when its gateway died (the acknowledgement may have been lost). */
  batchesInterruptedAfterSend: number;
  /** Of those: rows stored by the killed gateway and the retry deduplicated ("ack lost"), stored partly before the kill, or stored only by the retry. */
  interrupted: { storedBeforeKill: number; partlyBeforeKill: number; storedByRetry: number };
  /** Extra raw rows (message ids stored more than once), must be 0. */
  duplicates: number;
  /** Acknowledged reports missing from the raw table, must be 0. */
  lost: number;
  /** Batches whose stored sum of counts differs from what was acknowledged, must be 0. */
  batchEventMismatches: number;
  /** Raw rows of batches never acknowledged (0 when every batch was drained). */
  unacknowledgedStored: number;
  /** Rows of reconcile's comparison where raw and an aggregate tier differ, must be 0. */
  differences: number;
  /** retry_pending gauge − (enqueued − resolved) in raw, must be 0. */
  retryGaugeDifference: number;
  syncsLost: number;
  syncDuplicates: number;
  /**
   * Per table: block ids the engine's deduplication log remembers whose part is not in the table
   * (no active part covers its block number). Each one is a block a retry would be told is
   * "already stored" although it is not: the mechanism behind a loss, if any.
   */
  orphanDedupRecords: Record<string, number>;
  /** Parts the engine set aside when it loaded the tables after a kill (system.detached_parts), by table and reason. */
  detachedParts: Record<string, number>;
  /** Answers the producer never expects (4xx other than 429), must be 0. */
  unexpectedResponses: number;
  wallMs: number;
  killPhaseMs: number;
  ok: boolean;
  /** Failures of the checks above; any entry fails the run. */
  findings: string[];
  /** Worth knowing, not a failure (e.g. a 5xx answer, an unusual network error). */
  notes: string[];
}

/** A result with every figure at zero, before the run counts anything. */
export function newDurabilityResult(seed: number, dataDir: string | null): DurabilityResult {
  return {
    seed,
    dataDir,
    kills: 0,
    killsDuringStartup: 0,
    starts: 0,
    startMs: { p50: 0, max: 0 },
    batchesPosted: 0,
    batchesAcknowledged: 0,
    reports: 0,
    events: 0,
    syncsAcknowledged: 0,
    retries: 0,
    failures: { refused: 0, resetAfterSend: 0, resetWhileSending: 0, http5xx: 0, http429: 0, timeout: 0, other: 0 },
    batchesInterruptedAfterSend: 0,
    interrupted: { storedBeforeKill: 0, partlyBeforeKill: 0, storedByRetry: 0 },
    duplicates: 0,
    lost: 0,
    batchEventMismatches: 0,
    unacknowledgedStored: 0,
    differences: 0,
    retryGaugeDifference: 0,
    syncsLost: 0,
    syncDuplicates: 0,
    unexpectedResponses: 0,
    orphanDedupRecords: {},
    detachedParts: {},
    wallMs: 0,
    killPhaseMs: 0,
    ok: false,
    findings: [],
    notes: [],
  };
}

/** The run passes only when no check found anything and every must-be-0 figure is 0. */
export function durabilityPassed(result: DurabilityResult): boolean {
  return (
    result.findings.length === 0 &&
    result.duplicates === 0 &&
    result.lost === 0 &&
    result.batchEventMismatches === 0 &&
    result.differences === 0 &&
    result.retryGaugeDifference === 0 &&
    result.syncsLost === 0 &&
    result.syncDuplicates === 0 &&
    result.unexpectedResponses === 0 &&
    result.unacknowledgedStored === 0
  );
}

/** Figures as an aligned text block. */
export function describeDurability(r: DurabilityResult): string {
  const rows: [string, string | number][] = [
    ['kills (SIGKILL)', `${r.kills} (${r.killsDuringStartup} before the gateway listened)`],
    ['gateway starts', `${r.starts} (start to listening: p50 ${r.startMs.p50} ms, max ${r.startMs.max} ms)`],
    ['batches acknowledged', `${r.batchesAcknowledged} of ${r.batchesPosted} posted`],
    ['reports acknowledged', `${r.reports} (${r.events} events), ${r.syncsAcknowledged} syncs`],
    ['retries', `${r.retries} (refused ${r.failures.refused}, reset after send ${r.failures.resetAfterSend}, reset while sending ${r.failures.resetWhileSending}, 5xx ${r.failures.http5xx}, 429 ${r.failures.http429}, timeout ${r.failures.timeout}, other ${r.failures.other})`],
    [
      'interrupted after send',
      `${r.batchesInterruptedAfterSend} batches: ${r.interrupted.storedBeforeKill} stored before the kill (ack lost, retry deduplicated), ${r.interrupted.partlyBeforeKill} partly stored before the kill, ${r.interrupted.storedByRetry} stored by the retry`,
    ],
    ['duplicates', r.duplicates],
    ['lost', r.lost],
    ['batch event mismatches', r.batchEventMismatches],
    ['stored but never acknowledged', r.unacknowledgedStored],
    ['raw vs aggregate differences', r.differences],
    ['retry gauge difference', r.retryGaugeDifference],
    ['syncs lost / duplicated', `${r.syncsLost} / ${r.syncDuplicates}`],
    ['orphan dedup records', Object.entries(r.orphanDedupRecords).map(([t, n]) => `${t} ${n}`).join(', ')],
    ['detached parts', Object.keys(r.detachedParts).length ? Object.entries(r.detachedParts).map(([t, n]) => `${t} ${n}`).join(', ') : 0],
    ['unexpected responses', r.unexpectedResponses],
    ['wall time', `${(r.wallMs / 1000).toFixed(1)} s (kill phase ${(r.killPhaseMs / 1000).toFixed(1)} s)`],
    ['seed', r.seed],
  ];
  const width = Math.max(...rows.map(([k]) => k.length));
  const lines = rows.map(([k, v]) => `  ${k.padEnd(width)}  ${v}`);
  const verdict = r.ok ? 'durability: OK — every acknowledged report stored exactly once, raw and aggregates agree' : 'durability: FAILED';
  const findings = r.findings.length ? `\nfindings:\n${r.findings.map((f) => `  - ${f}`).join('\n')}\n` : '';
  const notes = r.notes.length ? `\nnotes:\n${r.notes.map((f) => `  - ${f}`).join('\n')}\n` : '';
  return `${verdict}\n${lines.join('\n')}\n${findings}${notes}${r.dataDir ? `data kept in ${r.dataDir}\n` : ''}`;
}
