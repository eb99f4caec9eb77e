-- How each notification of an alert event went, per channel (webhook, email): a row after
-- every attempt that failed and will be retried (outcome 'retrying'), and a final row
-- ('delivered' or 'failed'); version = attempts, so the newest row wins.
-- Kept 90 days, like alert_events.
CREATE TABLE IF NOT EXISTS {{db}}.alert_notifications
(
    workspace_id LowCardinality(String),
    event_id     String,
    channel      LowCardinality(String),
    target       String,
    outcome      LowCardinality(String),
    attempts     UInt32,
    last_error   String,
    status_code  UInt16,
    updated_at   DateTime64(3, 'UTC'),
    version      UInt64
)
ENGINE = ReplacingMergeTree(version)
ORDER BY (workspace_id, event_id, channel)
TTL toDateTime(updated_at) + INTERVAL 90 DAY
