-- Feeds steps_day straight from delivery_events, like steps_hour_mv (so it deduplicates a
-- retried insert on its own).
CREATE MATERIALIZED VIEW IF NOT EXISTS {{db}}.steps_day_mv TO {{db}}.steps_day AS
SELECT
    toStartOfDay(time, 'UTC') AS day,
    workspace_id, step, destination_id, source_id, mapping_id, reason,
    sum(count) AS events,
    count() AS reports
FROM {{db}}.delivery_events
GROUP BY day, workspace_id, step, destination_id, source_id, mapping_id, reason
