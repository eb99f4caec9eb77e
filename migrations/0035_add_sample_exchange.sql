-- A failed delivery's HTTP exchange, kept with its sample (docs/ingest.md#request-and-response):
-- the request (method, URL, selected headers, body) and the response (status, headers, body),
-- each as JSON text, secrets already redacted and bodies cut at SAMPLE_MAX_BYTES at ingest.
-- JSON text, not typed columns: a sample is only ever read whole, never filtered or grouped by
-- these fields. Samples without an exchange, and rows stored before this migration, read as
-- '' (none): no existing row is rewritten. The TTL is the table's (14 days).
ALTER TABLE {{db}}.discard_samples
    ADD COLUMN IF NOT EXISTS request  String DEFAULT '' AFTER truncated,
    ADD COLUMN IF NOT EXISTS response String DEFAULT '' AFTER request
