import { openDataDirDb } from '../app/data-dir';
import type { Config } from '../config/config';
import { AppError } from '../domain/errors';
import { isValidId, ID_RULE } from '../domain/ids';
import { availableTiers, compareRawAndAggregates, rawLikelyShort, reconcileWindow, type ReconcileResult } from '../metrics/reconcile';
import { repairAggregates } from '../metrics/reconcile-repair';
import { UsageError } from './args';

type Values = Record<string, string | boolean | undefined>;

export const RECONCILE_HELP =
  'delivery-overview reconcile --from ISO --to ISO [--workspace ID] [--repair] [--json]\n\n' +
  'Compares, per workspace, hour, step and destination, the raw reports (sum of count, rows)\n' +
  'with every aggregate tier (events_minute, events_hour, steps_minute, steps_hour: sum of events,\n' +
  'sum of reports) over [from, to), widened to whole hours. Prints the rows that differ, or\n' +
  '"raw and aggregates agree".\n' +
  '  --from, --to     ISO-8601 instants with a zone; from no older than 14 days (raw TTL is 15)\n' +
  '  --workspace ID   one workspace (default: all)\n' +
  '  --repair         rebuild the aggregate rows of the differing hours from the raw table, then check again\n' +
  '  --json           print the result as one JSON object\n\n' +
  'Opens DATA_DIR directly (no gateway may hold it) or CLICKHOUSE_URL.\n' +
  'Exit codes: 0 raw and aggregates agree (after --repair: agree now), 1 differences remain, 2 bad usage.';

const ISO_WITH_ZONE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/i;

function instant(v: Values, name: 'from' | 'to'): number {
  const raw = v[name];
  if (typeof raw !== 'string')
    throw new UsageError(`--${name} is required (an ISO-8601 instant with a zone, e.g. 2026-11-25T10:00:00Z)`, 'delivery-overview reconcile --help');
  const ms = ISO_WITH_ZONE.test(raw) ? Date.parse(raw) : NaN;
  if (!Number.isFinite(ms))
    throw new UsageError(`--${name} "${raw}" is not an ISO-8601 instant with a zone (e.g. 2026-11-25T10:00:00Z)`, 'delivery-overview reconcile --help');
  return ms;
}

export async function runReconcile(v: Values, config: Config, out: (s: string) => void = (s) => process.stdout.write(s)): Promise<number> {
  const workspaceId = typeof v.workspace === 'string' ? v.workspace : null;
  if (workspaceId !== null && !isValidId(workspaceId)) throw new UsageError(`--workspace must be ${ID_RULE}`, 'delivery-overview reconcile --help');
  let window: { from: number; to: number };
  try {
    window = reconcileWindow(instant(v, 'from'), instant(v, 'to'));
  } catch (err) {
    if (err instanceof AppError) throw new UsageError(err.message, 'delivery-overview reconcile --help');
    throw err;
  }
  if (v.repair && config.clickhouse.cluster) {
    throw new UsageError(
      '--repair is not supported with CLICKHOUSE_CLUSTER (the rebuild would have to run per shard); compare without --repair',
      'delivery-overview reconcile --help',
    );
  }
  const scope = { ...window, workspaceId };
  const db = await openDataDirDb(config, (message) => process.stderr.write(`warning: ${message}\n`));
  try {
    const tiers = await availableTiers(db);
    if (tiers.length === 0) {
      throw Object.assign(new Error(`No gateway tables in database ${config.clickhouse.database}`), {
        hint: 'Run npx delivery-overview migrate (or start the gateway once) first.',
      });
    }
    const first = await compareRawAndAggregates(db, scope, tiers);
    if (first.differences.length === 0 || !v.repair) {
      out(v.json ? `${JSON.stringify(jsonOf(first))}\n` : describe(first));
      if (first.differences.length === 0) return 0;
      process.stderr.write(
        'raw and aggregates differ; hint: run again with --repair (with no producer writing to those hours) to rebuild them from the raw table\n',
      );
      return 1;
    }
    if (!v.json) out(describe(first));
    const repair = await repairAggregates(db, first.badHours);
    const after = await compareRawAndAggregates(db, scope, tiers);
    if (v.json) out(`${JSON.stringify({ ...jsonOf(after), before: jsonOf(first), repair })}\n`);
    else {
      const rebuilt = Object.entries(repair.rebuilt).map(
        ([table, n]) => `${n} hour(s) of ${table} (${repair.rowsWritten[table as keyof typeof repair.rowsWritten]} rows)`,
      );
      out(`repaired: ${rebuilt.join(', ')} in ${repair.ms} ms\n`);
      out(describe(after));
    }
    return after.differences.length === 0 ? 0 : 1;
  } finally {
    await db.close();
  }
}

