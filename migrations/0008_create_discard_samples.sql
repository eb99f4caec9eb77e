-- Discard samples, chosen at ingest (a bounded number per destination, step and reason
-- per minute), payload capped in size. Kept 14 days, the longest range offered.
CREATE TABLE IF NOT EXISTS {{db}}.discard_samples
(
    time           DateTime64(3, 'UTC'),
    workspace_id   LowCardinality(String),
    destination_id LowCardinality(String),
    source_id      LowCardinality(String),
    mapping_id     LowCardinality(String),
    step           LowCardinality(String),
    reason         LowCardinality(String),
    event_type     LowCardinality(String),
    event_name     LowCardinality(String),
    app_version    LowCardinality(String),
    message_id     String,
    payload        String,
    error          String,
    truncated      UInt8
)
ENGINE = MergeTree
PARTITION BY toDate(time)
ORDER BY (workspace_id, destination_id, step, reason, time)
TTL toDateTime(time) + INTERVAL 14 DAY
SETTINGS non_replicated_deduplication_window = 10000
