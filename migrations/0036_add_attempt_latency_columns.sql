-- The attempt and the latency a delivered or failed_delivery report may carry (docs/ingest.md):
-- `attempt` 1-100 (0 = not reported), `latency_ms` 0-86,400,000 (NULL = not reported). Other
-- steps leave both at their defaults, and so do rows stored before this migration: no existing
-- row is rewritten, and they read as "attempt unknown, no latency".
ALTER TABLE {{db}}.delivery_events
    ADD COLUMN IF NOT EXISTS attempt    UInt8 DEFAULT 0 AFTER space_id,
    ADD COLUMN IF NOT EXISTS latency_ms Nullable(UInt32) AFTER attempt
