-- Feeds attempts_minute straight from delivery_events, like events_minute_mv. Nothing to backfill: no
-- row stored before migration 0036 has an attempt.
CREATE MATERIALIZED VIEW IF NOT EXISTS {{db}}.attempts_minute_mv TO {{db}}.attempts_minute AS
SELECT
    toStartOfMinute(time) AS minute,
    workspace_id, step, destination_id, source_id, mapping_id, reason, event_type, event_name, app_version, enriched,
    sum(count) AS events,
    sumIf(count, attempt = 1) AS first_attempt,
    sumIf(count, attempt > 1) AS retried
FROM {{db}}.delivery_events
WHERE step IN ('delivered', 'failed_delivery')
GROUP BY minute, workspace_id, step, destination_id, source_id, mapping_id, reason, event_type, event_name, app_version, enriched
