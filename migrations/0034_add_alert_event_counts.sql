-- The counts an alert event's value was computed from, by name, in the order they were
-- measured: DESTINATION_QUIET records what the destination's sources received (or what its
-- sync extracted or computed), what was filtered on purpose, what was expected and what was
-- delivered, so a person reading the event sees why it fired. Other kinds leave it empty, and
-- so do rows written before this migration: no existing row is rewritten. The TTL is the
-- table's (90 days).
ALTER TABLE {{db}}.alert_events
    ADD COLUMN IF NOT EXISTS counts Map(LowCardinality(String), Float64) AFTER baseline
