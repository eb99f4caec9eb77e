-- The latency tier, per hour: delivered and failed_delivery reports that carry latencyMs, by
-- destination, step, source, mapping and latency bucket (a log-bucketed histogram kept as rows):
-- bucket 1 holds latencies of 0 ms, bucket b >= 2 those in [1.05^(b-2), 1.05^(b-1)) ms, so a
-- quantile read from it is within 2.5 % of the exact one (docs/api.md). Counts, unlike sketch
-- states, sum exactly across minutes and hours. A table of its own rather than new columns on
-- steps_*: those keep their keys and views. Same TTL and deduplication window as steps_hour,
-- so a retried insert is stored once here too.
CREATE TABLE IF NOT EXISTS {{db}}.latency_hour
(
    hour           DateTime('UTC'),
    workspace_id   LowCardinality(String),
    destination_id LowCardinality(String),
    step           LowCardinality(String),
    source_id      LowCardinality(String),
    mapping_id     LowCardinality(String),
    latency_bucket UInt16,
    events         UInt64,
    reports        UInt64
)
ENGINE = SummingMergeTree((events, reports))
PARTITION BY toYYYYMM(hour)
ORDER BY (workspace_id, destination_id, step, source_id, hour, mapping_id, latency_bucket)
TTL hour + INTERVAL 90 DAY
SETTINGS non_replicated_deduplication_window = 10000
