import type { ClickHouseSettings } from '@clickhouse/client';
import { AppError, ErrorCode } from '../domain/errors';
import type { StreamFormat } from '../clickhouse/stream';
import { filterParams, type EventFilterValue } from './tiered';
import type { WorkspaceDb } from './workspace-db';

/**
 * Messages a destination finally failed to deliver, for replay: per (message id,
 * mapping), the last destination-side report is a `failed_delivery`. Reports without a
 * message id cannot be listed. "Last" is over every report from the range's start on,
 * also those after its end: a message failed inside the range and delivered after it
 * is not undelivered. Order: time of that failure, then message id, then mapping, so a
 * cursor (the last row's key) pages through without gaps as new failures arrive.
 */
export interface UndeliveredQuery {
  destinationId: string;
  /** The final failure lies in [from, to) (epoch ms). */
  from: number;
  to: number;
  mappingId: string | null;
  reason: string | null;
  /** Rows after this key only. */
  after: UndeliveredCursor | null;
  /** Only messages whose final failure matches (event type, name, app version, enrichment of that report). */
  filter?: EventFilterValue | null;
  /** Only these message ids (a replay of a hand-picked list). */
  messageIds?: readonly string[] | null;
}

export interface UndeliveredCursor {
  at: number;
  messageId: string;
  mappingId: string;
}

export interface UndeliveredValue {
  /** This row's key: pass it as `after` to continue after it. */
  cursor: string;
  messageId: string;
  /** The Actions mapping whose delivery failed; null for other destinations. */
  mappingId: string | null;
  sourceId: string;
  reason: string;
  /** When the final failure was reported. */
  at: Date;
  eventType: string;
  eventName: string;
  appVersion: string;
}

export interface UndeliveredPage {
  items: UndeliveredValue[];
  /** Pass as `after` for the next page; null on the last page. */
  nextCursor: string | null;
}

/** Page size bounds of the GraphQL list; the export's row bounds are its own. */
export const UNDELIVERED_DEFAULT_PAGE = 100;
export const UNDELIVERED_MAX_PAGE = 1000;

/**
 * Destination-side steps whose order decides what happened to a message last, in the
 * order that breaks a tie of equal timestamps (later wins): an outcome counts as after a
 * retry, a delivery as after a failure (the outcome a replay must not repeat).
 */
export const OUTCOME_PRECEDENCE = ['retry_enqueued', 'retry_resolved', 'filtered_destination', 'failed_delivery', 'delivered'] as const;

/**
 * The grouped rows (one per message and mapping, every undelivered one of the query, in no
 * order) with `last` = (step, source, reason, type, name, version, enriched) of the last
 * report and `at` its time; ties of time go by OUTCOME_PRECEDENCE, then by reason. The one
 * definition of "undelivered": the list, the export, and a replay's preview and frozen list
 * all read it.
 */
export function undeliveredRowsSql(wdb: WorkspaceDb, extraHaving = ''): string {
  return `SELECT message_id, mapping_id,
             argMax(tuple(step, source_id, reason, event_type, event_name, app_version, enriched), (time, indexOf({outcome_steps:Array(String)}, step), reason)) AS last,
             max(time) AS at
      FROM ${wdb.table('delivery_events')}
      WHERE workspace_id = {workspace:String} AND destination_id = {dest:String}
        AND step IN {outcome_steps:Array(String)} AND message_id != ''
        AND time >= fromUnixTimestamp64Milli({from:Int64})
        AND ({any_mapping:Bool} OR mapping_id = {mapping:String})
        AND ({any_message:Bool} OR message_id IN {message_ids:Array(String)})
      GROUP BY message_id, mapping_id
      HAVING last.1 = 'failed_delivery' AND at < fromUnixTimestamp64Milli({to:Int64})
        AND ({any_reason:Bool} OR last.3 = {reason:String})
        AND ({f_any_type:Bool} OR last.4 IN {f_types:Array(String)})
        AND ({f_any_name:Bool} OR last.5 IN {f_names:Array(String)})
        AND ({f_any_version:Bool} OR last.6 IN {f_versions:Array(String)})
        AND ({f_enriched:Int8} < 0 OR last.7 = {f_enriched:Int8}) ${extraHaving}`;
}

/**
 * The rows of one page or export: after the cursor, in cursor order, `limit` at most. The
 * cursor is a HAVING condition inside the grouping: a WHERE beside the projection would see the
 * projection's `at` alias (milliseconds, or ISO text) instead of the time, since ClickHouse lets
 * WHERE use SELECT aliases.
 */
function undeliveredSql(wdb: WorkspaceDb, projection: string): string {
  const afterCursor =
    'AND (NOT {has_after:Bool} OR (at, message_id, mapping_id) > (fromUnixTimestamp64Milli({after_at:Int64}), {after_msg:String}, {after_map:String}))';
  return `SELECT ${projection} FROM (${undeliveredRowsSql(wdb, afterCursor)})
    ORDER BY at, message_id, mapping_id
    LIMIT {limit:UInt32}`;
}

/** The parameters of undeliveredRowsSql. */
export function undeliveredRowsParams(q: Omit<UndeliveredQuery, 'after'>): Record<string, unknown> {
  return {
    dest: q.destinationId,
    outcome_steps: OUTCOME_PRECEDENCE,
    from: q.from,
    to: q.to,
    any_mapping: q.mappingId === null,
    mapping: q.mappingId ?? '',
    any_reason: q.reason === null,
    reason: q.reason ?? '',
    any_message: q.messageIds == null,
    message_ids: q.messageIds ?? [],
    ...filterParams(q.filter),
  };
}

