-- Retry-pending gauge: +count for each retry_enqueued report, -count for retry_resolved.
-- A gauge over all time, so no TTL: the sum of deltas is the number waiting right now.
CREATE TABLE IF NOT EXISTS {{db}}.retry_pending
(
    workspace_id   LowCardinality(String),
    destination_id LowCardinality(String),
    mapping_id     LowCardinality(String),
    pending        Int64
)
ENGINE = SummingMergeTree(pending)
ORDER BY (workspace_id, destination_id, mapping_id)
SETTINGS non_replicated_deduplication_window = 10000
