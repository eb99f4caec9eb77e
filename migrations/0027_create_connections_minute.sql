-- The connections tier, per minute: the steps_minute dimensions plus operation, audience and
-- space, for Reverse ETL and audience destinations only (their breakdowns by operation, mapping
-- and audience read it). A table of its own rather than new columns on the existing tiers: those
-- keep their sorting keys and views, and streaming rows never carry these always-empty columns.
-- Same TTL and deduplication window as steps_minute, so a retried insert is stored once here too.
CREATE TABLE IF NOT EXISTS {{db}}.connections_minute
(
    minute         DateTime('UTC'),
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
PARTITION BY toYYYYMMDD(minute)
ORDER BY (workspace_id, step, destination_id, source_id, minute, mapping_id, reason, operation, audience_id, space_id)
TTL minute + INTERVAL 29 DAY
SETTINGS non_replicated_deduplication_window = 10000
