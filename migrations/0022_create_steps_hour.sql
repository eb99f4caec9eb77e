-- The narrow hour tier: events_hour without the event dimensions (type, name, app
-- version, enrichment). The pipeline view, discard tables and insights without an event
-- filter read this; it is one to two orders of magnitude smaller than events_hour.
-- Same TTL as events_hour (90 DAY).
CREATE TABLE IF NOT EXISTS {{db}}.steps_hour
(
    hour        DateTime('UTC'),
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
PARTITION BY toYYYYMM(hour)
ORDER BY (workspace_id, step, destination_id, source_id, hour, mapping_id, reason)
TTL hour + INTERVAL 90 DAY
SETTINGS non_replicated_deduplication_window = 10000
