-- Feeds events_hour straight from delivery_events (not from the minute table), so each
-- tier deduplicates a retried insert on its own.
CREATE MATERIALIZED VIEW IF NOT EXISTS {{db}}.events_hour_mv TO {{db}}.events_hour AS
SELECT
    toStartOfHour(time) AS hour,
    workspace_id, step, destination_id, source_id, mapping_id, reason,
    event_type, event_name, app_version, enriched,
    sum(count) AS events,
    count() AS reports
FROM {{db}}.delivery_events
GROUP BY hour, workspace_id, step, destination_id, source_id, mapping_id, reason,
         event_type, event_name, app_version, enriched
