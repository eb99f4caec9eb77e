-- The outcomes tier, per hour: delivered and failed_delivery reports by destination, source,
-- mapping and latency bucket, with the events delivered on the first attempt and after retries.
-- Latency quantiles are read from the bucket counts (a log-bucketed histogram kept as rows):
-- bucket 0 holds reports without a latency, bucket 1 those of 0 ms, bucket b >= 2 latencies in
-- [1.05^(b-2), 1.05^(b-1)) ms, so a quantile read from it is within 2.5 % of the exact one
-- (docs/api.md). A table of its own rather than new columns on steps_*: those keep their keys
-- and views. Same TTL and deduplication window as steps_hour, so a retried insert is stored once.
CREATE TABLE IF NOT EXISTS {{db}}.outcomes_hour
(
    hour           DateTime('UTC'),
    workspace_id   LowCardinality(String),
    destination_id LowCardinality(String),
    step           LowCardinality(String),
    source_id      LowCardinality(String),
    mapping_id     LowCardinality(String),
    latency_bucket UInt16,
    events         UInt64,
    reports        UInt64,
    first_attempt  UInt64,
    retried        UInt64
)
ENGINE = SummingMergeTree((events, reports, first_attempt, retried))
PARTITION BY toYYYYMM(hour)
ORDER BY (workspace_id, destination_id, step, source_id, hour, mapping_id, latency_bucket)
TTL hour + INTERVAL 90 DAY
SETTINGS non_replicated_deduplication_window = 10000
