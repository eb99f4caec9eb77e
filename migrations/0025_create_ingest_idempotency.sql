-- Idempotency records of acknowledged ingest batches, per workspace: the key the producer
-- sent, a SHA-256 digest of the body, and the answer it got. A batch is acknowledged only
-- after its record is written, so for a day every acknowledged key is recognized: the same
-- body again is a replay (answered from here, nothing stored), another body is refused.
-- The engine's per-table deduplication window is shared by every workspace and bounded in
-- inserts; these records are not, so one tenant's traffic cannot evict another's keys.
CREATE TABLE IF NOT EXISTS {{db}}.ingest_idempotency
(
    workspace_id    LowCardinality(String),
    idempotency_key String,
    body_sha256     FixedString(64),
    result          String,
    created_at      DateTime64(3, 'UTC')
)
ENGINE = ReplacingMergeTree(created_at)
ORDER BY (workspace_id, idempotency_key)
TTL toDateTime(created_at) + INTERVAL 1 DAY
