/**
 * Catalogue entries of the two connection kinds whose source is not an event stream:
 * Reverse ETL sync runs (a warehouse model extracted and sent through mappings) and audience
 * syncs (membership changes sent to a destination). Pure data in the shape of
 * discard-reasons.ts, which merges it; docs/discard-reasons.md is its human-readable twin.
 */
import type { DestinationKind } from './steps';

/** What discard-reasons.ts needs of an entry (docs URL and defaults are added there). */
export interface DiscardReasonEntry {
  step: 'failed_ingest' | 'filtered_source' | 'failed_extract' | 'filtered_destination' | 'failed_delivery';
  code: string;
  title: string;
  description: string;
  remedy: string;
  aliases?: readonly string[];
  /** The destination kinds that report it; the step's default when absent. */
  kinds?: readonly DestinationKind[];
}

const RETL: readonly DestinationKind[] = ['retl'];
const AUDIENCE: readonly DestinationKind[] = ['audience'];

// prettier-ignore
export const CONNECTION_REASONS: readonly DiscardReasonEntry[] = [
  // ── Reverse ETL: failed to extract ──────────────────────────────────────────────
  { step: 'failed_extract', code: 'QUERY_FAILED', kinds: RETL, title: 'Model query failed', description: 'The warehouse answered the model\'s SQL with an error, so the sync run could not read its records.', remedy: 'Run the model\'s query in the warehouse yourself, fix the SQL or the tables and columns it names (renamed or dropped objects are the usual cause), and let the next run try again.' },
  { step: 'failed_extract', code: 'WAREHOUSE_UNREACHABLE', kinds: RETL, title: 'Warehouse unreachable', description: 'The sync run could not open a connection to the warehouse: the host did not answer, or it refused the login.', remedy: 'Check the warehouse host, port and credentials in the source settings (expired passwords and keys are common), and that the warehouse lets the sync connect through its network allowlist.' },
  { step: 'failed_extract', code: 'PERMISSION_DENIED', kinds: RETL, title: 'Not allowed to read the model', description: 'The warehouse user the sync runs as may not read a table the model uses, or may not write the bookkeeping tables that remember the previous run.', remedy: 'Grant the sync user read access on every table the model reads and write access on its bookkeeping schema, then rerun the sync.' },
  { step: 'failed_extract', code: 'PRIMARY_KEY_MISSING', kinds: RETL, title: 'Record without a primary key', description: 'The column chosen as the model\'s primary key was empty for these records. Without a key a record cannot be compared with the previous run, so it is left out.', remedy: 'Filter out rows whose key is null in the model\'s SQL, or choose a key column that is always filled.' },
  { step: 'failed_extract', code: 'DUPLICATE_PRIMARY_KEY', kinds: RETL, title: 'Primary key not unique', description: 'Several records of one run share a primary key. Only one of them can be tracked, so the others are left out.', remedy: 'Make the key unique in the model\'s SQL, for example by keeping the newest row per key, or choose a key that is unique.' },
  { step: 'failed_extract', code: 'EXTRACT_TIMEOUT', kinds: RETL, title: 'Extraction timed out', description: 'The model\'s query ran longer than a sync run may take, so the run stopped before it had the records.', remedy: 'Make the query cheaper: select only the columns the mappings use, pre-compute heavy joins into a table, or give the sync a larger warehouse.' },
  { step: 'failed_extract', code: 'SCHEMA_CHANGED', kinds: RETL, title: 'Model columns changed', description: 'A column the mappings use disappeared from the model or changed its type since the previous run.', remedy: 'Bring the column back under its old name and type, or update the mappings to the model\'s new columns.' },

  // ── Reverse ETL: filtered at mapping ────────────────────────────────────────────
  { step: 'filtered_destination', code: 'MAPPING_DISABLED', kinds: RETL, title: 'Mapping turned off', description: 'The record was meant for a mapping that is disabled, so it was not sent.', remedy: 'Enable the mapping if its records should reach the destination; records of the runs while it was off are sent as changes of the next run only if the model still reports them.' },
  { step: 'filtered_destination', code: 'OPERATION_NOT_SYNCED', kinds: RETL, title: 'Change type not sent by the mapping', description: 'The mapping sends only some kinds of change (for example only added records), and this record was another kind.', remedy: 'Nothing to fix when this is intended. Otherwise widen the mapping\'s sync mode so it also sends updated or removed records.' },
  { step: 'filtered_destination', code: 'MISSING_REQUIRED_FIELD', kinds: RETL, title: 'Required field empty', description: 'A field the mapping must send, such as the destination\'s identifier for the object, was empty in this record.', remedy: 'Fill the column in the model (or exclude such rows there), or map the field to a column that always has a value.' },

  // ── Audience: filtered at destination ───────────────────────────────────────────
  { step: 'filtered_destination', code: 'NO_MATCHING_IDENTIFIER', kinds: AUDIENCE, title: 'No identifier the destination accepts', description: 'The profile that entered or left the audience has none of the identifiers this destination matches on (for example no email for a customer list).', remedy: 'Collect the identifier on the profile, or choose identifiers the destination supports in the audience\'s destination settings.' },
  { step: 'filtered_destination', code: 'EXITS_NOT_SENT', kinds: AUDIENCE, title: 'Exits not sent to this destination', description: 'The destination is set to receive only profiles entering the audience, so this exit was not sent.', remedy: 'Nothing to fix when the list should only grow. If it should also shrink, turn on sending exits for this destination.' },

  // ── Reverse ETL and audience: failed delivery ───────────────────────────────────
  { step: 'failed_delivery', code: 'RECORD_NOT_FOUND', kinds: RETL, title: 'Object not found at the destination', description: 'An update or a removal pointed at an object the destination does not have, often because the record\'s earlier add failed or the object was deleted there.', remedy: 'For removals this is usually harmless. For updates, look for failed adds of the same records in earlier runs and fix those first; the next run resends the record.' },
  { step: 'failed_delivery', code: 'AUDIENCE_NOT_FOUND', kinds: AUDIENCE, title: 'Audience list missing at the destination', description: 'The list or segment this audience syncs into was deleted or renamed at the destination, so the changes had nowhere to go.', remedy: 'Reconnect the audience to the destination so the list is created again, then resync it in full.' },
  { step: 'failed_delivery', code: 'AUDIENCE_TOO_SMALL', kinds: AUDIENCE, title: 'Audience below the destination\'s minimum', description: 'The destination refuses lists with fewer members than its minimum size, which many advertising platforms require.', remedy: 'Widen the audience\'s conditions or wait until it has grown; the changes are sent again with the next computation.' },
  { step: 'failed_delivery', code: 'INVALID_IDENTIFIER', kinds: AUDIENCE, title: 'Identifier format rejected', description: 'The destination rejected an identifier\'s format, for example a phone number without its country code or an email it expected hashed.', remedy: 'Normalise the trait that holds the identifier (country codes, lower-case emails) or turn on hashing for this destination.' },
];
