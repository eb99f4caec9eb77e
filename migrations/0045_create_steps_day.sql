-- The narrow day tier: steps_hour by UTC day. The pipeline view reads whole UTC days of a
-- long range from here, whole hours at either end from steps_hour and the ragged minutes from
-- steps_minute (`planDayTiers`). A range is a pair of instants whatever its time zone, so a
-- UTC day wholly inside it is exact in any zone; series bucketed by day in a zone never read
-- this table. Same columns and TTL as steps_hour (90 DAY).
CREATE TABLE IF NOT EXISTS {{db}}.steps_day
(
    day            DateTime('UTC'),
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
PARTITION BY toYYYYMM(day)
ORDER BY (workspace_id, step, destination_id, source_id, day, mapping_id, reason)
TTL day + INTERVAL 90 DAY
SETTINGS non_replicated_deduplication_window = 10000
