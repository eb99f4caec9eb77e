-- Feeds steps_hour straight from delivery_events, like events_hour_mv.
CREATE MATERIALIZED VIEW IF NOT EXISTS {{db}}.steps_hour_mv TO {{db}}.steps_hour AS
SELECT
    toStartOfHour(time) AS hour,
    workspace_id, step, destination_id, source_id, mapping_id, reason,
    sum(count) AS events,
    count() AS reports
FROM {{db}}.delivery_events
GROUP BY hour, workspace_id, step, destination_id, source_id, mapping_id, reason
