-- Replays of undelivered messages: one row per version of a job. The sender writes a new
-- version when a job starts sending, is sent or fails; a cancellation writes one whose version
-- is above anything the sender writes (2^62 + ms), so a sender that has not yet seen the
-- cancellation can never overwrite it. Readers take the newest version (FINAL).
-- selection is the caller's input as JSON (what was asked for, shown back); the frozen list of
-- messages is replay_messages. idempotency_key makes a repeated create return the first job.
-- Kept 90 days, like alert history.
CREATE TABLE IF NOT EXISTS {{db}}.replay_jobs
(
    workspace_id    LowCardinality(String),
    replay_id       String,
    destination_id  String,
    mapping_id      String,
    selection       String,
    idempotency_key String,
    delivery        LowCardinality(String),
    status          LowCardinality(String),
    messages        UInt64,
    batches         UInt32,
    batch_size      UInt32,
    created_by      String,
    created_at      DateTime64(3, 'UTC'),
    started_at      Nullable(DateTime64(3, 'UTC')),
    finished_at     Nullable(DateTime64(3, 'UTC')),
    cancelled_by    String,
    error           String,
    version         UInt64
)
ENGINE = ReplacingMergeTree(version)
ORDER BY (workspace_id, replay_id)
TTL toDateTime(created_at) + INTERVAL 90 DAY
