-- Feeds steps_minute straight from delivery_events, like events_minute_mv.
CREATE MATERIALIZED VIEW IF NOT EXISTS {{db}}.steps_minute_mv TO {{db}}.steps_minute AS
SELECT
    toStartOfMinute(time) AS minute,
    workspace_id, step, destination_id, source_id, mapping_id, reason,
    sum(count) AS events,
    count() AS reports
FROM {{db}}.delivery_events
GROUP BY minute, workspace_id, step, destination_id, source_id, mapping_id, reason