function undeliveredParams(q: UndeliveredQuery, limit: number): Record<string, unknown> {
  return {
    ...undeliveredRowsParams(q),
    has_after: q.after !== null,
    after_at: q.after?.at ?? 0,
    after_msg: q.after?.messageId ?? '',
    after_map: q.after?.mappingId ?? '',
    limit,
  };
}

interface Row {
  message_id: string;
  mapping_id: string;
  source_id: string;
  reason: string;
  at: number;
  event_type: string;
  event_name: string;
  app_version: string;
}

/** One page of the list (`first` rows after the cursor) and the cursor of the next. */
export async function undeliveredPage(wdb: WorkspaceDb, q: UndeliveredQuery, first: number): Promise<UndeliveredPage> {
  const rows = await wdb.query<Row>(
    'undelivered',
    undeliveredSql(
      wdb,
      `message_id, mapping_id, last.2 AS source_id, last.3 AS reason, toUnixTimestamp64Milli(at) AS at,
       last.4 AS event_type, last.5 AS event_name, last.6 AS app_version`,
    ),
    undeliveredParams(q, first + 1),
    undefined,
    { from: q.from, to: Infinity },
  );
  const items = rows.slice(0, first).map((r) => ({
    cursor: encodeUndeliveredCursor({ at: Number(r.at), messageId: r.message_id, mappingId: r.mapping_id }),
    messageId: r.message_id,
    mappingId: r.mapping_id || null,
    sourceId: r.source_id,
    reason: r.reason,
    at: new Date(Number(r.at)),
    eventType: r.event_type,
    eventName: r.event_name,
    appVersion: r.app_version,
  }));
  const last = items[items.length - 1];
  return { items, nextCursor: rows.length > first && last ? last.cursor : null };
}

/** The columns of an export, in order: the list's fields under the same names. */
export const EXPORT_COLUMNS = ['messageId', 'at', 'reason', 'mappingId', 'sourceId', 'eventType', 'eventName', 'appVersion'] as const;

/**
 * A text column as a CSV export writes it: a value that a spreadsheet would run as a
 * formula (it begins with =, +, -, @, a tab or a carriage return) gets an apostrophe in
 * front, as OWASP advises; so does one that begins with an apostrophe, so that dropping
 * one leading apostrophe always gives the value back (the cursor of a cut export does).
 */
function spreadsheetSafe(column: string): string {
  return `if(${column} != '' AND position('=+-@\\t\\r\\'', substring(${column}, 1, 1)) > 0, concat('\\'', ${column}), ${column})`;
}

/** The value behind a CSV field written by spreadsheetSafe. */
export function unneutralized(field: string): string {
  return field.startsWith("'") ? field.slice(1) : field;
}

/**
 * The same rows streamed as ClickHouse writes them (NDJSON, or CSV without a header: the
 * caller writes the one header line, since a streamed CSVWithNames repeats it every block):
 * `at` as an ISO 8601 UTC instant with milliseconds, `mappingId` null (empty in CSV) when
 * the destination has none. `limit` rows at most; memory stays flat however many there are
 * (the engine spills grouping and sorting to disk beyond a few MB).
 */
export function streamUndelivered(
  wdb: WorkspaceDb,
  q: UndeliveredQuery,
  limit: number,
  format: StreamFormat,
  signal: AbortSignal,
  onChunk: (chunk: Uint8Array) => Promise<void> | void,
): Promise<{ bytes: number; aborted: boolean }> {
  const text = format === 'CSV' ? spreadsheetSafe : (column: string) => column;
  const projection = `${text('message_id')} AS messageId, concat(replaceOne(toString(at), ' ', 'T'), 'Z') AS at, ${text('last.3')} AS reason,
       nullIf(${text('mapping_id')}, '') AS mappingId, ${text('last.2')} AS sourceId, ${text('last.4')} AS eventType, ${text('last.5')} AS eventName, ${text('last.6')} AS appVersion`;
  return wdb.stream('undelivered_export', undeliveredSql(wdb, projection), undeliveredParams(q, limit), {
    format,
    signal,
    onChunk,
    settings: EXPORT_SETTINGS,
  });
}

/**
 * Limits of an export's read: longer than a dashboard read (it may stream for minutes
 * to a slow client), one thread, small blocks, and grouping and sorting spilled to disk
 * past 16 MB, so a million rows stream in about 60 MB (measured) instead of ~250 MB.
 */
const EXPORT_SETTINGS: ClickHouseSettings = {
  max_execution_time: 600,
  max_result_rows: '0',
  max_threads: 1,
  max_block_size: '8192',
  max_bytes_before_external_group_by: '16000000',
  max_bytes_before_external_sort: '16000000',
  format_csv_null_representation: '',
};

export function encodeUndeliveredCursor(c: UndeliveredCursor): string {
  return Buffer.from(JSON.stringify([c.at, c.messageId, c.mappingId])).toString('base64url');
}

/** The cursor a caller passed back; a typed error when it is not one this gateway wrote. */
export function decodeUndeliveredCursor(text: string, field: string): UndeliveredCursor {
  try {
    const value: unknown = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
    if (Array.isArray(value) && value.length === 3 && Number.isSafeInteger(value[0]) && typeof value[1] === 'string' && typeof value[2] === 'string') {
      return { at: value[0] as number, messageId: value[1], mappingId: value[2] };
    }
  } catch {
    // fall through to the typed error
  }
  throw new AppError(ErrorCode.BAD_USER_INPUT, `${field} is not a cursor this API returned`, { field });
}
