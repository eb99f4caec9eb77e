-- Reverse ETL sync runs: per run and hour, the records of each step, operation, mapping and
-- reason, with the first and last report time. A run is read by grouping its rows: started is
-- the earliest report, finished the latest, and its status follows from its counts (docs/api.md).
-- Kept 29 days like the minute tiers; same deduplication window as the aggregates.
CREATE TABLE IF NOT EXISTS {{db}}.retl_sync_runs
(
    hour           DateTime('UTC'),
    workspace_id   LowCardinality(String),
    destination_id LowCardinality(String),
    sync_id        String,
    step           LowCardinality(String),
    operation      LowCardinality(String),
    mapping_id     LowCardinality(String),
    reason         LowCardinality(String),
    started        SimpleAggregateFunction(min, DateTime64(3, 'UTC')),
    finished       SimpleAggregateFunction(max, DateTime64(3, 'UTC')),
    events         SimpleAggregateFunction(sum, UInt64),
    reports        SimpleAggregateFunction(sum, UInt64)
)
ENGINE = AggregatingMergeTree
PARTITION BY toYYYYMM(hour)
ORDER BY (workspace_id, destination_id, sync_id, hour, step, operation, mapping_id, reason)
TTL hour + INTERVAL 29 DAY
SETTINGS non_replicated_deduplication_window = 10000
