-- One row per warehouse sync of a storage destination, with its collections. A sync
-- reported again (same sync_id) replaces the earlier row: the newest report wins.
-- Kept 29 days, to compare a 14-day range with the one before it.
CREATE TABLE IF NOT EXISTS {{db}}.warehouse_syncs
(
    workspace_id   LowCardinality(String),
    destination_id LowCardinality(String),
    sync_id        String,
    started_at     DateTime64(3, 'UTC'),
    finished_at    DateTime64(3, 'UTC'),
    status         LowCardinality(String),
    reason         String,
    collections    Nested(name String, rows_synced UInt64, rows_failed UInt64, reason String),
    reported_at    DateTime64(3, 'UTC')
)
ENGINE = ReplacingMergeTree(reported_at)
PARTITION BY toYYYYMM(started_at)
ORDER BY (workspace_id, destination_id, sync_id)
TTL toDateTime(started_at) + INTERVAL 29 DAY
SETTINGS non_replicated_deduplication_window = 10000
