-- The severity a firing rule is at (warning or critical; '' on rows written before, read as
-- warning), and whether its firing was never announced because the rule was muted (silenced =
-- 1): its recovery is then not announced either. Only new versions carry them; no row is
-- rewritten. The TTL is the table's (none).
ALTER TABLE {{db}}.alert_state
    ADD COLUMN IF NOT EXISTS severity LowCardinality(String) DEFAULT '' AFTER state,
    ADD COLUMN IF NOT EXISTS silenced UInt8 DEFAULT 0 AFTER value
