-- How each batch of a replay went: a row when it is first sent (pushed to the endpoint, or
-- taken by a puller), after each failed attempt, and when the receiver acknowledged it (a 2xx,
-- or the puller asking for what follows it). version orders one batch's rows (attempts, then
-- the outcome); readers take the newest (FINAL). A sender that restarts resends every batch not
-- acknowledged, with the same webhook-id. Kept 90 days, like replay_jobs.
CREATE TABLE IF NOT EXISTS {{db}}.replay_batches
(
    workspace_id LowCardinality(String),
    replay_id    String,
    batch        UInt32,
    state        LowCardinality(String),
    messages     UInt32,
    attempts     UInt32,
    status_code  UInt16,
    last_error   String,
    updated_at   DateTime64(3, 'UTC'),
    version      UInt64
)
ENGINE = ReplacingMergeTree(version)
ORDER BY (workspace_id, replay_id, batch)
TTL toDateTime(updated_at) + INTERVAL 90 DAY
