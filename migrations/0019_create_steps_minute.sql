-- The narrow minute tier: events_minute without the event dimensions (type, name, app
-- version, enrichment). The pipeline view, discard tables and insights without an event
-- filter read this; it is one to two orders of magnitude smaller than events_minute.
-- Same TTL as events_minute (29 DAY).
CREATE TABLE IF NOT EXISTS {{db}}.steps_minute
(
    minute        DateTime('UTC'),
    workspace_id   LowCardinality(String),
    step           LowCardinality(String),
    destination_id LowCardinality(String),
    source_id      LowCardinality(String),
    mapping_id     LowCardinality(String),
    reason         LowCardinality(String),
    events         UInt64,
    reports        UInt64
)
ENGINE = SummingMergeTree((events, reports))
PARTITION BY toYYYYMMDD(minute)
ORDER BY (workspace_id, step, destination_id, source_id, minute, mapping_id, reason)
TTL minute + INTERVAL 29 DAY
SETTINGS non_replicated_deduplication_window = 10000
