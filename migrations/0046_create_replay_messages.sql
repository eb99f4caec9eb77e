-- The frozen list of a replay: every (message, mapping) it holds, numbered into batches when
-- the job is created (an INSERT … SELECT in the engine from the undelivered definition), so
-- each batch's content never changes: a batch sent again after a restart is the same batch.
-- Written once per job and never updated. Kept 90 days after the job, like replay_jobs.
CREATE TABLE IF NOT EXISTS {{db}}.replay_messages
(
    workspace_id   LowCardinality(String),
    replay_id      String,
    batch          UInt32,
    destination_id String,
    message_id     String,
    mapping_id     String,
    reason         String,
    source_id      String,
    failed_at      DateTime64(3, 'UTC'),
    created_at     DateTime64(3, 'UTC')
)
ENGINE = MergeTree
ORDER BY (workspace_id, replay_id, batch, message_id, mapping_id)
TTL toDateTime(created_at) + INTERVAL 90 DAY
