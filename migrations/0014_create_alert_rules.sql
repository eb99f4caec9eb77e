-- Alert rules. Every change writes the whole rule again with a higher version; a delete
-- writes a tombstone version (deleted = 1). Readers take the newest version (FINAL) and
-- skip tombstones. No TTL: rules are configuration and stay until deleted (tombstones are
-- a few bytes and keep a deleted id from coming back through an older version).
-- webhook_secret is kept in plain text because the evaluator needs it to sign bodies; the
-- API never returns it.
CREATE TABLE IF NOT EXISTS {{db}}.alert_rules
(
    workspace_id   LowCardinality(String),
    rule_id        String,
    name           String,
    kind           LowCardinality(String),
    destination_id String,
    mapping_id     String,
    source_id      String,
    step           LowCardinality(String),
    reason         String,
    threshold      Float64,
    window_minutes UInt32,
    min_volume     UInt64,
    enabled        UInt8,
    webhook_url    String,
    webhook_secret String,
    emails         Array(String),
    created_at     DateTime64(3, 'UTC'),
    updated_at     DateTime64(3, 'UTC'),
    deleted        UInt8,
    version        UInt64
)
ENGINE = ReplacingMergeTree(version)
ORDER BY (workspace_id, rule_id)
