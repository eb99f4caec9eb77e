-- Evaluation state of each alert rule, shared by every gateway replica: 'ok' or 'firing'
-- and since when. Written only on a transition, by the evaluator that won the transition's
-- claim (alert_claims), with version = previous version + 1. A rule without a row is 'ok'
-- since it was created. No TTL: one small row per rule.
CREATE TABLE IF NOT EXISTS {{db}}.alert_state
(
    workspace_id LowCardinality(String),
    rule_id      String,
    state        LowCardinality(String),
    since        DateTime64(3, 'UTC'),
    value        Nullable(Float64),
    version      UInt64
)
ENGINE = ReplacingMergeTree(version)
ORDER BY (workspace_id, rule_id)
