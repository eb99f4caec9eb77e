-- Each alert event's severity (the one it fired or changed to, or for a recovery the one it
-- recovered from), the severity it left when it changed severity, the mute in force then, and
-- whether its notifications were withheld for it. Rows written before read as warning, never
-- muted. The TTL is the table's (90 days).
ALTER TABLE {{db}}.alert_events
    ADD COLUMN IF NOT EXISTS severity LowCardinality(String) DEFAULT '' AFTER state,
    ADD COLUMN IF NOT EXISTS previous_severity LowCardinality(String) DEFAULT '' AFTER severity,
    ADD COLUMN IF NOT EXISTS muted_until Nullable(DateTime64(3, 'UTC')) AFTER message,
    ADD COLUMN IF NOT EXISTS silenced UInt8 DEFAULT 0 AFTER muted_until
