-- Minute aggregate of delivery_events, every dimension the queries filter or group by.
-- Kept 29 days: a 14-day range compares against the 14 days before it, and the ragged
-- minutes at both ends of both windows come from this table.
CREATE TABLE IF NOT EXISTS {{db}}.events_minute
(
    minute         DateTime('UTC'),
    workspace_id   LowCardinality(String),
    step           LowCardinality(String),
    destination_id LowCardinality(String),
    source_id      LowCardinality(String),
    mapping_id     LowCardinality(String),
    reason         LowCardinality(String),
    event_type     LowCardinality(String),
    event_name     LowCardinality(String),
    app_version    LowCardinality(String),
    enriched       UInt8,
    events         UInt64,
    reports        UInt64
)
ENGINE = SummingMergeTree((events, reports))
PARTITION BY toYYYYMMDD(minute)
ORDER BY (workspace_id, step, destination_id, source_id, minute, mapping_id, reason, event_type, event_name, app_version, enriched)
TTL minute + INTERVAL 29 DAY
SETTINGS non_replicated_deduplication_window = 10000
