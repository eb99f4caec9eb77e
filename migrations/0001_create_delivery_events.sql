-- Raw delivery reports: one row per report (a report may stand for `count` events).
-- Kept 15 days: the product's longest range is 14 days, plus a day of slack for late reports.
-- The dedup window makes an insert carrying the same insert_deduplication_token (the
-- ingest Idempotency-Key) a no-op, so a producer may retry an unacknowledged batch.
CREATE TABLE IF NOT EXISTS {{db}}.delivery_events
(
    time             DateTime64(3, 'UTC') CODEC(DoubleDelta, ZSTD(1)),
    workspace_id     LowCardinality(String),
    source_id        LowCardinality(String),
    destination_id   LowCardinality(String),
    destination_kind LowCardinality(String),
    mapping_id       LowCardinality(String),
    step             LowCardinality(String),
    reason           LowCardinality(String),
    event_type       LowCardinality(String),
    event_name       LowCardinality(String),
    app_version      LowCardinality(String),
    enriched         UInt8,
    count            UInt32,
    message_id       String,
    ingested_at      DateTime64(3, 'UTC') DEFAULT now64(3),
    INDEX message_id_bloom message_id TYPE bloom_filter(0.01) GRANULARITY 1
)
ENGINE = MergeTree
PARTITION BY toDate(time)
ORDER BY (workspace_id, destination_id, step, time)
TTL toDateTime(time) + INTERVAL 15 DAY
SETTINGS non_replicated_deduplication_window = 10000
