-- The connections tier, per hour: connections_minute's dimensions. Same TTL and deduplication
-- window as steps_hour.
CREATE TABLE IF NOT EXISTS {{db}}.connections_hour
(
    hour           DateTime('UTC'),
    workspace_id   LowCardinality(String),
    step           LowCardinality(String),
    destination_id LowCardinality(String),
    source_id      LowCardinality(String),
    mapping_id     LowCardinality(String),
    reason         LowCardinality(String),
    operation      LowCardinality(String),
    audience_id    LowCardinality(String),
    space_id       LowCardinality(String),
    events         UInt64,
    reports        UInt64
)
ENGINE = SummingMergeTree((events, reports))
PARTITION BY toYYYYMM(hour)
ORDER BY (workspace_id, step, destination_id, source_id, hour, mapping_id, reason, operation, audience_id, space_id)
TTL hour + INTERVAL 90 DAY
SETTINGS non_replicated_deduplication_window = 10000