function jsonOf(r: ReconcileResult): Record<string, unknown> {
  return {
    from: new Date(r.from).toISOString(),
    to: new Date(r.to).toISOString(),
    tiers: r.tiers,
    hours: r.hours,
    hoursWithData: r.hoursWithData,
    workspaces: r.workspaces,
    events: r.events,
    reports: r.reports,
    agree: r.differences.length === 0,
    rawLikelyShort: rawLikelyShort(r.differences),
    badHours: r.badHours.map((b) => ({ workspaceId: b.workspaceId, hour: new Date(b.hour).toISOString(), tiers: b.tiers })),
    differences: r.differences.map((d) => ({ ...d, hour: new Date(d.hour).toISOString() })),
  };
}

const MAX_PRINTED_ROWS = 200;

function hourLabel(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 13)}:00Z`;
}

function cell(value: number, raw: number): string {
  if (value === raw) return String(value);
  const d = value - raw;
  return `${value} (${d > 0 ? '+' : ''}${d})`;
}

/** The differences as an aligned table, or the one-line agreement. */
export function describe(r: ReconcileResult): string {
  const range = `${new Date(r.from).toISOString()} – ${new Date(r.to).toISOString()}`;
  if (r.differences.length === 0) {
    return `raw and aggregates agree: ${r.hours} hours, ${r.events} events (${r.reports} reports, ${r.hoursWithData} hours with data, ${r.workspaces} workspaces; tiers ${r.tiers.join(', ')}) in ${range}\n`;
  }
  const header = ['workspace', 'hour (UTC)', 'step', 'destination', 'raw events', ...r.tiers, 'raw reports', ...r.tiers.map((t) => `${t} reports`)];
  const rows = r.differences
    .slice(0, MAX_PRINTED_ROWS)
    .map((d) => [
      d.workspaceId,
      hourLabel(d.hour),
      d.step,
      d.destinationId || '-',
      String(d.raw.events),
      ...r.tiers.map((t) => cell(d.tiers[t]?.events ?? 0, d.raw.events)),
      String(d.raw.reports),
      ...r.tiers.map((t) => cell(d.tiers[t]?.reports ?? 0, d.raw.reports)),
    ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
  const numeric = (i: number) => i >= 4;
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (numeric(i) ? c.padStart(widths[i]) : c.padEnd(widths[i])))
      .join('  ')
      .trimEnd();
  const lines = [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)];
  if (r.differences.length > MAX_PRINTED_ROWS) lines.push(`… and ${r.differences.length - MAX_PRINTED_ROWS} more rows`);
  const hours = r.badHours.map((b) => `${b.workspaceId} ${hourLabel(b.hour)} [${b.tiers.join(', ')}]`);
  lines.push(
    '',
    `differences: ${r.differences.length} rows in ${r.badHours.length} hour(s) of ${r.hours} in ${range}; raw has ${r.events} events, ${r.reports} reports`,
    `hours: ${hours.join('; ')}`,
  );
  const rawShort = rawLikelyShort(r.differences);
  if (rawShort > 0) {
    lines.push(
      `note: in ${rawShort} row(s) all aggregate tiers agree with each other and exceed raw. The raw table, not the aggregates, may be the one missing rows ` +
        '(an insert whose raw part was lost in a crash while its views\' parts were committed: see "After an unclean stop" in docs/durability.md). ' +
        '--repair rebuilds the aggregates from raw and would remove those events from them too.',
    );
  }
  return `${lines.join('\n')}\n`;
}
