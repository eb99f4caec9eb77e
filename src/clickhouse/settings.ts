import type { ClickHouseSettings } from '@clickhouse/client';

/**
 * Settings pinned on every read so the embedded engine and a server return identical
 * JS values (chDB emits UInt64 as numbers, a server as strings unless told otherwise).
 */
export const OUTPUT_SETTINGS: ClickHouseSettings = {
  output_format_json_quote_64bit_integers: 0,
  output_format_json_quote_decimals: 0,
  output_format_json_quote_denormals: 0,
};

/**
 * Settings for every insert: synchronous (acknowledged = stored) and deduplicated by token.
 * Its time limit is the write timeout, given on every insert: the embedded engine keeps a
 * read's `max_execution_time` in its session, and a large flush on a busy machine must not
 * fail on the 10-second read limit.
 */
export const INSERT_SETTINGS: ClickHouseSettings = {
  async_insert: 0,
  insert_deduplicate: 1,
  deduplicate_blocks_in_dependent_materialized_views: 1,
  // The encoders send DateTime64 values as quoted "seconds.millis".
  date_time_input_format: 'best_effort',
};
