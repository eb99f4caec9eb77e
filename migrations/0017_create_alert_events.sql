-- Alert firings and recoveries: one row per state transition of a rule. event_id is the
-- transition's idempotency key and the insert's deduplication token, so a retried insert
-- (or a second replica) stores it once. recorded_at is when the row was written, which
-- live subscribers compare with the moment they subscribed.
-- Kept 90 days: alertHistory reads at most 14 days back; the rest is an audit trail.
CREATE TABLE IF NOT EXISTS {{db}}.alert_events
(
    workspace_id   LowCardinality(String),
    event_id       String,
    rule_id        String,
    rule_name      String,
    kind           LowCardinality(String),
    state          LowCardinality(String),
    at             DateTime64(3, 'UTC'),
    previous_since DateTime64(3, 'UTC'),
    destination_id String,
    mapping_id     String,
    source_id      String,
    step           LowCardinality(String),
    reason         String,
    value          Nullable(Float64),
    threshold      Float64,
    volume         Float64,
    baseline       Nullable(Float64),
    window_minutes UInt32,
    message        String,
    recorded_at    DateTime64(3, 'UTC') DEFAULT now64(3)
)
ENGINE = MergeTree
PARTITION BY toYYYYMM(at)
ORDER BY (workspace_id, at, event_id)
TTL toDateTime(at) + INTERVAL 90 DAY
SETTINGS non_replicated_deduplication_window = 10000
