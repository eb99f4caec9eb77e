-- Hour aggregate, same dimensions as events_minute. Kept 90 days (cheap, and the
-- alert evaluator's "typical volume" looks back a week).
CREATE TABLE IF NOT EXISTS {{db}}.events_hour
(
    hour           DateTime('UTC'),
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
PARTITION BY toYYYYMM(hour)
ORDER BY (workspace_id, step, destination_id, source_id, hour, mapping_id, reason, event_type, event_name, app_version, enriched)
TTL hour + INTERVAL 90 DAY
SETTINGS non_replicated_deduplication_window = 10000
