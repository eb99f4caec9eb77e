-- Feeds attempts_hour straight from delivery_events (not from the minute table), so each
-- tier deduplicates a retried insert on its own.
CREATE MATERIALIZED VIEW IF NOT EXISTS {{db}}.attempts_hour_mv TO {{db}}.attempts_hour AS
SELECT
    toStartOfHour(time) AS hour,
    workspace_id, step, destination_id, source_id, mapping_id, reason, event_type, event_name, app_version, enriched,
    sum(count) AS events,
    sumIf(count, attempt = 1) AS first_attempt,
    sumIf(count, attempt > 1) AS retried
FROM {{db}}.delivery_events
WHERE step IN ('delivered', 'failed_delivery')
GROUP BY hour, workspace_id, step, destination_id, source_id, mapping_id, reason, event_type, event_name, app_version, enriched
