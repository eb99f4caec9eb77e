-- Acknowledgements of open alerts: who (token id) acknowledged a rule's firing that began at
-- firing_since, and when. One row per firing; the first acknowledgement stands (the API writes
-- none over it). A firing that changes severity starts a new firing_since, so it asks again.
-- Kept 90 days, like alert_events.
CREATE TABLE IF NOT EXISTS {{db}}.alert_acks
(
    workspace_id    LowCardinality(String),
    rule_id         String,
    firing_since    DateTime64(3, 'UTC'),
    acknowledged_by String,
    acknowledged_at DateTime64(3, 'UTC')
)
ENGINE = ReplacingMergeTree
ORDER BY (workspace_id, rule_id, firing_since)
TTL toDateTime(acknowledged_at) + INTERVAL 90 DAY
