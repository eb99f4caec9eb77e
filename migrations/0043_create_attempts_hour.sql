-- The attempts tier, per hour: delivered and failed_delivery events with the dimensions of
-- events_hour, and of them those reported on the first attempt (attempt = 1) and on a later one
-- (attempt >= 2); the rest reported no attempt (docs/api.md). The pipeline's and the breakdown's
-- attempts read it, with event filters. A table of its own: events_hour sums a fixed column list.
-- Same TTL and deduplication window as events_hour, so a retried insert is stored once here too.
CREATE TABLE IF NOT EXISTS {{db}}.attempts_hour
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
    first_attempt  UInt64,
    retried        UInt64
)
ENGINE = SummingMergeTree((events, first_attempt, retried))
PARTITION BY toYYYYMM(hour)
ORDER BY (workspace_id, step, destination_id, source_id, hour, mapping_id, reason, event_type, event_name, app_version, enriched)
TTL hour + INTERVAL 90 DAY
SETTINGS non_replicated_deduplication_window = 10000
